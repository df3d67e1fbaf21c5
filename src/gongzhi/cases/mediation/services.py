"""Writes for 人民调解: open a mediation on a dispute, record parties and sessions, conclude it
(success resolves the case, failure escalates it or records 诉讼引导), record 司法确认, and keep the
3+X 工作室. Each service checks its rules, writes, audits and notifies in one transaction."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area, Level
from gongzhi.audit.services import audit_record
from gongzhi.kernel.errors import Conflict, DomainError, Forbidden, Invalid
from gongzhi.kernel.text import checked, limit
from gongzhi.notices.services import notify

from .. import rules, workflow
from ..choices import Action, Kind, Status
from ..models import Case, CaseEvent, CaseParty
from ..points_hooks import award_volunteer_mediators
from ..services import _name, _parties
from . import rules as mrules
from .models import (
    ConfirmationResult,
    JudicialConfirmation,
    Mediation,
    MediationResult,
    MediationSession,
    MediationStatus,
    Workroom,
)

# 人民调解法 §33: parties may apply jointly for 司法确认 within 30 days of the agreement taking effect.
CONFIRMATION_DAYS = 30
MAX_CO_MEDIATORS = 10
# The largest primary key a database row can have; SQLite overflows on `pk__in` beyond it.
MAX_ID = 2**63 - 1


def in_range_ids(values) -> list[int]:
    """Distinct ids that can name a row; anything else cannot, and is left out."""
    return [i for i in dict.fromkeys(values) if isinstance(i, int) and 0 < i <= MAX_ID]


def _plain(value, field: str, label: str, maximum: int | None = None) -> str:
    """Stripped text; control characters and more than `maximum` characters are refused, never cut."""
    return checked(value, field=field, label=label, limit=maximum)


def _text(value, field: str, label: str, *, minimum: int = 1, maximum: int = 2000) -> str:
    text = _plain(value, field, label, maximum)
    if len(text) < minimum:
        raise DomainError(
            f"请填写{label}。" if minimum <= 1 else f"请填写{label}（至少 {minimum} 个字）。", field=field
        )
    if len(text) > maximum:
        raise DomainError(f"{label}过长（最多 {maximum} 个字）。", field=field)
    return text


def _day(value, field: str, label: str) -> date:
    if not isinstance(value, date):
        raise DomainError(f"请填写{label}。", field=field)
    if value > timezone.localdate():
        raise DomainError(f"{label} {value:%Y-%m-%d} 晚于今天。", field=field)
    return value


def _event(case: Case, actor, note: str, *, internal: bool = False, data: dict | None = None) -> None:
    """A 调解 step on the case timeline; the status does not move."""
    CaseEvent.objects.create(
        case=case, action=Action.MEDIATE, actor=actor, actor_name=_name(actor), from_status=case.status,
        to_status=case.status, note=note, internal=internal, data=data or {}, created_at=timezone.now(),
    )  # fmt: skip


def _audit(actor, action: str, mediation: Mediation, **details) -> None:
    audit_record(actor=actor, action=f"mediation.{action}", object_type="mediation", object_id=mediation.pk,
                 area_code=mediation.case.area_id, details={"case": mediation.case.number, **details})  # fmt: skip


def _link(case: Case) -> str:
    return f"/cases/{case.pk}/#mediation"


def _locked(mediation: Mediation) -> Mediation:
    """Re-read the mediation under a row lock; a concluded one refuses further changes."""
    current = Mediation.objects.select_for_update().select_related("case").get(pk=mediation.pk)
    if not current.is_open:
        raise Conflict(f"调解已结束（{current.get_status_display()}），不能再修改。", code="out_of_order")
    return current


@transaction.atomic
def mediation_open(*, case: Case, actor, lead: User | None = None, workroom: Workroom | None = None,
                   co_mediators=(), note: str = "") -> Mediation:  # fmt: skip
    """Open the mediation of a dispute. A lead who is not yet handling the case is dispatched to it,
    so the lead can later resolve it."""
    case = Case.objects.select_for_update().get(pk=case.pk)  # its status is checked below, then relied on
    note = _plain(note, "note", "说明", 500)
    if case.kind != Kind.DISPUTE:
        raise DomainError(f"只有矛盾纠纷可以调解，本事件类型为「{Kind(case.kind).label}」。", field="kind")
    if case.status not in mrules.OPEN_FROM:
        raise Conflict(
            f"事件当前状态为「{Status(case.status).label}」，须先受理、尚未办结才能开始调解。",
            code="out_of_order",
        )
    if not mrules.is_handler(actor, case):
        raise Forbidden("只有承办综治中心（或其上级）的工作人员或承办人可以开始调解。")
    if Mediation.objects.filter(case=case).exists():
        raise Conflict("该事件已在调解中或已调解，不能重复开始。", code="conflict")
    if workroom is not None and not case.area_id.startswith(workroom.area_id):
        raise DomainError(f"{workroom.name} 不在事发地所在的村(社区)或镇(街道)。", field="workroom")
    if workroom is not None and not workroom.active:
        raise DomainError(f"{workroom.name} 已停用。", field="workroom")
    lead = lead or actor
    if not mrules.may_mediate(lead, case, workroom):
        raise DomainError(
            f"{lead.display_name} 不是本辖区或该工作室的调解员、网格员或工作人员。", field="lead"
        )
    helpers = [u for u in dict.fromkeys(co_mediators) if u.pk != lead.pk]
    if len(helpers) > MAX_CO_MEDIATORS:
        raise DomainError(f"协助调解员最多 {MAX_CO_MEDIATORS} 人。", field="co_mediators")
    for user in helpers:
        if not mrules.may_mediate(user, case, workroom):
            raise DomainError(
                f"{user.display_name} 不是本辖区或该工作室的调解员、网格员或工作人员。", field="co_mediators"
            )
    if not mrules.is_handler(lead, case):
        if not rules.is_centre_staff(actor, case):
            raise DomainError("调解主持人须为本案承办人；如需他人主持，请承办综治中心改派。", field="lead")
        case = workflow.case_assign(
            case=case, actor=actor, user=lead, note=f"派遣至{lead.display_name}主持调解"
        )
    try:
        with transaction.atomic():
            mediation = Mediation.objects.create(case=case, area_id=case.handling_area_id, workroom=workroom,
                                                 lead=lead, started_at=timezone.now(), opened_by=actor)  # fmt: skip
    except IntegrityError:  # someone opened it a moment ago
        raise Conflict("该事件刚被他人开始调解，请刷新后查看。", code="conflict") from None
    mediation.co_mediators.set(helpers)
    names = "、".join(u.display_name for u in helpers)
    text = f"开始调解，主持人：{lead.display_name}" + (f"，协助：{names}" if names else "")
    text += f"（{workroom.name}）" if workroom else ""
    _event(case, actor, text + (f"。{note}" if note else ""))
    _audit(actor, "open", mediation, lead=lead.pk, workroom=workroom.pk if workroom else None,
           co_mediators=[u.pk for u in helpers])  # fmt: skip
    notify(recipients=[u for u in (lead, *helpers) if u.pk != actor.pk], kind="mediation",
           text=f"[{case.number}] 请参加调解：{case.title}", link=_link(case))  # fmt: skip
    return mediation


@transaction.atomic
def mediation_add_party(*, mediation: Mediation, actor, name: str = "", side: str = "",
                        person_id: int | None = None, organization_id: int | None = None) -> CaseParty:  # fmt: skip
    """Add a party (申请人/被申请人 …) before the agreement is drawn up."""
    mediation = _locked(mediation)
    if not mrules.may_record(actor, mediation):
        raise Forbidden("只有本案调解员或承办人可以补充当事人。")
    side = _text(side, "side", "当事人身份（如 申请人、被申请人）", maximum=16)
    name = _plain(name, "name", "当事人姓名")
    if mediation.case.parties.count() >= 20:
        raise DomainError("当事人最多 20 个。", field="parties")
    _parties(mediation.case, [{"name": name, "side": side, "person_id": person_id,
                               "organization_id": organization_id}], actor)  # fmt: skip
    party = mediation.case.parties.order_by("-pk").first()
    _audit(actor, "party", mediation, party=party.pk, side=side)
    return party


@transaction.atomic
def mediation_add_session(*, mediation: Mediation, actor, held_on: date, place: str, attendees: str,
                          notes: str) -> MediationSession:  # fmt: skip
    """调解记录: one sitting, with date, place, who came and what was said."""
    mediation = _locked(mediation)
    if not mrules.may_record(actor, mediation):
        raise Forbidden("只有本案调解员或承办人可以记录调解。")
    problems = []
    values = {}
    for field, label, value, minimum, maximum in (
        ("place", "调解地点", place, 2, 200),
        ("attendees", "参加人员", attendees, 2, 500),
        ("notes", "调解记录", notes, 5, 5000),
    ):
        try:
            values[field] = _text(value, field, label, minimum=minimum, maximum=maximum)
        except DomainError as exc:
            problems.append((field, exc.message))
    try:
        values["held_on"] = _day(held_on, "held_on", "调解日期")
        if values["held_on"] < timezone.localdate(mediation.started_at):
            raise DomainError(
                f"调解日期 {held_on:%Y-%m-%d} 早于调解开始日期 {timezone.localdate(mediation.started_at):%Y-%m-%d}。",
                field="held_on",
            )
    except DomainError as exc:
        problems.insert(0, (exc.field, exc.message))
    if problems:
        raise Invalid(problems)
    session = MediationSession.objects.create(mediation=mediation, recorded_by=actor, **values)
    number = mediation.sessions.count()
    _event(mediation.case, actor, f"第 {number} 次调解（{session.held_on:%Y-%m-%d}，{session.place}）：{session.notes}",
           internal=True)  # fmt: skip
    _audit(actor, "session", mediation, session=session.pk, held_on=session.held_on.isoformat())
    return session


@transaction.atomic
def mediation_conclude(*, mediation: Mediation, actor, result: str, agreed_terms: str = "",
                       performance: str = "", note: str = "", agreed_on: date | None = None) -> Mediation:  # fmt: skip
    """End the mediation. 成功 needs the agreed terms and resolves the case (then 核查结案 as usual);
    不成功 needs the next step: 上报 escalates the case, 诉讼引导 records the guidance given."""
    mediation = _locked(mediation)
    case = mediation.case
    if not mrules.may_conclude(actor, mediation):
        raise Forbidden("只有主持调解员或承办人可以结束调解。")
    if result not in MediationResult.values:
        choices = "、".join(f"{v}({label})" for v, label in MediationResult.choices)
        raise DomainError(f"调解结果「{result}」无效，可选：{choices}。", field="result")
    if not mediation.sessions.exists():
        raise DomainError("请先记录至少一次调解（日期、地点、参加人员、调解记录）。", field="sessions")
    now = timezone.now()
    changes = {"result": result, "ended_at": now, "concluded_by": actor}
    if result == MediationResult.SUCCESS:
        terms = _text(agreed_terms, "agreed_terms", "协议内容", maximum=limit(Mediation, "agreed_terms"))
        if case.parties.count() < 2:
            raise DomainError("调解协议须列明至少两方当事人，请先补充当事人。", field="parties")
        started = timezone.localdate(mediation.started_at)
        agreed_on = _day(agreed_on or timezone.localdate(), "agreed_on", "协议日期")
        if agreed_on < started:
            raise DomainError(
                f"协议日期 {agreed_on:%Y-%m-%d} 早于调解开始日期 {started:%Y-%m-%d}。", field="agreed_on"
            )
        changes.update(
            status=MediationStatus.SUCCEEDED,
            agreed_terms=terms,
            performance=_plain(performance, "performance", "履行方式、期限", limit(Mediation, "performance")),
            outcome_note=_plain(note, "note", "说明", limit(Mediation, "outcome_note")),
            agreed_on=agreed_on,
            agreement_no=f"调字〔{agreed_on.year}〕第{case.number}号",
        )
    else:
        label = (
            "调解不成功的原因"
            if result == MediationResult.ESCALATE
            else "诉讼引导情况（告知的法院、时效、材料等）"
        )
        changes.update(
            status=MediationStatus.FAILED,
            outcome_note=_text(note, "note", label, minimum=5, maximum=limit(Mediation, "outcome_note")),
        )
    Mediation.objects.filter(pk=mediation.pk).update(**changes)
    mediation.refresh_from_db()
    _event(case, actor, f"调解结束：{MediationResult(result).label}。" + (
        f"协议编号 {mediation.agreement_no}" if mediation.agreement_no else mediation.outcome_note))  # fmt: skip
    _audit(actor, "conclude", mediation, result=result)
    if result == MediationResult.SUCCESS:
        terms = "；".join(mediation.terms())
        workflow.case_resolve(
            case=case, actor=actor, note=f"调解成功，达成协议（{mediation.agreement_no}）：{terms}"[:2000]
        )
        award_volunteer_mediators(mediation=mediation, actor=actor)  # 积分制, in this transaction
    elif result == MediationResult.ESCALATE:
        workflow.case_escalate(case=case, actor=actor, reason=f"调解不成功：{mediation.outcome_note}"[:2000])
    else:
        _event(case, actor, f"诉讼引导：{mediation.outcome_note}")
    return mediation


@transaction.atomic
def judicial_confirmation_apply(*, mediation: Mediation, actor, applied_on: date, court: str,
                                note: str = "") -> JudicialConfirmation:  # fmt: skip
    """Record that the parties applied jointly to a court for 司法确认 (within 30 days, §33)."""
    mediation = Mediation.objects.select_for_update().select_related("case").get(pk=mediation.pk)
    if not mrules.may_record(actor, mediation):
        raise Forbidden("只有本案调解员或承办人可以登记司法确认。")
    if mediation.status != MediationStatus.SUCCEEDED or mediation.agreed_on is None:
        raise Conflict("只有调解成功、已签订协议的才能申请司法确认。", code="out_of_order")
    court = _text(court, "court", "受理法院", minimum=2, maximum=100)
    applied_on = _day(applied_on, "applied_on", "申请日期")
    last_day = mediation.agreed_on + timedelta(days=CONFIRMATION_DAYS)
    if applied_on < mediation.agreed_on:
        raise DomainError(
            f"申请日期 {applied_on:%Y-%m-%d} 早于协议日期 {mediation.agreed_on:%Y-%m-%d}。",
            field="applied_on",
        )
    if applied_on > last_day:
        raise DomainError(
            f"司法确认须自调解协议生效之日起 {CONFIRMATION_DAYS} 日内申请（人民调解法第三十三条）："
            f"协议日期 {mediation.agreed_on:%Y-%m-%d}，最迟 {last_day:%Y-%m-%d}，"
            f"申请日期 {applied_on:%Y-%m-%d} 已超过 {(applied_on - mediation.agreed_on).days - CONFIRMATION_DAYS} 日。",
            field="applied_on",
        )
    earlier = mediation.confirmations.filter(
        result__in=[ConfirmationResult.PENDING, ConfirmationResult.VALID]
    )
    if earlier.exists():
        raise Conflict("已有待裁定或已确认有效的司法确认申请。", code="conflict")
    try:
        with transaction.atomic():
            confirmation = JudicialConfirmation.objects.create(
                mediation=mediation, applied_on=applied_on, court=court, note=_plain(note, "note", "说明", limit(JudicialConfirmation, "note")),
                recorded_by=actor,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict("已有待裁定的司法确认申请。", code="conflict") from None
    _event(mediation.case, actor, f"申请司法确认：{court}（{applied_on:%Y-%m-%d}）")
    _audit(actor, "confirmation_apply", mediation, confirmation=confirmation.pk, court=court)
    return confirmation


@transaction.atomic
def judicial_confirmation_decide(*, confirmation: JudicialConfirmation, actor, result: str, decided_on: date,
                                 number: str = "", note: str = "") -> JudicialConfirmation:  # fmt: skip
    """Record the court's decision: 确认有效 (with its 调确字 number), 驳回 or 撤回."""
    mediation = Mediation.objects.select_related("case").get(pk=confirmation.mediation_id)
    if not mrules.may_record(actor, mediation):
        raise Forbidden("只有本案调解员或承办人可以登记司法确认结果。")
    if result not in ConfirmationResult.values or not result:
        choices = "、".join(f"{v}({label})" for v, label in ConfirmationResult.choices if v)
        raise DomainError(f"确认结果「{result}」无效，可选：{choices}。", field="result")
    decided_on = _day(decided_on, "decided_on", "裁定日期")
    if decided_on < confirmation.applied_on:
        raise DomainError(
            f"裁定日期 {decided_on:%Y-%m-%d} 早于申请日期 {confirmation.applied_on:%Y-%m-%d}。",
            field="decided_on",
        )
    number = _plain(number, "number", "调确字号", limit(JudicialConfirmation, "number"))
    if result == ConfirmationResult.VALID and not number:
        raise DomainError("确认有效的，请填写调确字号（裁定书文号）。", field="number")
    updated = JudicialConfirmation.objects.filter(pk=confirmation.pk, result=ConfirmationResult.PENDING).update(
        result=result, decided_on=decided_on, number=number,
        note=_plain(note, "note", "说明", limit(JudicialConfirmation, "note")) or confirmation.note,
    )  # fmt: skip
    if not updated:
        raise Conflict("该司法确认申请已有结果，不能再次登记。", code="out_of_order")
    confirmation.refresh_from_db()
    label = ConfirmationResult(result).label
    _event(mediation.case, actor, f"司法确认：{label}" + (f"（{number}）" if number else ""))
    _audit(
        actor, "confirmation_decide", mediation, confirmation=confirmation.pk, result=result, number=number
    )
    return confirmation


def mediation_agreement(*, mediation: Mediation, actor) -> tuple[str, bytes]:
    """The 人民调解协议书 as .docx (file name, content); every download is audited."""
    from .docx import agreement_docx

    if mediation.status != MediationStatus.SUCCEEDED:
        raise Conflict("只有调解成功的才有调解协议书。", code="out_of_order")
    content = agreement_docx(mediation)
    _audit(actor, "agreement", mediation, agreement_no=mediation.agreement_no)
    return f"人民调解协议书-{mediation.case.number}.docx", content


WORKROOM_FIELDS = {
    "name": ("工作室名称", 2, 64),
    "address": ("工作地点", 0, 200),
    "judge_name": ("法官", 0, 64),
    "lawyer_name": ("律师", 0, 64),
    "secretary_name": ("支书", 0, 64),
    "other_members": ("其他成员（X）", 0, 300),
}


@transaction.atomic
def workroom_save(*, actor, data: dict, workroom: Workroom | None = None) -> Workroom:
    """Create or change a 3+X 工作室 of a village or town, by the staff of its 综治中心."""
    problems: list[tuple[str, str]] = []
    code = str(data.get("area_code") or (workroom.area_id if workroom else "")).strip()
    area = Area.objects.filter(pk=code).first() if code.isdigit() else None
    if workroom is not None and code != workroom.area_id:
        problems.append(("area_code", "工作室所属区划不能修改。"))
    if area is None:
        problems.append(
            (
                "area_code",
                "请选择工作室所属的村(社区)或镇(街道)。" if not code else f"区划代码 {code} 不存在。",
            )
        )
    elif area.level not in (Level.VILLAGE, Level.TOWN):
        problems.append(
            ("area_code", f"{area.name}是{area.get_level_display()}，工作室设在村(社区)或镇(街道)。")
        )
    elif not mrules.may_manage_workroom(actor, area.code):
        raise Forbidden(f"只有{area.name}综治中心（或其上级）的工作人员可以设置其工作室。")
    values = {}
    for field, (label, minimum, maximum) in WORKROOM_FIELDS.items():
        try:
            text = _plain(data.get(field), field, label)
        except DomainError as exc:
            problems.append((field, exc.message))
            values[field] = ""
            continue
        if len(text) < minimum:
            problems.append((field, f"请填写{label}（至少 {minimum} 个字）。"))
        elif len(text) > maximum:
            problems.append((field, f"{label}过长（最多 {maximum} 个字）。"))
        values[field] = text
    try:
        ids = list(dict.fromkeys(int(i) for i in data.get("mediator_ids") or []))
    except (TypeError, ValueError):
        ids = []
        problems.append(("mediator_ids", "调解员须为用户编号。"))
    users = list(User.objects.filter(pk__in=in_range_ids(ids), is_active=True))
    if len(users) != len(ids):
        problems.append(("mediator_ids", "所选调解员中有不存在或已停用的账号。"))
    if area is not None and values["name"]:
        clash = Workroom.objects.filter(area=area, name=values["name"])
        if workroom is not None:
            clash = clash.exclude(pk=workroom.pk)
        if clash.exists():
            problems.append(("name", f"{area.name}已有名为「{values['name']}」的工作室。"))
    if problems:
        raise Invalid(problems)
    probe = workroom or Workroom(area=area)
    outsiders = [u.display_name for u in users if not mrules.may_join_workroom(u, probe)]
    if outsiders:
        raise DomainError(
            f"{'、'.join(outsiders)} 不是{area.name}（或其上级、下级）的调解员、网格员、部门或综治中心工作人员。",
            field="mediator_ids",
        )
    created = workroom is None
    if created:
        workroom = Workroom(area=area)
    for field, value in values.items():
        setattr(workroom, field, value)
    workroom.active = bool(data.get("active", True))
    workroom.save()
    workroom.mediators.set(users)
    audit_record(actor=actor, action="mediation.workroom_" + ("create" if created else "update"),
                 object_type="workroom", object_id=workroom.pk, area_code=area.code,
                 details={"name": workroom.name, "mediators": [u.pk for u in users]})  # fmt: skip
    return workroom
