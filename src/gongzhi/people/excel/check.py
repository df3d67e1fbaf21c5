"""Phase 1 of the people import: clean and check every row, collecting every problem, writing nothing."""

import itertools
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings

from gongzhi.areas.models import Area
from gongzhi.kernel import text
from gongzhi.kernel.crypto import blind_index
from gongzhi.kernel.errors import DomainError, Invalid
from gongzhi.kernel.jurisdiction import has_role

from .. import rules
from ..choices import Relation
from ..models import Household, Person
from ..validation import clean_person
from .workbook import DATE_KEYS, header_for

BATCH = 1000
# About 3 KB of memory per row while importing; past settings.XLSX_MAX_ROWS (200,000) a workbook
# should be split by town or village.
# A row is read, checked and written: progress counts these steps, so total is three times the rows.
STEPS = 3


@dataclass(frozen=True)
class RowProblem:
    """One problem: Excel row number, column header ('' when none), reason in Chinese."""

    row: int
    column: str
    reason: str


@dataclass
class Checked:
    """A row that passed: its clean values, the ID number's blind index and its 户号."""

    row: int
    clean: dict
    index: str
    household_no: str


def cell_value(key: str, raw) -> str | date:
    """A cell as clean_person() takes it: text, or a date for date columns. A cell holding an
    invisible control character is refused (kernel.text), like the same text typed into a form."""
    if raw is None:
        return ""
    code = text.control_char(raw)
    if code:
        raise DomainError(text.control_message(header_for(key), code))
    if key in DATE_KEYS and isinstance(raw, date | datetime):
        return raw
    if isinstance(raw, float):
        if key == "id_number":
            # Excel keeps 15 significant digits: the number's last digits are already gone.
            raise DomainError(
                "公民身份号码被 Excel 存成了数字，末几位已丢失；请把该列设为「文本」格式后重新录入。"
            )
        return str(int(raw)) if raw.is_integer() else str(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    return str(raw).strip()


def households_in(grids: set[str]) -> dict[tuple, Household]:
    """{(grid, 户号): Household} of the given grids, queried in slices to stay under bind-parameter limits."""
    found = {}
    codes = sorted(grids)
    for start in range(0, len(codes), 500):
        qs = Household.objects.filter(area_id__in=codes[start : start + 500]).only(
            "area", "household_no", "address"
        )
        found.update(((h.area_id, h.household_no), h) for h in qs)
    return found


class Checker:
    """Phase 1: clean and check every row, collecting problems instead of stopping at the first."""

    def __init__(self, actor, columns: dict[int, str]):
        self.actor = actor
        self.columns = columns
        self.present = set(columns.values())
        self.problems: list[RowProblem] = []
        self._writable: dict[str, bool] = {}

    def add(self, row: int, column: str, reason: str) -> None:
        self.problems.append(RowProblem(row, column, reason))

    def may_write(self, code: str) -> bool:
        if self.actor is None:
            return True
        if code not in self._writable:
            self._writable[code] = has_role(self.actor, rules.WRITE_ROLES, code)
        return self._writable[code]

    def read(self, rows, estimate: int, report) -> deque:
        """(row number, data dict or None when a cell was unusable) of each non-blank row.

        `estimate` is the row count the sheet declares; files without one (openpyxl writes none)
        report their reading progress with a total of 0, meaning not yet known.
        """
        found = deque()
        max_rows, max_columns = settings.XLSX_MAX_ROWS, settings.XLSX_MAX_COLUMNS
        for number, values in enumerate(rows, start=2):
            if len(values) > max_columns and any(v is not None for v in values[max_columns:]):
                raise DomainError(
                    f"第 {number} 行有内容超出第 {max_columns} 列，超过列数上限；请删除多余的列后再导入。",
                    field="file",
                )
            if any(v is not None and str(v).strip() for v in values):
                if len(found) == max_rows:
                    raise DomainError(f"工作簿超过 {max_rows:,} 行，请按镇或村拆分后分别导入。", field="file")
                found.append(self._data(number, values))
            if number % BATCH == 0:
                report(number, STEPS * estimate if estimate >= number else 0)
        return found

    def run(self, data_rows: deque, report) -> list[Checked]:
        """Clean and check every row; problems pile up in self.problems."""
        total = STEPS * len(data_rows)
        keys = ("area_code", "hukou_area_code")
        codes = {data.get(k) for _, data in data_rows if data for k in keys} - {"", None}
        areas = Area.objects.in_bulk(list(codes))
        checked: list[Checked] = []
        seen_ids: dict[str, int] = {}
        done = 0
        while data_rows:
            number, data = data_rows.popleft()
            done += 1
            if done % BATCH == 0:
                report(total // STEPS + done, total)
            if data is None:
                continue
            item = self._row(number, data, areas, seen_ids)
            if item is not None:
                checked.append(item)
        self._households(checked)
        self._existing(checked)
        report(2 * total // STEPS, total)
        return checked

    def _data(self, number: int, values: tuple) -> tuple[int, dict | None]:
        data: dict = {"extra": {}}
        ok = True
        for i, key in self.columns.items():
            try:
                value = cell_value(key, values[i] if i < len(values) else None)
            except DomainError as exc:
                self.add(number, header_for(key), exc.message)
                ok = False
                continue
            if key.startswith("extra."):
                data["extra"][key[6:]] = value
            else:
                data[key] = value
        return number, (data if ok else None)

    def _row(self, number: int, data: dict, areas: dict, seen_ids: dict) -> Checked | None:
        grid = areas.get(data.get("area_code") or "")
        if not data.get("address") and grid is not None:
            data["address"] = grid.name  # the grid's name stands in for an address left blank
        try:
            clean = clean_person(data, areas=areas)
        except Invalid as exc:
            for field, message in exc.errors:
                self.add(number, header_for(field), message)
            return None
        ok = True
        if not self.may_write(clean["area"].code):
            self.add(number, "网格编码", f"您无权在{clean['area'].name}（{clean['area'].code}）登记人口。")
            ok = False
        first = seen_ids.setdefault(clean["id_number"], number)
        if first != number:
            self.add(number, "公民身份号码", f"与第 {first} 行的证件号码重复。")
            ok = False
        household_no = str(data.get("household_no") or "")
        if len(household_no) > 32:
            self.add(number, "户号", "户号不能超过 32 个字。")
            ok = False
        if household_no and not clean["relation"]:
            self.add(number, "与户主关系", "填写了户号，须同时填写与户主关系。")
            ok = False
        if clean["relation"] and not household_no and "household_no" in self.present:
            self.add(number, "户号", "填写了与户主关系，须同时填写户号。")
            ok = False
        if not ok:
            return None
        return Checked(number, clean, blind_index(clean["id_number"]), household_no)

    def _households(self, checked: list[Checked]) -> None:
        first_row: dict[tuple, Checked] = {}
        heads: dict[tuple, int] = {}
        for item in checked:
            if not item.household_no:
                continue
            key = (item.clean["area"].code, item.household_no)
            first = first_row.setdefault(key, item)
            if first.clean["address"] != item.clean["address"]:
                self.add(item.row, "现住址", f"与同户（户号 {item.household_no}）第 {first.row} 行的现住址不同，同一户的现住址应一致。")  # fmt: skip
            if item.clean["relation"] == Relation.HEAD:
                if key in heads:
                    self.add(
                        item.row, "与户主关系", f"户号 {item.household_no} 已有户主（第 {heads[key]} 行）。"
                    )
                else:
                    heads[key] = item.row
        self._heads_in_db(checked, heads)

    def _heads_in_db(self, checked: list[Checked], heads: dict[tuple, int]) -> None:
        # A household already registered keeps its head unless that head is also in this workbook.
        if not heads:
            return
        in_file = {item.index for item in checked}
        by_row = {item.row: item for item in checked}
        stored = {key: h.pk for key, h in households_in({code for code, _ in heads}).items()}
        wanted = {stored[key]: key for key in heads if key in stored}
        ids = list(wanted)
        heads_now = itertools.chain.from_iterable(
            Person.objects.filter(household_id__in=ids[i : i + 500], relation=Relation.HEAD).only(
                "name", "household", "id_number_index"
            )
            for i in range(0, len(ids), 500)
        )
        for person in heads_now:
            key = wanted[person.household_id]
            head = by_row[heads[key]]
            if person.id_number_index != head.index and person.id_number_index not in in_file:
                self.add(head.row, "与户主关系", f"户号 {key[1]} 已有户主 {person.name}；请先调整原户主，或把原户主也列入本表。")  # fmt: skip

    def _existing(self, checked: list[Checked]) -> None:
        # Updating someone registered elsewhere would move them into the actor's grid: refuse it.
        if self.actor is None:
            return
        for start in range(0, len(checked), BATCH):
            batch = checked[start : start + BATCH]
            stored = dict(
                Person.objects.filter(id_number_index__in=[i.index for i in batch]).values_list(
                    "id_number_index", "area_id"
                )
            )
            for item in batch:
                area = stored.get(item.index)
                if area is not None and not self.may_write(area):
                    self.add(item.row, "公民身份号码", "该证件号码已在您辖区以外登记，您不能修改；请联系其现住地的综治中心。")  # fmt: skip
