"""Honours: choosing 积分之星 from their boards, and the 积分分享大会 with its roll of honour."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.areas.models import Level
from gongzhi.audit.services import audit_record
from gongzhi.kernel.errors import Conflict, DomainError, Invalid
from gongzhi.kernel.jurisdiction import require_role

from .. import rules
from ..choices import Star, Subject
from ..models import PointAccount
from . import selectors
from .models import MeetingAwardee, SharingMeeting, StarAward

MAX_STARS = 10
MAX_AWARDEES = 300


def star_honour(star: str) -> str:
    """The honour read out for a star: 孝老爱亲之星."""
    return f"{Star(star).label}之星"


def _village(area) -> None:
    if getattr(area, "level", None) != Level.VILLAGE:
        raise DomainError("积分之星和积分分享大会以村(社区)为单位，请选择村(社区)。", field="area")


@transaction.atomic
def star_awards_choose(*, actor, area, period: str, star: str, account_ids) -> list[StarAward]:
    """Set the 积分之星 of one category in a village for a period. Each chosen account must be on
    that category's board; stars chosen before and left out now are withdrawn."""
    _village(area)
    require_role(actor, rules.HONOUR_ROLES, area.code, "评选积分之星")
    period = selectors.parse_period(period)
    selectors.check_star(star)
    ids = list(dict.fromkeys(int(a) for a in account_ids or []))
    if not ids:
        raise DomainError("请至少选择一位积分之星。", field="account_ids")
    if len(ids) > MAX_STARS:
        raise DomainError(f"每类积分之星最多评选 {MAX_STARS} 位。", field="account_ids")
    on_board = {row.account_id: row for row in selectors.star_board(area_code=area.code, period=period, star=star,
                                                                    limit=None)}  # fmt: skip
    missing = [a for a in ids if a not in on_board]
    if missing:
        names = dict(PointAccount.objects.filter(pk__in=missing).values_list("pk", "name"))
        who = "、".join(names.get(a, f"账户 {a}") for a in missing)
        raise DomainError(
            f"{who} 不在{selectors.period_label(period)}「{Star(star).label}」榜上，不能评为该类积分之星。",
            field="account_ids",
        )
    StarAward.objects.filter(area=area, period=period, star=star).exclude(account_id__in=ids).delete()
    awards = []
    try:
        with transaction.atomic():
            for account_id in ids:
                award, _ = StarAward.objects.update_or_create(
                    area=area, period=period, star=star, account_id=account_id,
                    defaults={"score": on_board[account_id].score, "chosen_by": actor},
                )  # fmt: skip
                awards.append(award)
    except IntegrityError:
        raise Conflict("其他人正在评选同一类积分之星，请刷新后重试。") from None
    audit_record(actor=actor, action="points.star_choose", object_type="star_award", object_id=f"{period}:{star}",
                 area_code=area.code, details={"period": period, "star": star, "accounts": ids})  # fmt: skip
    return awards


def star_suggestions(*, area_code: str, period: str) -> dict[str, list]:
    """The top of each of the five star boards, which the page ticks by default."""
    return {
        s.value: selectors.star_board(area_code=area_code, period=period, star=s.value, limit=1) for s in Star
    }


# -- 积分分享大会 ---------------------------------------------------------------------------------


def _meeting_fields(data: dict) -> dict:
    errors = []
    title = str(data.get("title") or "").strip()
    if len(title) < 2:
        errors.append(("title", "请填写大会名称（至少 2 个字）。"))
    elif len(title) > 100:
        errors.append(("title", "大会名称最多 100 个字。"))
    held_on, bad_date = data.get("held_on"), False
    if isinstance(held_on, str):
        try:
            held_on = date.fromisoformat(held_on.strip()) if held_on.strip() else None
        except ValueError:
            held_on, bad_date = None, True
    if bad_date:
        errors.append(("held_on", "日期格式无效（YYYY-MM-DD）。"))
    elif held_on is None:
        errors.append(("held_on", "请填写大会日期。"))
    elif held_on.year < 2000 or (held_on - timezone.localdate()).days > 366:
        errors.append(("held_on", "大会日期无效：须在 2000 年之后、一年之内。"))
    place = str(data.get("place") or "").strip()
    if len(place) < 2:
        errors.append(("place", "请填写大会地点（至少 2 个字）。"))
    elif len(place) > 100:
        errors.append(("place", "地点最多 100 个字。"))
    notes = str(data.get("notes") or "").strip()
    if len(notes) > 5000:
        errors.append(("notes", "会议情况最多 5000 字。"))
    if errors:
        raise Invalid(errors)
    return {"title": title, "held_on": held_on, "place": place, "notes": notes}


@transaction.atomic
def meeting_save(*, actor, area=None, data: dict, meeting: SharingMeeting | None = None) -> SharingMeeting:
    """Record a 积分分享大会 of a village, or correct one (title, date, place, notes)."""
    if meeting is None:
        _village(area)
        code = area.code
    else:
        code = meeting.area_id
    require_role(actor, rules.HONOUR_ROLES, code, "登记积分分享大会")
    fields = _meeting_fields(data)
    if meeting is None:
        meeting = SharingMeeting.objects.create(area=area, created_by=actor, **fields)
        action = "points.meeting_create"
    else:
        meeting = SharingMeeting.objects.select_for_update().get(pk=meeting.pk)
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.save(update_fields=list(fields))
        action = "points.meeting_update"
    audit_record(actor=actor, action=action, object_type="sharing_meeting", object_id=meeting.pk,
                 area_code=code, details={"title": meeting.title, "held_on": str(meeting.held_on)})  # fmt: skip
    return meeting


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _awardee_rows(meeting: SharingMeeting, rows) -> list[dict]:
    rows = list(rows or [])
    if len(rows) > MAX_AWARDEES:
        raise DomainError(f"光荣榜最多 {MAX_AWARDEES} 人。", field="rows")
    parsed = [_int(row.get("account_id")) for row in rows]
    accounts = dict(PointAccount.objects.filter(pk__in={a for a in parsed if a}).values_list("pk", "area_id"))
    errors, clean, seen = [], [], set()
    for n, (row, account_id) in enumerate(zip(rows, parsed, strict=True), start=1):
        if not account_id:
            errors.append((f"rows.{n}.account_id", f"第 {n} 行：请选择获奖人。"))
            continue
        honour = str(row.get("honour") or "").strip()
        prize = str(row.get("prize") or "").strip()
        if account_id not in accounts or not accounts[account_id].startswith(meeting.area_id):
            errors.append((f"rows.{n}.account_id", f"第 {n} 行：获奖人不在本村(社区)。"))
        if not honour:
            errors.append((f"rows.{n}.honour", f"第 {n} 行：请填写荣誉称号。"))
        elif len(honour) > 64:
            errors.append((f"rows.{n}.honour", f"第 {n} 行：荣誉称号最多 64 个字。"))
        if len(prize) > 64:
            errors.append((f"rows.{n}.prize", f"第 {n} 行：奖品最多 64 个字。"))
        if (account_id, honour) in seen:
            errors.append((f"rows.{n}.honour", f"第 {n} 行：同一人的同一荣誉重复。"))
        seen.add((account_id, honour))
        clean.append({"account_id": account_id, "honour": honour, "prize": prize})
    if errors:
        raise Invalid(errors)
    return clean


@transaction.atomic
def meeting_awardees_set(*, actor, meeting: SharingMeeting, rows) -> list[MeetingAwardee]:
    """Replace the roll of honour of a meeting. A line whose honour is a star's (孝老爱亲之星) links
    that account's most recent star of the category in the village to the meeting."""
    require_role(actor, rules.HONOUR_ROLES, meeting.area_id, "编辑光荣榜")
    clean = _awardee_rows(meeting, rows)
    meeting = SharingMeeting.objects.select_for_update().get(pk=meeting.pk)
    MeetingAwardee.objects.filter(meeting=meeting).delete()
    awardees = MeetingAwardee.objects.bulk_create(
        MeetingAwardee(meeting=meeting, order=n, **row) for n, row in enumerate(clean, start=1)
    )
    StarAward.objects.filter(meeting=meeting).update(meeting=None)
    honours = {star_honour(s): s.value for s in Star}
    for row in clean:
        star = honours.get(row["honour"])
        if star is None:
            continue
        award = (
            StarAward.objects.filter(area_id=meeting.area_id, star=star, account_id=row["account_id"])
            .filter(meeting__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if award is not None:
            StarAward.objects.filter(pk=award.pk).update(meeting=meeting)
    audit_record(actor=actor, action="points.meeting_awardees", object_type="sharing_meeting", object_id=meeting.pk,
                 area_code=meeting.area_id, details={"rows": len(clean)})  # fmt: skip
    return awardees


def awardee_suggestions(*, meeting: SharingMeeting, source: str, period: str, subject: str = Subject.RESIDENT,
                        top: int = 10) -> list[dict]:  # fmt: skip
    """Rows to pre-fill a roll of honour with: the village's stars of a period, or the top N of a board."""
    period = selectors.parse_period(period)
    if source == "stars":
        stars = StarAward.objects.filter(area_id=meeting.area_id, period=period).select_related("account")
        return [{"account_id": s.account_id, "name": s.account.name, "honour": star_honour(s.star), "prize": ""}
                for s in stars.order_by("star", "-score")]  # fmt: skip
    top = max(1, min(int(top or 10), 50))
    label = selectors.period_label(period)
    return [
        {"account_id": r.account_id, "name": r.name, "honour": f"{label}积分排名第 {r.rank} 名", "prize": ""}
        for r in selectors.board(area_code=meeting.area_id, period=period, subject=subject, limit=top)
    ]
