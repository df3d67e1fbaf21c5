"""Checking registry input: one function per record type, returning clean values or every problem.

Used by forms, the API and the Excel importer alike, so a workbook row and a form field get the
same words for the same mistake.
"""

import functools
from datetime import date, datetime

from gongzhi.areas.models import Area, Level
from gongzhi.kernel import text
from gongzhi.kernel.errors import DomainError, Invalid
from gongzhi.kernel.identity import check_id_number, check_phone, check_uscc, id_birth_and_gender
from gongzhi.kernel.text import limit

from .choices import (
    DATE_EXTRA,
    EXTRA_FIELDS,
    REQUIRED_EXTRA,
    CareColour,
    Education,
    Ethnicity,
    Gender,
    IdType,
    MaritalStatus,
    OrgKind,
    PersonKind,
    PoliticalStatus,
    Relation,
    Tag,
)
from .models import Household, Organization, Person

GRID_LEVELS = (Level.GRID, Level.MICROGRID)
# Each item of a person's 人口类型 details (extra), e.g. 流出地 or 监护人.
EXTRA_MAX = 100


class Problems:
    """Collects (field, message) pairs; raise_if_any() raises them together."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.items.append((field, message))

    def catch(self, where: str, fn, *args, **kwargs):
        """Run a check; record its DomainError under its own field (or `where`) instead of raising."""
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            self.add(exc.field or where, exc.message)
            return None

    def raise_if_any(self) -> None:
        if self.items:
            raise Invalid(self.items)


def _text(data, key, maximum, problems, label, required=False) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        problems.add(key, f"{label}不能为空。")
    message = text.problem(label, value, maximum)
    if message:
        problems.add(key, message)
    return value


@functools.cache
def _lookup(choices) -> tuple[frozenset, dict]:
    # Enum .values and .choices are rebuilt on every access; a 100,000-row import asks a million times.
    return frozenset(choices.values), {str(lbl): val for val, lbl in choices.choices}


def _choice(data, key, choices, problems, label, default="") -> str:
    value = str(data.get(key) or "").strip() or default
    values, by_label = _lookup(choices)
    if value and value not in values:
        # Accept the Chinese label as well as the stored value (workbooks carry labels).
        if value in by_label:
            return by_label[value]
        problems.add(
            key, f"{label}「{value}」不在可选范围内（{'、'.join(str(lbl) for _, lbl in choices.choices)}）。"
        )
        return default
    return value


def parse_date(value, key: str, label: str, problems: Problems) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.add(key, f"{label}「{value}」不是有效日期，请写作 2024-03-15。")
        return None


def find_area(code: str, areas: dict | None) -> Area | None:
    """An area by code, from a preloaded {code: Area} map when the caller has one (bulk import)."""
    if areas is not None:
        return areas.get(code)
    return Area.objects.filter(pk=code).first()


def grid_area(
    code, problems: Problems, key: str = "area_code", label: str = "网格编码", areas=None
) -> Area | None:
    code = str(code or "").strip()
    if not code:
        problems.add(key, f"{label}不能为空。")
        return None
    area = find_area(code, areas)
    if area is None:
        problems.add(key, f"{label} {code} 不存在。")
    elif area.level not in GRID_LEVELS:
        problems.add(
            key, f"{label} {code} 是{area.get_level_display()}（{area.name}），须填写网格或微网格编码。"
        )
        return None
    return area


def clean_person(data: dict, *, areas: dict | None = None) -> dict:
    """Clean values of a person, or Invalid listing every problem. `areas` is an optional
    preloaded {code: Area} map so a bulk import does not look areas up row by row."""
    p = Problems()
    out: dict = {}
    out["name"] = _text(data, "name", limit(Person, "name"), p, "姓名", required=True)
    out["id_type"] = _choice(data, "id_type", IdType, p, "证件类型", default=IdType.RESIDENT_ID)
    out["gender"] = _choice(data, "gender", Gender, p, "性别")
    out["birth_date"] = parse_date(data.get("birth_date"), "birth_date", "出生日期", p)
    raw_id = str(data.get("id_number") or "").strip()
    if out["id_type"] == IdType.RESIDENT_ID:
        number = p.catch(
            "id_number", check_id_number, raw_id, birth_date=out["birth_date"], gender=out["gender"] or None
        )
        if number:
            born, gender = id_birth_and_gender(number)
            out["birth_date"], out["gender"] = out["birth_date"] or born, out["gender"] or gender
        out["id_number"] = number or ""
    else:
        out["id_number"] = raw_id.upper()
        if not 5 <= len(raw_id) <= 30:
            p.add("id_number", "证件号码应为 5 到 30 位。")
        if not out["gender"]:
            p.add("gender", "性别不能为空。")
        if not out["birth_date"]:
            p.add("birth_date", "出生日期不能为空。")
    if out["birth_date"] and out["birth_date"] > date.today():
        p.add("birth_date", "出生日期不能晚于今天。")
    out["phone"] = p.catch("phone", check_phone, str(data.get("phone") or ""), required=False) or ""
    out["ethnicity"] = _choice(data, "ethnicity", Ethnicity, p, "民族", default="汉族")
    out["political_status"] = _choice(
        data, "political_status", PoliticalStatus, p, "政治面貌", default="群众"
    )
    out["education"] = _choice(data, "education", Education, p, "学历")
    out["marital_status"] = _choice(data, "marital_status", MaritalStatus, p, "婚姻状况")
    out["occupation"] = _text(data, "occupation", limit(Person, "occupation"), p, "职业")
    out["workplace"] = _text(data, "workplace", limit(Person, "workplace"), p, "服务处所")
    out["kind"] = _choice(data, "kind", PersonKind, p, "人口类型", default=PersonKind.REGISTERED)
    out["area"] = grid_area(data.get("area_code"), p, label="现住网格编码", areas=areas)
    out["address"] = _text(data, "address", limit(Person, "address"), p, "现住址", required=True)
    hukou = str(data.get("hukou_area_code") or "").strip()
    out["hukou_area"] = None
    if hukou:
        out["hukou_area"] = find_area(hukou, areas)
        if out["hukou_area"] is None:
            p.add("hukou_area_code", f"户籍地区划代码 {hukou} 不存在。")
    out["hukou_address"] = _text(data, "hukou_address", limit(Person, "hukou_address"), p, "户籍地址")
    out["relation"] = _choice(data, "relation", Relation, p, "与户主关系")
    out["extra"] = _clean_extra(out["kind"], data.get("extra") or {}, p)
    out["tags"] = _clean_tags(data.get("tags"), p)
    p.raise_if_any()
    return out


def _clean_extra(kind: str, extra: dict, p: Problems) -> dict:
    allowed = EXTRA_FIELDS.get(kind, {})
    clean = {}
    for key, value in (extra or {}).items():
        if key not in allowed:
            continue  # items of another 人口类型 are dropped, not kept half-true
        if key in DATE_EXTRA:
            parsed = parse_date(value, f"extra.{key}", allowed[key], p)
            if parsed:
                clean[key] = parsed.isoformat()
        elif str(value or "").strip():
            clean[key] = str(value).strip()
            message = text.problem(allowed[key], clean[key], EXTRA_MAX)
            if message:
                p.add(f"extra.{key}", message)
    for key in REQUIRED_EXTRA.get(kind, []):
        if key not in clean:
            p.add(f"extra.{key}", f"{PersonKind(kind).label}须填写{allowed[key]}。")
    return clean


def _clean_tags(tags, p: Problems) -> list[str]:
    if not tags:
        return []
    if isinstance(tags, str):
        tags = [t for t in tags.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    values, by_label = _lookup(Tag)
    clean = []
    for tag in tags:
        tag = str(tag).strip()
        value = tag if tag in values else by_label.get(tag)
        if value is None:
            p.add("tags", f"标签「{tag}」不在可选范围内（{'、'.join(str(lbl) for _, lbl in Tag.choices)}）。")
        elif value not in clean:
            clean.append(value)
    return clean


def clean_household(data: dict, *, areas: dict | None = None) -> dict:
    p = Problems()
    out = {
        "household_no": _text(
            data, "household_no", limit(Household, "household_no"), p, "户号", required=True
        ),
        "area": grid_area(data.get("area_code"), p, areas=areas),
        "address": _text(data, "address", limit(Household, "address"), p, "住址", required=True),
        "care_colour": _choice(data, "care_colour", CareColour, p, "关爱等级", default=CareColour.GREEN),
        "care_reason": _text(data, "care_reason", limit(Household, "care_reason"), p, "等级原因"),
    }
    if out["care_colour"] in (CareColour.YELLOW, CareColour.RED) and not out["care_reason"]:
        p.add("care_reason", "黄色关心户、红色连心户须写明原因。")
    p.raise_if_any()
    return out


def clean_organization(data: dict) -> dict:
    p = Problems()
    out = {
        "name": _text(data, "name", limit(Organization, "name"), p, "名称", required=True),
        "kind": _choice(data, "kind", OrgKind, p, "类别"),
        "credit_code": p.catch("credit_code", check_uscc, str(data.get("credit_code") or "")) or "",
        "area": grid_area(data.get("area_code"), p),
        "address": _text(data, "address", limit(Organization, "address"), p, "地址", required=True),
        "contact_name": _text(data, "contact_name", limit(Organization, "contact_name"), p, "联系人"),
        "contact_phone": p.catch(
            "contact_phone", check_phone, str(data.get("contact_phone") or ""), field="contact_phone"
        )
        or "",
        "employees": None,
    }
    if not out["kind"]:
        p.add("kind", "类别不能为空。")
    employees = data.get("employees")
    if employees not in (None, ""):
        try:
            out["employees"] = int(employees)
            if out["employees"] < 0:
                raise ValueError
        except (TypeError, ValueError):
            p.add("employees", "从业人数须为非负整数。")
    p.raise_if_any()
    return out
