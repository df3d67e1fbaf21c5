"""Writes of the 积分制 besides the shop: declarations and their review, direct awards and
deductions, appeals, corrections, and the one door through which other modules award points."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.accounts.models import RoleGrant, User
from gongzhi.audit.services import audit_record
from gongzhi.kernel.errors import Conflict, DomainError, Forbidden
from gongzhi.kernel.idempotency import clean_key
from gongzhi.kernel.images import reencode, save_image_after_commit
from gongzhi.kernel.jurisdiction import has_role, require_role
from gongzhi.kernel.roles import Role
from gongzhi.kernel.text import checked, limit
from gongzhi.notices.services import notify

from . import catalogue, ledger, rules, subjects
from .choices import AppealStatus, AwardEvent, DeclarationStatus, EntryKind, Source
from .models import (
    AwardMapping,
    EvidencePhoto,
    PointAccount,
    PointAppeal,
    PointDeclaration,
    PointEntry,
    PointItem,
    own_account_ids,
)

MAX_PHOTOS = 6


def _text(value: str, label: str, minimum: int = 2, maximum: int = 2000, field: str = "") -> str:
    value = (value or "").strip()
    field = field or ("reason" if label != "事迹" else "text")
    if len(value) < minimum:
        raise DomainError(f"请填写{label}（至少 {minimum} 个字）。", field=field)
    return checked(value, field=field, label=label, limit=maximum)


def holders_of(account: PointAccount) -> list[User]:
    """Users who hold an account themselves: the resident, the members of a household, the staff member."""
    if account.user_id:
        return [account.user]
    if account.person_id:
        return list(User.objects.filter(resident_link__person_id=account.person_id))
    if account.household_id:
        return list(User.objects.filter(resident_link__person__household_id=account.household_id))
    return []


def village_staff_of(area_code: str) -> list[User]:
    """Village staff and the grid worker of the area: whoever reviews there."""
    village = area_code[:12]
    grants = RoleGrant.objects.filter(
        role__in=[Role.VILLAGE_STAFF, Role.GRID_WORKER], area_id__in=[village, area_code[:15], area_code]
    ).select_related("user")
    return list({g.user for g in grants})


def _may_act_for(actor, account: PointAccount) -> bool:
    return account.pk in own_account_ids(actor) or has_role(actor, rules.READ_ROLES, account.area_id)


def encode_photos(photos) -> list[tuple[bytes, int, int]]:
    """Check and re-encode evidence photos before anything is written."""
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise DomainError(f"最多上传 {MAX_PHOTOS} 张照片。", field="photos")
    return [reencode(data, name=f"第 {i} 张照片") for i, (_, data) in enumerate(photos, start=1)]


def save_evidence(encoded, **owner) -> None:
    """Store re-encoded photos for a declaration or a nomination (owner=the one object)."""
    for index, (content, width, height) in enumerate(encoded, start=1):
        _save_photo(content, width, height, index, **owner)


def _save_photo(content: bytes, width: int, height: int, index: int, **owner) -> EvidencePhoto:
    """The row now, the file after commit: a rolled-back declaration leaves no file behind."""
    photo = EvidencePhoto(width=width, height=height, **owner)
    key = next(iter(owner.values())).pk
    return save_image_after_commit(photo, content, f"{next(iter(owner))}-{key}-{index}.jpg")


# -- accounts -----------------------------------------------------------------------------------


@transaction.atomic
def account_open(*, actor, person=None, household=None, organization=None) -> PointAccount:
    """Open (or find) the points account of a registry person, household or organisation in the
    actor's jurisdiction. Returns the account; opening twice returns the same one."""
    subjects_given = [s for s in (person, household, organization) if s is not None]
    if len(subjects_given) != 1:
        raise DomainError("请指定一名人员、一户或一个单位（只能选一个）。", field="person_id")
    target = subjects_given[0]
    require_role(actor, rules.READ_ROLES, target.area_id, "开设积分账户")
    existed = _has_account(person, household, organization)
    if person is not None:
        account = subjects.account_for_person(person)
    elif household is not None:
        account = subjects.account_for_household(household)
    else:
        account = subjects.account_for_organization(organization)
    if not existed:
        audit_record(actor=actor, action="points.account_open", object_type="point_account", object_id=account.pk,
                     area_code=account.area_id, details={"subject": account.subject})  # fmt: skip
    return account


def _has_account(person, household, organization) -> bool:
    if person is not None:
        return PointAccount.objects.filter(person=person).exists()
    if household is not None:
        return PointAccount.objects.filter(household=household).exists()
    return PointAccount.objects.filter(organization=organization).exists()


# -- declarations -------------------------------------------------------------------------------


@transaction.atomic
def declaration_submit(*, actor, account: PointAccount, item: PointItem, text: str,
                       occurred_on: date | None = None, photos=()) -> PointDeclaration:  # fmt: skip
    """积分申报 for one's own (or household's) account, or by staff on someone's behalf at the hall."""
    if not _may_act_for(actor, account):
        raise Forbidden("只能为本人、本户或辖区内的积分主体申报。")
    catalogue.check_applies(item, account)
    if not item.declarable or item.points < 0:
        raise DomainError(f"积分项目「{item.name}」不接受个人申报，由工作人员评定。", field="item")
    text = _text(text, "事迹", minimum=4)
    today = timezone.localdate()
    occurred_on = occurred_on or today
    if occurred_on > today:
        raise DomainError("发生日期不能晚于今天。", field="occurred_on")
    if (today - occurred_on).days > 90:
        raise DomainError("只能申报 90 天内发生的事项。", field="occurred_on")
    encoded = encode_photos(photos)
    if item.needs_evidence and not encoded:
        raise DomainError(f"积分项目「{item.name}」需要上传佐证照片。", field="photos")
    pending = PointDeclaration.objects.filter(
        account=account, item=item, status=DeclarationStatus.PENDING
    ).count()
    catalogue.check_cap(item, account, pending=pending)
    now = timezone.now()
    declaration = PointDeclaration.objects.create(
        account=account, item=item, area_id=account.area_id, points=catalogue.effective_points(item, account.area_id),
        text=text, occurred_on=occurred_on, declared_by=actor, due_at=catalogue.review_due(now),
    )  # fmt: skip
    if encoded:
        save_evidence(encoded, declaration=declaration)
    audit_record(actor=actor, action="points.declare", object_type="point_declaration", object_id=declaration.pk,
                 area_code=account.area_id, details={"item": item.code})  # fmt: skip
    transaction.on_commit(
        lambda: notify(recipients=village_staff_of(account.area_id), kind="points_declared",
                       text=f"新的积分申报：{account.name}「{item.name}」", link="/points/review/")
    )  # fmt: skip
    return declaration


@transaction.atomic
def declaration_photos_add(*, actor, declaration: PointDeclaration, photos) -> PointDeclaration:
    """Add evidence photos to one's own pending declaration (the API uploads them after the JSON)."""
    if declaration.declared_by_id != actor.pk:
        raise Forbidden("只能为本人提交的申报补充照片。")
    locked = PointDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if locked.status != DeclarationStatus.PENDING:
        raise Conflict(f"该申报已{locked.get_status_display()}，不能再补充照片。")
    photos = list(photos or [])
    have = locked.photos.count()
    if have + len(photos) > MAX_PHOTOS:
        raise DomainError(f"每份申报最多 {MAX_PHOTOS} 张照片，已有 {have} 张。", field="photos")
    if not photos:
        raise DomainError("请选择要上传的照片。", field="photos")
    encoded = encode_photos(photos)
    for index, (content, width, height) in enumerate(encoded, start=have + 1):
        _save_photo(content, width, height, index, declaration=locked)
    audit_record(actor=actor, action="points.declaration_photos", object_type="point_declaration",
                 object_id=locked.pk, area_code=locked.area_id, details={"added": len(encoded)})  # fmt: skip
    return locked


def _decide(declaration: PointDeclaration, actor, status: str, note: str, **changes) -> PointDeclaration:
    require_role(actor, rules.REVIEW_ROLES, declaration.area_id, "审核积分申报")
    if declaration.account_id in own_account_ids(actor) or declaration.declared_by_id == actor.pk:
        raise Forbidden("不能审核本人提交或本人账户的积分申报。")
    note = checked(note, field="note", label="审核意见", limit=limit(PointDeclaration, "review_note"))
    updated = PointDeclaration.objects.filter(pk=declaration.pk, status=DeclarationStatus.PENDING).update(
        status=status, reviewer=actor, reviewed_at=timezone.now(), review_note=note, **changes
    )
    if not updated:
        current = PointDeclaration.objects.get(pk=declaration.pk)
        raise Conflict(f"该申报已处理（{current.get_status_display()}），请刷新。")
    declaration.refresh_from_db()
    return declaration


@transaction.atomic
def declaration_approve(*, actor, declaration: PointDeclaration, note: str = "") -> PointDeclaration:
    """Approve and post the award at the item's points of today, in the same transaction."""
    declaration = _decide(declaration, actor, DeclarationStatus.APPROVED, (note or "").strip() or "审核通过")
    account, item = declaration.account, declaration.item
    # The state change above and the checks below share one transaction: a refusal undoes both.
    PointAccount.objects.select_for_update().filter(pk=account.pk).first()
    catalogue.check_applies(item, account)
    catalogue.check_cap(item, account)
    entry = award_item(
        account=account, item=item, actor=actor, source=Source.DECLARATION, source_id=str(declaration.pk),
        reason=declaration.text[:300], idempotency_key=f"declaration:{declaration.pk}", check=False, audit=False,
    )  # fmt: skip
    PointDeclaration.objects.filter(pk=declaration.pk).update(entry=entry, points=entry.delta)
    declaration.entry, declaration.points = entry, entry.delta
    audit_record(actor=actor, action="points.declaration_approve", object_type="point_declaration",
                 object_id=declaration.pk, area_code=declaration.area_id,
                 details={"entry": entry.pk, "points": entry.delta})  # fmt: skip
    _tell(account, f"您申报的「{item.name}」已通过，积 {entry.delta} 分。", "points_approved")
    return declaration


@transaction.atomic
def declaration_reject(*, actor, declaration: PointDeclaration, reason: str) -> PointDeclaration:
    """Reject a declaration; the reason is required and shown to the declarant."""
    reason = _text(reason, "不通过的理由", maximum=limit(PointDeclaration, "review_note"))
    declaration = _decide(declaration, actor, DeclarationStatus.REJECTED, reason)
    audit_record(actor=actor, action="points.declaration_reject", object_type="point_declaration",
                 object_id=declaration.pk, area_code=declaration.area_id)  # fmt: skip
    _tell(declaration.account, f"您申报的「{declaration.item.name}」未通过：{reason}", "points_rejected")
    return declaration


@transaction.atomic
def declaration_withdraw(*, actor, declaration: PointDeclaration) -> PointDeclaration:
    """The declarant withdraws a declaration that is still pending."""
    if declaration.declared_by_id != actor.pk:
        raise Forbidden("只能撤回本人提交的申报。")
    if not PointDeclaration.objects.filter(pk=declaration.pk, status=DeclarationStatus.PENDING).update(
        status=DeclarationStatus.WITHDRAWN
    ):
        raise Conflict("该申报已审核，不能撤回。")
    declaration.refresh_from_db()
    audit_record(actor=actor, action="points.declaration_withdraw", object_type="point_declaration",
                 object_id=declaration.pk, area_code=declaration.area_id)  # fmt: skip
    return declaration


def _tell(account: PointAccount, text: str, kind: str) -> None:
    recipients = holders_of(account)
    if recipients:
        transaction.on_commit(lambda: notify(recipients=recipients, kind=kind, text=text, link="/points/my/"))


# -- awards and deductions ----------------------------------------------------------------------


def award_item(*, account: PointAccount, item: PointItem, actor, source: str, source_id: str = "",
               reason: str = "", idempotency_key: str = "", check: bool = True, audit: bool = True,
               at=None) -> PointEntry:  # fmt: skip
    """The one door: post a catalogue item to an account at the item's points in the account's
    village today. Declarations, direct awards and other modules (cases, mediation) all come here."""
    with transaction.atomic():
        if check:
            # Lock the account before counting towards the cap, so two awards at once cannot both pass.
            PointAccount.objects.select_for_update().filter(pk=account.pk).first()
            catalogue.check_applies(item, account)
            if (
                idempotency_key
                and PointEntry.objects.filter(account=account, idempotency_key=idempotency_key).exists()
            ):
                return PointEntry.objects.get(account=account, idempotency_key=idempotency_key)
            catalogue.check_cap(item, account, at)
        points = catalogue.effective_points(item, account.area_id)
        kind = EntryKind.AWARD if points > 0 else EntryKind.DEDUCTION
        entry = ledger.post(
            account=account, delta=points, kind=kind, source=source, actor=actor, item=item, reason=reason,
            source_id=source_id, idempotency_key=idempotency_key, at=at,
        )  # fmt: skip
        if audit:
            audit_record(actor=actor, action=f"points.{kind}", object_type="point_entry", object_id=entry.pk,
                         area_code=account.area_id,
                         details={"account": account.pk, "item": item.code, "delta": entry.delta, "source": source})  # fmt: skip
    return entry


DIRECT_KEY_PREFIX = "direct:"


@transaction.atomic
def direct_award_once(*, actor, account: PointAccount, item: PointItem, reason: str,
                      idempotency_key: str = "") -> tuple[PointEntry, bool]:  # fmt: skip
    """Staff award or deduct an item directly, with a reason (roles per item); also tells whether
    the entry was posted now (False: a repeat of the key, answered with the first entry).

    With a key, the account row is locked before the key is looked up, so of two requests racing
    with one key exactly one posts and the other waits, then finds its entry: created or replayed
    is decided by one writer at a time, never by a read before the lock."""
    roles = tuple(item.award_roles or rules.DEFAULT_AWARD_ROLES)
    require_role(actor, roles, account.area_id, f"评定「{item.name}」")
    if account.pk in own_account_ids(actor):
        raise Forbidden("不能为本人账户评定积分。")
    reason = _text(reason, "评定理由", maximum=limit(PointEntry, "reason"))
    # A client's key lives in its own namespace on the account's ledger: "declaration:5" or
    # "case_report_useful:…" sent by a client must not stand in for the entry that event will post.
    key = clean_key(idempotency_key, limit=ledger.KEY_LIMIT - len(DIRECT_KEY_PREFIX))
    key = f"{DIRECT_KEY_PREFIX}{key}" if key else ""
    if key:
        PointAccount.objects.select_for_update().filter(pk=account.pk).first()
        replay = PointEntry.objects.filter(account=account, idempotency_key=key).first()
        if replay is not None:  # a re-sent request: the award stands once, nobody is told twice
            return replay, False
    reason = _text(reason, "评定理由")
    entry = award_item(account=account, item=item, actor=actor, source=Source.DIRECT, reason=reason,
                       idempotency_key=key)  # fmt: skip
    verb = "加" if entry.delta > 0 else "扣"
    tail = "如有异议，可在积分明细中申诉一次。" if entry.delta < 0 else ""
    _tell(account, f"「{item.name}」{verb} {abs(entry.delta)} 分：{reason}。{tail}", f"points_{entry.kind}")
    return entry, True


def direct_award(**kwargs) -> PointEntry:
    """direct_award_once, without telling created from replayed."""
    return direct_award_once(**kwargs)[0]


def award_for_event(*, event: str, account: PointAccount, actor, source: str, source_id: str,
                    reason: str = "") -> PointEntry | None:  # fmt: skip
    """Award the item the county mapped to `event` (once per source and account). Nothing happens
    when the county has mapped no item, or the item does not apply to this subject."""
    county = account.area_id[:6]
    mapping = AwardMapping.objects.filter(area_id=county, event=event).select_related("item").first()
    if mapping is None or not mapping.item.active or account.subject not in mapping.item.subjects:
        return None
    try:
        return award_item(account=account, item=mapping.item, actor=actor, source=source, source_id=source_id,
                          reason=reason, idempotency_key=f"{event}:{source_id}")  # fmt: skip
    except DomainError:
        # Over the item's cap: the report or mediation itself stands; no points this time.
        return None


# Where an event's entry says it came from (the ledger's source column).
EVENT_SOURCES = {
    AwardEvent.CASE_REPORT_USEFUL: Source.CASE_REPORT,
    AwardEvent.MEDIATION_SUCCESS: Source.MEDIATION,
}


def award_event_to_person(*, event: str, person, actor, source_id: str, reason: str) -> PointEntry | None:
    """The points app's door in the registry (kernel.registry.award_points): other apps name an
    event and a registry person; the person's account opens only when their county maps an item
    to the event, so a county that awards nothing for reports opens no accounts either."""
    if not AwardMapping.objects.filter(area_id=person.area_id[:6], event=event).exists():
        return None
    return award_for_event(event=event, account=subjects.account_for_person(person), actor=actor,
                           source=EVENT_SOURCES[event], source_id=source_id, reason=reason)  # fmt: skip


# -- appeals and corrections --------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, actor, entry: PointEntry, reason: str) -> PointAppeal:
    """申诉: a deduction may be appealed once, by its holder (or staff on their behalf)."""
    if entry.kind != EntryKind.DEDUCTION:
        raise DomainError("只有扣分记录可以申诉。", field="entry")
    if not _may_act_for(actor, entry.account):
        raise Forbidden("只能对本人或本户的扣分申诉。")
    if PointAppeal.objects.filter(entry=entry).exists():
        raise Conflict("该扣分已申诉过一次，不能再次申诉。")
    if entry.reversals.exists():
        raise Conflict("该扣分已被冲销，无需申诉。")
    reason = _text(reason, "申诉理由", minimum=4)
    try:
        with transaction.atomic():
            appeal = PointAppeal.objects.create(
                entry=entry,
                account=entry.account,
                area_id=entry.account.area_id,
                reason=reason,
                filed_by=actor,
            )
    except IntegrityError:  # filed at the same moment by someone else
        raise Conflict("该扣分已申诉过一次，不能再次申诉。") from None
    audit_record(actor=actor, action="points.appeal_file", object_type="point_appeal", object_id=appeal.pk,
                 area_code=appeal.area_id, details={"entry": entry.pk})  # fmt: skip
    transaction.on_commit(
        lambda: notify(recipients=village_staff_of(appeal.area_id), kind="points_appeal",
                       text=f"扣分申诉：{entry.account.name}「{entry.item_name}」", link="/points/appeals/")
    )  # fmt: skip
    return appeal


@transaction.atomic
def appeal_decide(*, actor, appeal: PointAppeal, overturn: bool, note: str) -> PointAppeal:
    """The village decides; overturning posts a compensating entry that cancels the deduction."""
    require_role(actor, rules.APPEAL_ROLES, appeal.area_id, "裁定扣分申诉")
    if appeal.account_id in own_account_ids(actor):
        raise Forbidden("不能裁定本人账户的申诉。")
    note = _text(note, "裁定意见", field="note", maximum=limit(PointAppeal, "decision_note"))
    status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    if not PointAppeal.objects.filter(pk=appeal.pk, status=AppealStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=timezone.now(), decision_note=note
    ):
        raise Conflict("该申诉已裁定，请刷新。")
    appeal.refresh_from_db()
    if overturn:
        reversal = ledger.reverse(entry=appeal.entry, actor=actor, reason=f"申诉成立：{note}",
                                  source=Source.APPEAL, source_id=str(appeal.pk))  # fmt: skip
        PointAppeal.objects.filter(pk=appeal.pk).update(reversal=reversal)
        appeal.reversal = reversal
    audit_record(actor=actor, action="points.appeal_decide", object_type="point_appeal", object_id=appeal.pk,
                 area_code=appeal.area_id, details={"overturn": overturn})  # fmt: skip
    verdict = "申诉成立，扣分已撤销" if overturn else "维持扣分"
    _tell(appeal.account, f"您对「{appeal.entry.item_name}」的申诉已裁定：{verdict}。{note}", "points_appeal")
    return appeal


@transaction.atomic
def entry_correct(*, actor, entry: PointEntry, reason: str) -> PointEntry:
    """更正: cancel a wrongly posted award or deduction with a compensating entry, never an edit."""
    require_role(actor, rules.CORRECTION_ROLES, entry.account.area_id, "更正积分记录")
    if entry.account_id in own_account_ids(actor):
        raise Forbidden("不能更正本人账户的积分记录。")
    if entry.kind in (EntryKind.REDEMPTION, EntryKind.REFUND):
        raise DomainError("兑换记录请通过取消兑换单退还积分。", field="entry")
    if entry.reverses_id:
        raise DomainError("冲销记录不能再次冲销。", field="entry")
    if entry.reversals.exists():
        raise Conflict("该记录已冲销，不能重复更正。")
    reason = _text(reason, "更正理由", minimum=4, maximum=limit(PointEntry, "reason") - len("更正："))
    reversal = ledger.reverse(entry=entry, actor=actor, reason=f"更正：{reason}", source=Source.CORRECTION)
    audit_record(actor=actor, action="points.correct", object_type="point_entry", object_id=reversal.pk,
                 area_code=entry.account.area_id, details={"reverses": entry.pk, "delta": reversal.delta})  # fmt: skip
    return reversal


def overdue_declarations_remind(now=None) -> int:
    """Tell reviewers once about declarations past their review deadline; a second run does nothing."""
    now = now or timezone.now()
    count = 0
    for declaration in PointDeclaration.objects.filter(
        status=DeclarationStatus.PENDING, due_at__lt=now, overdue_notified_at__isnull=True
    ).select_related("account", "item"):
        if PointDeclaration.objects.filter(pk=declaration.pk, overdue_notified_at__isnull=True).update(
            overdue_notified_at=now
        ):
            notify(recipients=village_staff_of(declaration.area_id), kind="points_overdue",
                   text=f"积分申报已超过审核时限：{declaration.account.name}「{declaration.item.name}」",
                   link="/points/review/")  # fmt: skip
            count += 1
    return count
