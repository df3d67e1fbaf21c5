"""法治家庭 (宣城 法治家庭示范户): deduction items, ratings with the 一票否决 (people's offence
records), revocation, the two-yearly review and the public list of certified households."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.audit.services import audit_record
from gongzhi.kernel.codes import scope_q
from gongzhi.kernel.errors import Conflict, DomainError, Invalid
from gongzhi.kernel.jurisdiction import area_codes_for, require_role, resident_areas
from gongzhi.kernel.roles import Role
from gongzhi.notices.services import notify
from gongzhi.people import offences as people_offences
from gongzhi.people.models import Household, OffenceRecord, Person
from gongzhi.points import rules

from .choices import LawAspect, LawFamilyStatus
from .data import DEFAULT_LAW_ITEMS
from .models import LawDeductionItem, LawFamilyRating

# 宣城: a household starting from 100 that keeps at least 80 after deductions is certified.
FULL_SCORE = 100
PASS_SCORE = 80
# A certification holds two years; the county reviews it then (每两年复核一次).
VALID_YEARS = 2
# The due list shows certifications expiring within this many days, and those already expired.
DUE_WITHIN_DAYS = 60
OFFENCE_KINDS = people_offences.OFFENCE_KINDS


# -- shared helpers (also used by moral.py) ---------------------------------------------------


def text(value, label: str, field: str, *, minimum: int = 2, maximum: int = 300) -> str:
    """A stripped text of at least `minimum` characters, or a clear error naming the field."""
    value = (value or "").strip() if isinstance(value, str) else ""
    if len(value) < minimum:
        raise DomainError(f"请填写{label}（至少 {minimum} 个字）。", field=field)
    if len(value) > maximum:
        raise DomainError(f"{label}不能超过 {maximum} 个字。", field=field)
    return value


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 Feb falls back to 28 Feb)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def staff_codes(user, roles) -> list[str]:
    """Area codes where the user holds one of `roles`; a grid worker's grid counts as its village,
    since 法治家庭 and the 红黑榜 are run per village."""
    return sorted({code[:12] if len(code) > 12 else code for code in area_codes_for(user, roles=roles)})


def resident_villages(user) -> set[str]:
    """Villages where the user lives: their registry record, or their resident grant."""
    return {code[:12] for code in resident_areas(user) if len(code) >= 12}


def household_holders(household_id: int) -> list[User]:
    return list(User.objects.filter(resident_link__person__household_id=household_id))


def _county_ancestors(area_code: str) -> list[str]:
    return [area_code[:n] for n in (2, 4, 6) if n <= len(area_code)]


# -- deduction items ----------------------------------------------------------------------------


def law_items_for(area_code: str, *, active_only: bool = True):
    """The deduction items that apply in an area: those of its county (or the city/province above)."""
    qs = LawDeductionItem.objects.filter(area_id__in=_county_ancestors(area_code))
    return qs.filter(active=True) if active_only else qs


@transaction.atomic
def law_items_load(*, county_code: str, actor=None) -> int:
    """Load the default 扣分项 for a county; items already there (by aspect and name) are kept as
    edited. Returns how many were added."""
    if len(county_code) != 6 or not county_code.isdigit():
        raise DomainError("请给出 6 位县(区)编码。", field="county_code")
    existing = set(LawDeductionItem.objects.filter(area_id=county_code).values_list("aspect", "name"))
    rows = [
        LawDeductionItem(area_id=county_code, aspect=aspect, name=name, points=points)
        for aspect, name, points in DEFAULT_LAW_ITEMS
        if (aspect, name) not in existing
    ]
    LawDeductionItem.objects.bulk_create(rows)
    if rows:
        audit_record(actor=actor, action="points.law_items_load", object_type="law_deduction_item",
                     area_code=county_code, details={"added": len(rows)})  # fmt: skip
    return len(rows)


@transaction.atomic
def law_item_save(
    *, actor, county_code: str, data: dict, item: LawDeductionItem | None = None
) -> LawDeductionItem:
    """County staff add or edit a 扣分项. Old ratings keep the names and points they were given."""
    county_code = item.area_id if item is not None else county_code
    require_role(actor, rules.COUNTY_CATALOGUE_ROLES, county_code, "制定法治家庭扣分项")
    errors = []
    aspect = data.get("aspect", item.aspect if item else "")
    if aspect not in LawAspect.values:
        errors.append(("aspect", "请选择扣分项所属的方面（八个方面之一）。"))
    name = (data.get("name", item.name if item else "") or "").strip()
    if not 2 <= len(name) <= 100:
        errors.append(("name", "扣分项名称须为 2 至 100 个字。"))
    points = data.get("points", item.points if item else None)
    if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= 100:
        errors.append(("points", "扣分须为 1 至 100 的整数。"))
    if errors:
        raise Invalid(errors)
    clash = LawDeductionItem.objects.filter(area_id=county_code, aspect=aspect, name=name)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise DomainError(f"「{LawAspect(aspect).label}」下已有扣分项「{name}」。", field="name")
    creating = item is None
    item = item or LawDeductionItem(area_id=county_code)
    item.aspect, item.name, item.points = aspect, name, points
    item.active = bool(data.get("active", item.active))
    item.save()
    audit_record(actor=actor, action="points.law_item_create" if creating else "points.law_item_update",
                 object_type="law_deduction_item", object_id=item.pk, area_code=county_code,
                 details={"aspect": aspect, "name": name, "points": points, "active": item.active})  # fmt: skip
    return item


# -- ratings ------------------------------------------------------------------------------------


def current_ratings(qs=None):
    """Each household's latest rating only: a re-rating supersedes the one before."""
    latest = LawFamilyRating.objects.filter(household_id=OuterRef("household_id")).order_by(
        "-rated_on", "-pk"
    )
    return (qs if qs is not None else LawFamilyRating.objects.all()).filter(
        pk=Subquery(latest.values("pk")[:1])
    )


def _valid_q(today: date) -> Q:
    return Q(status=LawFamilyStatus.CERTIFIED, revoked_at__isnull=True, valid_until__gte=today)


def ratings_for_staff(user):
    """Ratings staff may read in full (veto reasons name offences): HONOUR_ROLES in their areas."""
    if getattr(user, "is_superuser", False):
        return LawFamilyRating.objects.all()
    codes = area_codes_for(user, roles=rules.HONOUR_ROLES)
    return (
        LawFamilyRating.objects.filter(scope_q("area_id", codes)) if codes else LawFamilyRating.objects.none()
    )


def ratings_due(qs, today: date | None = None):
    """Current certifications whose two years end within DUE_WITHIN_DAYS, or have ended: 待复核."""
    today = today or timezone.localdate()
    return current_ratings(qs).filter(
        status=LawFamilyStatus.CERTIFIED, revoked_at__isnull=True,
        valid_until__lte=today + timedelta(days=DUE_WITHIN_DAYS),
    ).order_by("valid_until")  # fmt: skip


def with_household_name(qs, household_ref: str = "household_id"):
    """Annotate `head_name`: the 户主 of the household (the name on the public list)."""
    head = Person.objects.filter(household_id=OuterRef(household_ref), relation="户主").order_by("pk")
    return qs.annotate(head_name=Subquery(head.values("name")[:1]))


def household_label(head_name: str | None, household_no: str) -> str:
    return f"{head_name}户" if head_name else f"{household_no}户"


def certified_households(*, village_code: str, today: date | None = None) -> list[dict]:
    """The public list of a village: household name, 村 and 网格 only — no IDs, no scores."""
    today = today or timezone.localdate()
    qs = with_household_name(
        current_ratings(LawFamilyRating.objects.filter(scope_q("area_id", [village_code])))
    )
    qs = (
        qs.filter(_valid_q(today))
        .select_related("household", "area", "area__parent")
        .order_by("area_id", "pk")
    )
    rows = []
    for r in qs:
        grid = r.area if len(r.area_id) > 12 else None
        village = r.area.parent if grid is not None and len(r.area.parent_id or "") == 12 else r.area
        rows.append({"name": household_label(r.head_name, r.household.household_no), "village": village.name,
                     "grid": grid.name if grid else "", "rated_on": r.rated_on, "valid_until": r.valid_until})  # fmt: skip
    return rows


def _clean_deductions(household: Household, deductions) -> list[dict]:
    if not isinstance(deductions, list | tuple):
        raise DomainError("扣分明细须为列表。", field="deductions")
    items = {i.pk: i for i in law_items_for(household.area_id)}
    clean, seen = [], set()
    for n, d in enumerate(deductions, start=1):
        raw = d.get("item_id") if isinstance(d, dict) else d
        try:
            item_id = int(raw)
        except (TypeError, ValueError):
            raise DomainError(f"第 {n} 条扣分：扣分项编号无效。", field="deductions") from None
        item = items.get(item_id)
        if item is None:
            raise DomainError(f"第 {n} 条扣分：扣分项 {item_id} 不存在或不适用于本县。", field="deductions")
        if item_id in seen:
            raise DomainError(f"扣分项「{item.name}」重复，同一项只扣一次。", field="deductions")
        seen.add(item_id)
        note = ((d.get("note") if isinstance(d, dict) else "") or "").strip()
        if len(note) > 200:
            raise DomainError(f"扣分项「{item.name}」的说明不能超过 200 个字。", field="deductions")
        # Names and points are copied so that later edits of the item leave this rating as it was.
        clean.append({"item_id": item.pk, "aspect": item.aspect, "aspect_label": item.get_aspect_display(),
                      "name": item.name, "points": item.points, "note": note})  # fmt: skip
    return clean


def offences_in_period(household: Household, rated_on: date):
    """Offences of the household's members in the two years up to the rating day: the veto period."""
    return people_offences.household_offences(household.pk, add_years(rated_on, -VALID_YEARS), rated_on)


@transaction.atomic
def household_rate(
    *, actor, household: Household, deductions=(), rated_on: date | None = None
) -> LawFamilyRating:
    """Rate a household: 100 minus the deductions; certified at PASS_SCORE or more unless a member
    has an offence in the two years before (一票否决); valid two years."""
    require_role(actor, rules.HONOUR_ROLES, household.area_id, "评定法治家庭")
    today = timezone.localdate()
    rated_on = rated_on or today
    if rated_on > today:
        raise DomainError("评定日期不能晚于今天。", field="rated_on")
    if rated_on < add_years(today, -VALID_YEARS):
        raise DomainError("评定日期不能早于两年前（已超过有效期）。", field="rated_on")
    last = current_ratings(LawFamilyRating.objects.filter(household=household)).first()
    if last is not None and rated_on < last.rated_on:
        raise DomainError(f"评定日期不能早于该户上次评定日期 {last.rated_on:%Y-%m-%d}。", field="rated_on")
    clean = _clean_deductions(household, deductions)
    # A household deep in deductions simply fails; the score is not shown below zero.
    score = max(0, FULL_SCORE - sum(d["points"] for d in clean))
    offence = offences_in_period(household, rated_on).order_by("-occurred_on").first()
    if offence is not None:
        status = LawFamilyStatus.VETOED
        veto = f"家庭成员{offence.person.name}于{offence.occurred_on:%Y-%m-%d}因{offence.kind}被依法处理（{offence.description}）"
    else:
        status = LawFamilyStatus.CERTIFIED if score >= PASS_SCORE else LawFamilyStatus.FAILED
        veto = ""
    rating = LawFamilyRating.objects.create(
        household=household, area_id=household.area_id, rated_on=rated_on, deductions=clean, score=score,
        status=status, veto_reason=veto[:300], valid_until=add_years(rated_on, VALID_YEARS), rated_by=actor,
    )  # fmt: skip
    audit_record(actor=actor, action="points.law_rate", object_type="law_family_rating", object_id=rating.pk,
                 area_code=household.area_id,
                 details={"household": household.pk, "score": score, "status": status})  # fmt: skip
    if status == LawFamilyStatus.CERTIFIED:
        words = f"您家被评为法治家庭示范户（{score} 分），有效期至 {rating.valid_until:%Y-%m-%d}。"
    else:
        words = f"您家本次法治家庭评定结果：{rating.get_status_display()}（{score} 分）。"
    recipients = household_holders(household.pk)
    transaction.on_commit(
        lambda: notify(recipients=recipients, kind="law_family", text=words, link="/points/civic/my/")
    )
    return rating


def _revoke(rating: LawFamilyRating, reason: str) -> bool:
    """Conditional update: only a standing certification is revoked, once."""
    done = LawFamilyRating.objects.filter(
        pk=rating.pk, status=LawFamilyStatus.CERTIFIED, revoked_at__isnull=True
    ).update(status=LawFamilyStatus.REVOKED, revoked_at=timezone.now(), revoke_reason=reason)
    if done:
        rating.refresh_from_db()
    return bool(done)


@transaction.atomic
def household_revoke(*, actor, rating: LawFamilyRating, reason: str) -> LawFamilyRating:
    """取消资格, e.g. 经群众评议不符合法治家庭标准."""
    require_role(actor, rules.HONOUR_ROLES, rating.area_id, "撤销法治家庭资格")
    reason = text(reason, "撤销原因", "reason", minimum=4)
    if not _revoke(rating, reason):
        rating.refresh_from_db()
        raise Conflict(f"该评定当前为「{rating.get_status_display()}」，不是有效的法治家庭，不能撤销。")
    audit_record(actor=actor, action="points.law_revoke", object_type="law_family_rating", object_id=rating.pk,
                 area_code=rating.area_id, details={"household": rating.household_id})  # fmt: skip
    recipients = household_holders(rating.household_id)
    words = f"您家的法治家庭资格已被取消：{reason}"
    transaction.on_commit(
        lambda: notify(recipients=recipients, kind="law_family", text=words, link="/points/civic/my/")
    )
    return rating


# -- offences -----------------------------------------------------------------------------------
# The records are people's (sensitive, scoped and audited there); civic adds the veto's effect.

offences_for_staff = people_offences.offences_visible_to
offence_list = people_offences.offence_list


@transaction.atomic
def offence_record(*, actor, person: Person, occurred_on: date, kind: str, description: str,
                   authority: str = "") -> OffenceRecord:  # fmt: skip
    """Record a member's offence dealt with by law; a standing certification of their household is
    revoked at once (the veto applies during the certification too) and the village is told."""
    record = people_offences.offence_record(actor=actor, person=person, occurred_on=occurred_on, kind=kind,
                                            description=description, authority=authority)  # fmt: skip
    if person.household_id:
        _revoke_for_offence(actor, person, record)
    return record


def _revoke_for_offence(actor, person: Person, record: OffenceRecord) -> None:
    rating = current_ratings(LawFamilyRating.objects.filter(household_id=person.household_id)).first()
    # Only an offence inside the rating's veto period or its validity touches the certification.
    if rating is None or record.occurred_on < add_years(rating.rated_on, -VALID_YEARS):
        return
    if rating.valid_until and record.occurred_on > rating.valid_until:
        return
    reason = f"家庭成员{person.name}于{record.occurred_on:%Y-%m-%d}因{record.kind}被依法处理，一票否决"
    if not _revoke(rating, reason):
        return
    audit_record(actor=actor, action="points.law_revoke", object_type="law_family_rating", object_id=rating.pk,
                 area_code=rating.area_id, details={"household": rating.household_id, "offence": record.pk})  # fmt: skip
    # Village staff only: grid workers do not read offence records (HONOUR_ROLES), so the notice
    # goes to those who may open the rating and see why.
    staff = User.objects.filter(grants__role=Role.VILLAGE_STAFF, grants__area_id=rating.area_id[:12])
    staff = [u for u in staff.distinct() if u.pk != getattr(actor, "pk", None)]
    head = with_household_name(LawFamilyRating.objects.filter(pk=rating.pk)).values_list(
        "head_name", flat=True
    )[0]
    words = f"{household_label(head, rating.household.household_no)}的法治家庭资格已自动撤销（家庭成员有违法犯罪记录，一票否决）"
    transaction.on_commit(lambda: notify(recipients=staff, kind="law_family", text=words,
                                         link=f"/points/civic/law/{rating.pk}/"))  # fmt: skip
