"""Importing the people workbook: every row is checked first; only a clean workbook is written, at once.

Phase 1 (excel_check.py) reads the sheet and cleans each row with clean_person() (the same checks as
the form and the API), checks the actor's jurisdiction, duplicates in the file, households, and people
already registered. Any problem rejects the whole workbook with a list of (row, column, reason).
Phase 2 (excel_write.py) prepares every change, then writes it in one transaction.
"""

from dataclasses import asdict, dataclass

from gongzhi.kernel.errors import DomainError

from .check import STEPS, Checker, RowProblem
from .workbook import BY_HEADER, ERROR_HEADER, PEOPLE_COLUMNS, data_sheet, normalise_header
from .workbook import open_workbook as _open
from .write import commit, prepare


class ImportRejected(DomainError):
    """The workbook has problems; nothing was written. `problems` lists every one of them."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"工作簿中有 {len(problems)} 处错误，未导入任何数据。", field="file")
        self.problems = sorted(problems, key=lambda p: p.row)


@dataclass
class ImportResult:
    """What an import did, by rows."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def people_import(*, actor, source, progress=None) -> ImportResult:
    """Import a people workbook (path or binary file) for `actor` (None: the command-line operator)."""
    report = progress or (lambda done, total: None)
    workbook = _open(source, read_only=True)
    try:
        sheet = data_sheet(workbook)
        rows = sheet.iter_rows(values_only=True)
        columns, problems = match_headers(next(rows, ()))
        if problems:
            raise ImportRejected(problems)
        checker = Checker(actor, columns)
        # Rows become data dicts as they are read: the raw sheet is never held whole in memory.
        data = checker.read(rows, (sheet.max_row or 0) - 1, report)
    finally:
        workbook.close()
    if not data:
        raise ImportRejected([RowProblem(2, "", "工作簿中没有数据行。")])
    checked = checker.run(data, report)
    if checker.problems:
        raise ImportRejected(checker.problems)
    present, total = set(columns.values()), STEPS * len(checked)
    plans = prepare(actor, checked, present, report, total)
    result = ImportResult(**commit(actor, plans, present))
    report(total, total)
    return result


def match_headers(header) -> tuple[dict[int, str], list[RowProblem]]:
    """{column index: clean_person key} for a header row, and problems with unknown or missing headers."""
    columns: dict[int, str] = {}
    problems = []
    seen = set()
    for i, raw in enumerate(header):
        name = normalise_header(raw)
        if not name or name == ERROR_HEADER:
            continue  # blank headers, and the notes column of a marked workbook sent back corrected
        column = BY_HEADER.get(name)
        if column is None:
            problems.append(
                RowProblem(1, str(raw).strip(), f"未知的列名「{str(raw).strip()}」，请使用模板中的列名。")
            )
        elif name in seen:
            problems.append(RowProblem(1, name, f"列名「{name}」重复。"))
        else:
            seen.add(name)
            columns[i] = column.key
    for column in PEOPLE_COLUMNS:
        if column.required and column.header not in seen:
            problems.append(RowProblem(1, column.header, f"缺少必填列「{column.header}」。"))
    return columns, problems
