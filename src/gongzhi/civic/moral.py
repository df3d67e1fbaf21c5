"""红黑榜: a quarterly moral review per village — nominations with evidence, village review, a
publication window, and clearing of a black entry after remediation (整改销号)."""

import re
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from gongzhi.areas.models import Level
from gongzhi.audit.services import audit_record
from gongzhi.kernel.codes import scope_q
from gongzhi.kernel.errors import Conflict, DomainError, Forbidden, Invalid
from gongzhi.kernel.jurisdiction import has_role, require_role
from gongzhi.kernel.roles import Role
from gongzhi.notices.services import notify
from gongzhi.points import rules
from gongzhi.points.choices import Subject
from gongzhi.points.models import PointAccount, own_account_ids

from .choices import BoardList, NominationStatus, ReviewStage
from .law import resident_villages, staff_codes, text
from .models import MoralNomination, MoralReview

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
PUBLISH_DAYS = 7
MAX_PUBLISH_DAYS = 60
# Grid workers and village staff nominate (the town may step in); residents nominate for the red
# list only: a black nomination accuses a neighbour, so it comes from staff who checked the facts.
NOMINATE_ROLES = (Role.GRID_WORKER, Role.VILLAGE_STAFF, Role.TOWN_STAFF)
# The village decides, publishes, closes and clears (the town may step in).
DECIDE_ROLES = (Role.VILLAGE_STAFF, Role.TOWN_STAFF)


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_quarter(value) -> str:
    """'2026Q2' as given, or a clear error (2026Q5 is not a quarter)."""
    value = (value or "").strip().upper() if isinstance(value, str) else ""
    match = QUARTER_RE.match(value)
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise DomainError(f"季度「{value}」无效：格式应为 YYYYQn（n 为 1–4），如 2026Q2。", field="quarter")
    if value > quarter_of(timezone.localdate()):
        raise DomainError(f"{value} 尚未到来，不能开展评议。", field="quarter")
    return value


def reviews_for_staff(user):
    """Reviews under the villages where the user works (a grid worker's grid counts as its village)."""
    if getattr(user, "is_superuser", False):
        return MoralReview.objects.all()
    codes = staff_codes(user, rules.READ_ROLES)
    return MoralReview.objects.filter(scope_q("area_id", codes)) if codes else MoralReview.objects.none()


def is_staff_for(user, review: MoralReview) -> bool:
    return reviews_for_staff(user).filter(pk=review.pk).exists()


def _move(review: MoralReview, frm: str, to: str, doing: str, **changes) -> MoralReview:
    """A stage change as a conditional update: a lost race or an out-of-order step is a Conflict."""
    if not MoralReview.objects.filter(pk=review.pk, stage=frm).update(stage=to, **changes):
        review.refresh_from_db()
        raise Conflict(f"评议当前为「{review.get_stage_display()}」阶段，不能{doing}。")
    review.refresh_from_db()
    return review


def _audit(actor, action: str, obj, area_code: str, **details) -> None:
    kind = "moral_review" if isinstance(obj, MoralReview) else "moral_nomination"
    audit_record(actor=actor, action=f"points.{action}", object_type=kind, object_id=obj.pk,
                 area_code=area_code, details=details)  # fmt: skip


@transaction.atomic
def review_open(*, actor, area, quarter: str) -> MoralReview:
    """Open a village's 红黑榜 for a quarter; one per village and quarter."""
    if area.level != Level.VILLAGE:
        raise DomainError("红黑榜按村(社区)开展，请选择一个村(社区)。", field="area")
    require_role(actor, rules.HONOUR_ROLES, area.code, "开展红黑榜评议")
    quarter = parse_quarter(quarter)
    try:
        with transaction.atomic():
            review = MoralReview.objects.create(area=area, quarter=quarter, created_by=actor)
    except IntegrityError:
        raise Conflict(f"{area.name} {quarter} 的红黑榜评议已经开展。") from None
    _audit(actor, "review_open", review, area.code, quarter=quarter)
    return review


@transaction.atomic
def review_start(*, actor, review: MoralReview) -> MoralReview:
    """Close nominations and start the village's review (提名 → 评议)."""
    require_role(actor, DECIDE_ROLES, review.area_id, "开始评议")
    review = _move(review, ReviewStage.NOMINATING, ReviewStage.REVIEWING, "开始评议")
    _audit(actor, "review_start", review, review.area_id)
    return review


@transaction.atomic
def nominate(*, actor, review: MoralReview, board: str, account: PointAccount, reason: str,
             evidence: str = "", photos=()) -> MoralNomination:  # fmt: skip
    """Nominate an account of the village for the red or black list, with evidence."""
    from gongzhi.points.services import encode_photos, save_evidence

    if board not in BoardList.values:
        raise DomainError("榜单须为红榜（red）或黑榜（black）。", field="board")
    if not account.area_id.startswith(review.area_id):
        raise DomainError(f"「{account.name}」不在{review.area.name}，不能参加本村评议。", field="account")
    if not has_role(actor, NOMINATE_ROLES, account.area_id):
        if review.area_id not in resident_villages(actor):
            raise Forbidden("只有本村网格员、村(社区)工作人员或本村居民可以提名。")
        if board != BoardList.RED:
            raise Forbidden("居民只能推荐红榜人选；黑榜由网格员或村(社区)工作人员核实后提名。")
    if review.stage != ReviewStage.NOMINATING:
        raise Conflict(f"评议当前为「{review.get_stage_display()}」阶段，不再接受提名。")
    if account.subject == Subject.STAFF:
        raise DomainError("村(社区)工作人员账户不参加红黑榜评议。", field="account")
    if account.pk in own_account_ids(actor):
        raise Forbidden("不能提名本人或本户。")
    reason = text(reason, "事由", "reason", minimum=4)
    evidence = (evidence or "").strip() if isinstance(evidence, str) else ""
    if len(evidence) > 2000:
        raise DomainError("佐证不能超过 2000 个字。", field="evidence")
    encoded = encode_photos(photos)
    if board == BoardList.BLACK and not evidence and not encoded:
        raise Invalid([("evidence", "黑榜提名须附佐证（文字或照片）。")])
    if MoralNomination.objects.filter(review=review, account=account, board=board).exists():
        raise Conflict(f"「{account.name}」已被提名{BoardList(board).label}。")
    nomination = MoralNomination.objects.create(
        review=review, board=board, account=account, reason=reason, evidence=evidence, nominated_by=actor
    )
    if encoded:
        save_evidence(encoded, nomination=nomination)
    _audit(actor, "nominate", nomination, review.area_id, board=board, account=account.pk)
    return nomination


@transaction.atomic
def nomination_decide(*, actor, nomination: MoralNomination, accept: bool, note: str = "") -> MoralNomination:
    """The village decides a nomination while the review is under way (评议中)."""
    review = nomination.review
    require_role(actor, DECIDE_ROLES, review.area_id, "评议红黑榜提名")
    if review.stage != ReviewStage.REVIEWING:
        raise Conflict(f"评议当前为「{review.get_stage_display()}」阶段，只有评议中才能作出决定。")
    if nomination.account_id in own_account_ids(actor):
        raise Forbidden("不能评议本人或本户的提名。")
    note = (note or "").strip() if isinstance(note, str) else ""
    if not accept and len(note) < 2:
        raise DomainError("不予上榜时请填写评议意见。", field="note")
    if len(note) > 300:
        raise DomainError("评议意见不能超过 300 个字。", field="note")
    status = NominationStatus.ACCEPTED if accept else NominationStatus.REJECTED
    if not MoralNomination.objects.filter(pk=nomination.pk, status=NominationStatus.PENDING).update(
        status=status, review_note=note or "评议通过", reviewed_by=actor, reviewed_at=timezone.now()
    ):
        nomination.refresh_from_db()
        raise Conflict(f"该提名已评议（{nomination.get_status_display()}），请刷新。")
    nomination.refresh_from_db()
    _audit(actor, "nomination_decide", nomination, review.area_id, accept=bool(accept))
    return nomination


@transaction.atomic
def review_publish(*, actor, review: MoralReview, publish_from: date | None = None,
                   publish_until: date | None = None) -> MoralReview:  # fmt: skip
    """Publish the decided lists for a window (default seven days from today) and tell those listed."""
    from gongzhi.points.services import holders_of

    require_role(actor, DECIDE_ROLES, review.area_id, "公示红黑榜")
    publish_from = publish_from or timezone.localdate()
    publish_until = publish_until or publish_from + timedelta(days=PUBLISH_DAYS - 1)
    if publish_until < publish_from:
        raise DomainError("公示结束日期不能早于开始日期。", field="publish_until")
    if (publish_until - publish_from).days >= MAX_PUBLISH_DAYS:
        raise DomainError(f"公示期不能超过 {MAX_PUBLISH_DAYS} 天。", field="publish_until")
    pending = review.nominations.filter(status=NominationStatus.PENDING).count()
    if pending and review.stage == ReviewStage.REVIEWING:
        raise Conflict(f"还有 {pending} 条提名未评议，评议完毕后才能公示。")
    review = _move(review, ReviewStage.REVIEWING, ReviewStage.PUBLISHED, "公示",
                   publish_from=publish_from, publish_until=publish_until)  # fmt: skip
    _audit(actor, "review_publish", review, review.area_id, publish_from=str(publish_from),
           publish_until=str(publish_until))  # fmt: skip
    for n in review.nominations.filter(status=NominationStatus.ACCEPTED).select_related("account"):
        if n.board == BoardList.RED:
            words = (
                f"您（{n.account.name}）上了{review.quarter}红榜：{n.reason}。感谢您为乡风文明作出的表率！"
            )
        else:
            words = f"{n.account.name}被列入{review.quarter}黑榜：{n.reason}。整改到位后，村里将为您销号。"
        recipients = holders_of(n.account)
        transaction.on_commit(lambda r=recipients, w=words: notify(recipients=r, kind="moral_review", text=w,
                                                                    link="/points/civic/my/"))  # fmt: skip
    return review


@transaction.atomic
def review_close(*, actor, review: MoralReview) -> MoralReview:
    """End the review; its lists leave the public view (the records stay)."""
    require_role(actor, DECIDE_ROLES, review.area_id, "结束红黑榜评议")
    review = _move(review, ReviewStage.PUBLISHED, ReviewStage.CLOSED, "结束")
    _audit(actor, "review_close", review, review.area_id)
    return review


@transaction.atomic
def black_clear(*, actor, nomination: MoralNomination, reason: str) -> MoralNomination:
    """整改销号: an accepted black entry leaves the public list; the entry and why stay on record."""
    from gongzhi.points.services import holders_of

    require_role(actor, DECIDE_ROLES, nomination.review.area_id, "为黑榜销号")
    if nomination.board != BoardList.BLACK:
        raise DomainError("只有黑榜上的记录可以整改销号。", field="nomination")
    reason = text(reason, "整改情况", "reason", minimum=4)
    if not MoralNomination.objects.filter(pk=nomination.pk, status=NominationStatus.ACCEPTED).update(
        status=NominationStatus.CLEARED, cleared_at=timezone.now(), cleared_by=actor, clear_reason=reason
    ):
        nomination.refresh_from_db()
        raise Conflict(f"该提名当前为「{nomination.get_status_display()}」，只有已上黑榜的记录可以销号。")
    nomination.refresh_from_db()
    _audit(actor, "black_clear", nomination, nomination.review.area_id)
    recipients, words = holders_of(nomination.account), f"您的黑榜记录已整改销号：{reason}"
    transaction.on_commit(lambda: notify(recipients=recipients, kind="moral_review", text=words,
                                         link="/points/civic/my/"))  # fmt: skip
    return nomination


# -- the public lists ---------------------------------------------------------------------------


def in_window(review: MoralReview, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (review.stage == ReviewStage.PUBLISHED and review.publish_from is not None
            and review.publish_from <= today <= review.publish_until)  # fmt: skip


def public_reviews(user, today: date | None = None):
    """Reviews a resident sees: their village's, published, inside the window."""
    today = today or timezone.localdate()
    villages = resident_villages(user)
    if not villages:
        return MoralReview.objects.none()
    return MoralReview.objects.filter(
        area_id__in=villages, stage=ReviewStage.PUBLISHED, publish_from__lte=today, publish_until__gte=today
    ).order_by("-quarter")


def public_name(account: PointAccount, board: str) -> str:
    """The name as published. The black list shows a surname and * only: PIPL asks for the least
    disclosure that serves the purpose, and villagers know whom it concerns without the full name
    being copied around; the red list is an honour and names people in full."""
    if board == BoardList.RED or account.subject == Subject.ORGANIZATION:
        return account.name
    if account.subject == Subject.HOUSEHOLD:
        return "某户" if account.name[:1].isdigit() else f"{account.name[:1]}*户"
    return f"{account.name[:1]}*"


def public_lists(review: MoralReview) -> dict:
    """The red and black lists as the public sees them: accepted entries, cleared ones gone."""
    rows = (
        review.nominations.filter(status=NominationStatus.ACCEPTED).select_related("account").order_by("pk")
    )
    lists = {"red": [], "black": []}
    for n in rows:
        lists[n.board].append({"name": public_name(n.account, n.board), "reason": n.reason})
    return lists


def review_counts(qs):
    """Annotate reviews with counts of nominations by state, for the staff list."""
    return qs.annotate(
        n_all=Count("nominations"),
        n_pending=Count("nominations", filter=Q(nominations__status=NominationStatus.PENDING)),
        n_red=Count("nominations", filter=Q(nominations__status=NominationStatus.ACCEPTED, nominations__board="red")),
        n_black=Count("nominations", filter=Q(nominations__status=NominationStatus.ACCEPTED, nominations__board="black")),
    )  # fmt: skip


def nominations_with_visible_photos(user):
    """Nominations whose evidence photos a user may open: staff of the village, and whoever
    nominated (a resident's own upload). Photos are never part of the public lists."""
    staff = reviews_for_staff(user).values("pk")
    return MoralNomination.objects.filter(Q(review__in=staff) | Q(nominated_by_id=getattr(user, "pk", None)))
