"""The catalogue: which items apply to an account, at how many points in its village, within which
caps; and the services that edit it (the county sets items and bounds, a village adds and adjusts)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongzhi.areas.models import Area, Level
from gongzhi.audit.services import audit_record
from gongzhi.kernel.errors import DomainError, Invalid
from gongzhi.kernel.jurisdiction import require_role
from gongzhi.kernel.text import limit, problem

from . import rules
from .choices import CapPeriod, EntryKind, Star, Subject
from .models import AwardMapping, PointAccount, PointCategory, PointEntry, PointItem, PointItemAdjustment

CAP_LABEL = {CapPeriod.MONTH: "每月", CapPeriod.QUARTER: "每季度", CapPeriod.YEAR: "每年"}


def effective_points(item: PointItem, area_code: str) -> int:
    """The item's points in the village of `area_code`: the village's adjustment, else the item's own."""
    if len(item.area_id) >= 12:
        return item.points
    village = area_code[:12]
    adjusted = (
        PointItemAdjustment.objects.filter(item=item, area_id=village)
        .values_list("points", flat=True)
        .first()
    )
    return item.points if adjusted is None else adjusted


def items_for(account: PointAccount, *, declarable: bool | None = None):
    """Active items that apply to this account's subject in its area."""
    items = PointItem.objects.for_area(account.area_id).filter(active=True).select_related("category")
    if declarable is not None:
        items = items.filter(declarable=declarable)
    return [i for i in items if account.subject in i.subjects]


def check_applies(item: PointItem, account: PointAccount) -> None:
    """Refuse, by name, an item that is switched off, of another area, or not for this subject."""
    if not item.active:
        raise DomainError(f"积分项目「{item.name}」已停用。", field="item")
    if not account.area_id.startswith(item.area_id):
        raise DomainError(f"积分项目「{item.name}」不适用于{account.name}所在的村(社区)。", field="item")
    if account.subject not in item.subjects:
        names = "、".join(Subject(s).label for s in item.subjects) or "无"
        raise DomainError(
            f"积分项目「{item.name}」只适用于{names}，不适用于{Subject(account.subject).label}。",
            field="item",
        )


def period_start(period: str, at: datetime) -> datetime:
    """Start (Beijing time) of the cap period containing `at`."""
    local = timezone.localtime(at)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if period == CapPeriod.QUARTER:
        start = start.replace(month=(local.month - 1) // 3 * 3 + 1)
    elif period == CapPeriod.YEAR:
        start = start.replace(month=1)
    return start


def used_in_period(item: PointItem, account: PointAccount, at: datetime, *, pending: int = 0) -> int:
    """How many times the item counted for the account in the cap period: entries not reversed."""
    start = period_start(item.cap_period, at)
    entries = PointEntry.objects.filter(
        account_id=account.pk,
        item=item,
        kind__in=[EntryKind.AWARD, EntryKind.DEDUCTION],
        created_at__gte=start,
    )
    reversed_count = PointEntry.objects.filter(reverses__in=entries).count()
    return entries.count() - reversed_count + pending


def check_cap(
    item: PointItem, account: PointAccount, at: datetime | None = None, *, pending: int = 0
) -> None:
    """Refuse an award beyond the item's cap per account per period, saying how many were used."""
    if not item.cap_times or not item.cap_period:
        return
    at = at or timezone.now()
    used = used_in_period(item, account, at, pending=pending)
    if used >= item.cap_times:
        label = CAP_LABEL[CapPeriod(item.cap_period)]
        raise DomainError(
            f"积分项目「{item.name}」{label}最多计 {item.cap_times} 次，{account.name}本期已计 {used} 次。",
            field="item",
        )


def _clean_item(data: dict, *, area: Area, county_item: bool) -> dict:
    errors: list[tuple[str, str]] = []
    name = (data.get("name") or "").strip()
    code = (data.get("code") or "").strip()
    description = (data.get("description") or "").strip()
    for field, label, value in (
        ("code", "项目编码", code),
        ("name", "项目名称", name),
        ("description", "说明", description),
    ):
        message = problem(label, value, limit(PointItem, field))
        if message:
            errors.append((field, message))
    if not code:
        errors.append(("code", "请填写项目编码。"))
    if not name:
        errors.append(("name", "请填写项目名称。"))
    try:
        points = int(data.get("points"))
        if points == 0 or abs(points) > 1000:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(("points", "分值须为 -1000 到 1000 之间的非零整数（扣分项填负数）。"))
        points = 0
    subjects = list(dict.fromkeys(data.get("subjects") or []))
    bad = [s for s in subjects if s not in Subject.values]
    if not subjects or bad:
        errors.append(("subjects", "请选择适用主体（居民、党员、家庭、单位/社团、村(社区)工作人员）。"))
    category_id = data.get("category_id")
    category = (
        PointCategory.objects.filter(pk=category_id).first()
        if isinstance(category_id, int) or str(category_id or "").isdigit()
        else None
    )
    if category is None:
        errors.append(("category_id", "请选择积分类别。"))
    cap_times = data.get("cap_times") or None
    cap_period = data.get("cap_period") or ""
    if cap_period not in CapPeriod.values:
        errors.append(("cap_period", "上限周期只能是每月、每季度、每年或不限。"))
    if cap_times is not None:
        try:
            cap_times = int(cap_times)
            if not 1 <= cap_times <= 1000:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(("cap_times", "周期内上限须为 1 到 1000 之间的整数。"))
        if not cap_period:
            errors.append(("cap_period", "设置了次数上限，请同时选择上限周期。"))
    roles = list(dict.fromkeys(data.get("award_roles") or rules.DEFAULT_AWARD_ROLES))
    if any(r not in [role.value for role in rules.READ_ROLES] for r in roles):
        errors.append(("award_roles", "可直接评定的角色只能是网格员或村、镇、县、市综治中心。"))
    star = data.get("star") or ""
    if star and star not in Star.values:
        errors.append(("star", "积分之星类别只能是孝老爱亲、邻里和睦、勤劳致富、公益劳动、人居环境或不选。"))
    min_points = data.get("min_points")
    max_points = data.get("max_points")
    if county_item and (min_points is not None or max_points is not None) and points:
        try:
            min_points = int(min_points) if min_points not in (None, "") else None
            max_points = int(max_points) if max_points not in (None, "") else None
        except (TypeError, ValueError):
            errors.append(("min_points", "村级可调范围须为整数。"))
        else:
            if any(b is not None and abs(b) > 1000 for b in (min_points, max_points)):
                errors.append(("min_points", "村级可调范围须在 -1000 到 1000 之间。"))
            elif min_points is not None and max_points is not None and min_points > max_points:
                errors.append(("min_points", "村级可调下限不能大于上限。"))
            elif (min_points is not None and min_points > points) or (
                max_points is not None and max_points < points
            ):
                errors.append(("min_points", "县级分值须在村级可调范围之内。"))
            elif any(b is not None and b * points <= 0 for b in (min_points, max_points)):
                errors.append(("min_points", "可调范围不能把加分项变成扣分项（或相反）。"))
    else:
        min_points = max_points = None
    if errors:
        raise Invalid(errors)
    return {
        "code": code, "name": name, "points": points, "subjects": subjects, "category": category,
        "needs_evidence": bool(data.get("needs_evidence")),
        # A 扣分项 is never declared by the one it costs, whatever the form says.
        "declarable": points > 0 and data.get("declarable") is not False,
        "cap_times": cap_times, "cap_period": cap_period if cap_times else "", "award_roles": roles,
        "min_points": min_points, "max_points": max_points, "star": star,
        "description": description, "active": bool(data.get("active", True)),
    }  # fmt: skip


@transaction.atomic
def item_save(*, actor, area: Area, data: dict, item: PointItem | None = None) -> PointItem:
    """Create or edit an item of the county catalogue (county staff) or of a village (its staff)."""
    county_item = area.level in (Level.COUNTY, Level.CITY)
    if county_item:
        require_role(actor, rules.COUNTY_CATALOGUE_ROLES, area.code, "维护县级积分目录")
    elif area.level == Level.VILLAGE:
        require_role(actor, rules.VILLAGE_CATALOGUE_ROLES, area.code, "维护本村积分项目")
    else:
        raise DomainError("积分目录由县(区)制定，村(社区)可增设本村项目。", field="area_code")
    clean = _clean_item(data, area=area, county_item=county_item)
    if item is not None and item.area_id != area.code:
        raise DomainError("只能修改本级制定的积分项目。", field="item")
    clash = PointItem.objects.filter(area=area, code=clean["code"]).exclude(pk=getattr(item, "pk", None))
    if clash.exists():
        raise DomainError(f"编码 {clean['code']} 已被本级其他项目使用。", field="code")
    if item is None:
        item = PointItem.objects.create(area=area, **clean)
        action = "points.item_create"
    else:
        for key, value in clean.items():
            setattr(item, key, value)
        item.save()
        action = "points.item_update"
    # Village points must stay within the county's bounds: those the new bounds exclude lapse, and
    # the villages fall back to the county's points (recorded in the audit details).
    outside = PointItemAdjustment.objects.filter(item=item)
    low, high = item.min_points, item.max_points
    if low is None and high is None:
        lapsed = outside
    else:
        lapsed = outside.filter(Q(points__lt=low) if low is not None else Q(pk__in=[])) | outside.filter(
            Q(points__gt=high) if high is not None else Q(pk__in=[])
        )
    lapsed_villages = sorted(lapsed.values_list("area_id", flat=True))
    if lapsed_villages:
        PointItemAdjustment.objects.filter(item=item, area_id__in=lapsed_villages).delete()
    audit_record(actor=actor, action=action, object_type="point_item", object_id=item.pk, area_code=area.code,
                 details={"code": item.code, "points": item.points, "lapsed_adjustments": lapsed_villages})  # fmt: skip
    return item


@transaction.atomic
def item_adjust(*, actor, item: PointItem, village: Area, points: int | None, reason: str = "") -> PointItem:
    """A village sets its own points for a county item, within the county's bounds (None resets)."""
    require_role(actor, rules.VILLAGE_CATALOGUE_ROLES, village.code, "调整本村积分分值")
    if village.level != Level.VILLAGE or not village.code.startswith(item.area_id) or len(item.area_id) >= 12:
        raise DomainError("只能调整本村适用的县级积分项目。", field="item")
    if points is None:
        PointItemAdjustment.objects.filter(item=item, area=village).delete()
    else:
        low, high = item.min_points, item.max_points
        if low is None and high is None:
            raise DomainError(f"县里未允许村级调整「{item.name}」的分值。", field="points")
        if (low is not None and points < low) or (high is not None and points > high):
            raise DomainError(
                f"「{item.name}」村级分值须在 {low if low is not None else '—'} 到 "
                f"{high if high is not None else '—'} 之间，填写的是 {points}。",
                field="points",
            )
        if len((reason or "").strip()) < 2:
            raise DomainError("请填写调整理由。", field="reason")
        PointItemAdjustment.objects.update_or_create(
            item=item,
            area=village,
            defaults={"points": points, "reason": reason.strip(), "set_by": actor},
        )
    audit_record(actor=actor, action="points.item_adjust", object_type="point_item", object_id=item.pk,
                 area_code=village.code, details={"points": points})  # fmt: skip
    return item


@transaction.atomic
def mapping_set(*, actor, county: Area, event: str, item: PointItem) -> AwardMapping:
    """The county decides which item a verified report or a volunteer's mediation awards."""
    require_role(actor, rules.COUNTY_CATALOGUE_ROLES, county.code, "设置联动积分项目")
    if not county.code.startswith(item.area_id) or item.points <= 0:
        raise DomainError("联动积分须选择本县适用的加分项目。", field="item")
    mapping, _ = AwardMapping.objects.update_or_create(area=county, event=event, defaults={"item": item})
    audit_record(actor=actor, action="points.mapping_set", object_type="point_item", object_id=item.pk,
                 area_code=county.code, details={"event": event})  # fmt: skip
    return mapping


def review_due(at: datetime) -> datetime:
    """The review deadline of a declaration made at `at`."""
    return at + timedelta(days=rules.REVIEW_DAYS)
