"""Phase 2 of the people import: prepare every change outside the transaction, then write all in one.

Sealing identifiers (SM4-GCM, HMAC-SM3) and comparing 100,000 people is most of the work. Doing it
before the transaction keeps the write lock short: SQLite has a single writer, and while the import
holds it every request that writes (a session save is enough) waits. People read for the preparation
and changed by someone else before the write are caught by their updated_at, and the whole import is
refused as a conflict rather than overwriting that change.
"""

import os
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gongzhi.areas.models import CODE_LENGTH
from gongzhi.audit.services import audit_record
from gongzhi.kernel.crypto import decrypt
from gongzhi.kernel.errors import Conflict

from ..models import Household, Person, PersonTag
from ..services import apply_person
from .check import BATCH, STEPS, Checked, households_in

# Person fields a row leaves alone on an existing person when the workbook lacks their column.
KEPT_WHEN_ABSENT = {
    "ethnicity": "ethnicity", "political_status": "political_status", "education": "education",
    "marital_status": "marital_status", "occupation": "occupation", "workplace": "workplace", "kind": "kind",
    "address": "address", "hukou_area": "hukou_area_code", "hukou_address": "hukou_address",
    "relation": "relation",
}  # fmt: skip
UPDATED_FIELDS = [
    "name", "gender", "birth_date", "ethnicity", "id_type", "political_status", "education",
    "marital_status", "occupation", "workplace", "kind", "extra", "area", "address", "hukou_area",
    "hukou_address", "relation", "household", "id_number_cipher", "id_number_index", "id_number_masked",
    "phone_cipher", "phone_index", "phone_masked", "updated_at",
]  # fmt: skip
CONFLICT = "导入期间有人修改了其中的人员或户，未导入任何数据；请重新导入。"


@dataclass
class _Plan:
    """One person to write, as a row of database values (a model object per row costs ~3 KB)."""

    row: list  # values for the INSERT, or for the UPDATE followed by the primary key
    index: str  # blind index of the ID number, which finds the row again after the INSERT
    pk: int | None
    version: datetime | None  # updated_at as read, for people being updated
    household_key: tuple | None = None  # a household the import creates; its id is known only once inserted
    tags: list[str] | None = None  # replacement tags, or None to leave them


@dataclass
class Plans:
    """Everything phase 2 will write, and the counts it implies."""

    new: list[_Plan]
    changed: list[_Plan]
    unchanged: int
    households: dict[tuple, str]  # (grid, 户号) -> address for every household the workbook names
    known: dict[tuple, Household]  # those already registered
    areas: set[str]  # grids of all the rows, for the audit event's area
    people: "Table"
    now: datetime


def _keep_absent(clean: dict, person: Person, present: set[str]) -> dict:
    """Values of the columns the workbook lacks are taken from the stored person, not reset to defaults."""
    clean = dict(clean)
    for field, key in KEPT_WHEN_ABSENT.items():
        if key not in present:
            clean[field] = getattr(person, field)
    if "kind" not in present:
        clean["extra"] = person.extra
    elif clean["kind"] == person.kind:
        absent = {k: v for k, v in person.extra.items() if f"extra.{k}" not in present}
        clean["extra"] = {**absent, **clean["extra"]} if absent else clean["extra"]
    if not clean["phone"] and person.phone_cipher:
        clean["phone"] = decrypt(person.phone_cipher)  # a blank phone keeps the stored one, as in forms
    return clean


def prepare(actor, checked: list[Checked | None], present: set[str], report, total: int) -> Plans:
    """Build and seal every person to create or update; nothing is written. Frees `checked` as it goes."""
    households: dict[tuple, str] = {}
    for item in checked:
        if item.household_no:
            households.setdefault((item.clean["area"].code, item.household_no), item.clean["address"])
    known = {k: h for k, h in households_in({g for g, _ in households}).items() if k in households}
    areas = {item.clean["area"].code for item in checked}
    plans = Plans([], [], 0, households, known, areas, Table(Person, UPDATED_FIELDS), timezone.now())
    rows = len(checked)
    for start in range(0, rows, BATCH):
        end = min(start + BATCH, rows)
        _prepare_batch(actor, checked[start:end], present, plans)
        checked[start:end] = [None] * (end - start)  # the clean values now live in the prepared people
        # Preparing is most of the writing step; the transaction itself takes the last fifth.
        report(2 * total // STEPS + end * 4 // 5, total)
    return plans


def _prepare_batch(actor, batch: list[Checked], present: set[str], plans: Plans) -> None:
    stored = {
        p.id_number_index: p
        for p in Person.objects.filter(id_number_index__in=[i.index for i in batch]).select_related(
            "hukou_area"
        )
    }
    tags_now: dict[int, set[str]] = {}
    for person_id, tag in PersonTag.objects.filter(person__in=list(stored.values())).values_list(
        "person_id", "tag"
    ):
        tags_now.setdefault(person_id, set()).add(tag)
    for item in batch:
        person = stored.get(item.index)
        version = person.updated_at if person else None
        clean = item.clean if person is None else _keep_absent(item.clean, person, present)
        person = person or Person(created_by=actor)
        dirty = apply_person(person, clean)
        plan = _Plan([], item.index, person.pk, version)
        if "household_no" in present:
            key = (clean["area"].code, item.household_no) if item.household_no else None
            dirty += _place(person, plan, key, plans)
        if "tags" in present and set(clean["tags"]) != tags_now.get(person.pk, set()):
            plan.tags = clean["tags"]
            dirty.append("tags")
        if person.pk is None:
            person.created_at = person.updated_at = plans.now
            plan.row = plans.people.insert_row(person)
            plans.new.append(plan)
        elif dirty:
            person.updated_at = plans.now
            plan.row = plans.people.update_row(person)
            plans.changed.append(plan)
        else:
            plans.unchanged += 1


def _place(person: Person, plan: _Plan, key: tuple | None, plans: Plans) -> list[str]:
    """Put the person in the household named by `key` (None: in none); the changed fields."""
    if key is None:
        changed = ["household"] if person.household_id else []
        if person.relation:
            person.relation = ""  # out of a household, no relation to its head
            changed.append("relation")
        person.household_id = None
        return changed
    known = plans.known.get(key)
    if known is None:
        plan.household_key = key
        return ["household"]
    if person.household_id != known.pk:
        person.household_id = known.pk
        return ["household"]
    return []


def commit(actor, plans: Plans, present: set[str]) -> dict:
    """Write the plans in one transaction, audited; the counts. Conflict when a read went stale."""
    people = plans.people
    try:
        with transaction.atomic():
            new_households = _write_households(plans, present)
            for group, slot in (
                (plans.new, people.insert_slot("household")),
                (plans.changed, people.update_slot("household")),
            ):
                for plan in group:
                    if plan.household_key is not None:
                        plan.row[slot] = new_households[plan.household_key]
            _check_versions(plans.changed)
            people.insert([p.row for p in plans.new])
            people.update([p.row for p in plans.changed])
            _write_tags(plans.new, plans.changed)
            counts = {
                "rows": len(plans.new) + len(plans.changed) + plans.unchanged,
                "created": len(plans.new),
                "updated": len(plans.changed),
                "unchanged": plans.unchanged,
                "households": len(new_households),
            }
            area = _common_code(plans.areas)
            audit_record(
                actor=actor, action="people.import", object_type="person", area_code=area, details=counts
            )
    except IntegrityError:
        raise Conflict(CONFLICT) from None
    return counts


def _write_households(plans: Plans, present: set[str]) -> dict[tuple, int]:
    """Create the households not yet registered; {key: id} of those created."""
    table = Table(Household, ["address", "updated_at"])
    missing = [key for key in plans.households if key not in plans.known]
    fresh = [Household(area_id=g, household_no=n, address=plans.households[(g, n)]) for g, n in missing]
    for household in fresh:
        household.created_at = household.updated_at = plans.now
    table.insert([table.insert_row(h) for h in fresh])
    if "address" in present:
        # Without a 现住址 column the rows carry the grid's name, which must not replace a real address.
        moved = []
        for key, household in plans.known.items():
            if household.address != plans.households[key]:
                household.address, household.updated_at = plans.households[key], plans.now
                moved.append(household)
        table.update([table.update_row(h) for h in moved])
    if not missing:
        return {}
    wanted = set(missing)
    return {k: h.pk for k, h in households_in({g for g, _ in missing}).items() if k in wanted}


def _check_versions(changed: list[_Plan]) -> None:
    for start in range(0, len(changed), BATCH):
        batch = changed[start : start + BATCH]
        now = dict(Person.objects.filter(pk__in=[p.pk for p in batch]).values_list("pk", "updated_at"))
        if any(now.get(p.pk) != p.version for p in batch):
            raise Conflict(CONFLICT)


def _write_tags(new: list[_Plan], changed: list[_Plan]) -> None:
    stale = [p.pk for p in changed if p.tags is not None]
    for start in range(0, len(stale), BATCH):
        PersonTag.objects.filter(person_id__in=stale[start : start + BATCH]).delete()
    tagged = [p for p in new if p.tags]
    for start in range(0, len(tagged), BATCH):
        # New people got their ids from the INSERT; find them again by their ID number's index.
        batch = tagged[start : start + BATCH]
        ids = dict(
            Person.objects.filter(id_number_index__in=[p.index for p in batch]).values_list(
                "id_number_index", "pk"
            )
        )
        for plan in batch:
            plan.pk = ids[plan.index]
    rows = [PersonTag(person_id=p.pk, tag=tag) for p in tagged + changed if p.tags for tag in p.tags]
    PersonTag.objects.bulk_create(rows, batch_size=BATCH)


def _common_code(codes) -> str:
    prefix = os.path.commonprefix(sorted(codes)) if codes else ""
    lengths = [n for n in CODE_LENGTH.values() if n <= len(prefix)]
    return prefix[: max(lengths)] if lengths else ""


class Table:
    """Raw INSERTs and UPDATEs of one model, and rows of database values for them.

    Django's bulk_create and bulk_update compile every value of every row through the expression
    machinery (bulk_update builds a CASE per field and row: ~130 rows/s on 25 fields). One prepared
    statement run by executemany writes the same rows many times faster. Values still go through
    each field's own preparation (dates, JSON); table and column names come from the model.
    """

    def __init__(self, model, update_names: list[str]):
        self.inserted = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.updated = [model._meta.get_field(name) for name in update_names]
        qn = connection.ops.quote_name
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        columns = ", ".join(qn(f.column) for f in self.inserted)
        marks = ", ".join(["%s"] * len(self.inserted))
        assignments = ", ".join(f"{qn(f.column)} = %s" for f in self.updated)
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.update_sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608

    def insert_row(self, obj) -> list:
        return [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in self.inserted]

    def update_row(self, obj) -> list:
        return [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in self.updated] + [obj.pk]

    def insert_slot(self, name: str) -> int:
        return [f.name for f in self.inserted].index(name)

    def update_slot(self, name: str) -> int:
        return [f.name for f in self.updated].index(name)

    def insert(self, rows: list[list]) -> None:
        self._run(self.insert_sql, rows)

    def update(self, rows: list[list]) -> None:
        self._run(self.update_sql, rows)

    def _run(self, sql: str, rows: list[list]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])
