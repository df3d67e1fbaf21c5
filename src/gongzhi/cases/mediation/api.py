"""API for 人民调解: /api/v1/cases/{id}/mediation… (a dispute's mediation) and /api/v1/mediation/…
(3+X 工作室 and the per-mediator counts for 以案定补)."""

from datetime import date, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from gongzhi.accounts.models import User
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.office import DOCX, docx_response
from gongzhi.kernel.roles import CENTRE_ROLES

from ..api import DATE_PATTERN, PartyIn, parse_day
from ..models import Case
from . import rules as mrules
from . import selectors as mselectors
from . import services
from .models import Mediation, MediationStatus, Workroom

case_router = Router(tags=["调解"])
router = Router(tags=["调解"])


class PersonRef(Schema):
    id: int
    name: str


class WorkroomRef(Schema):
    id: int
    name: str
    area_code: str


class PartyOut(Schema):
    name: str
    side: str
    id_number: str = Field(description="脱敏显示；未关联实有人口时为空")


class SessionOut(Schema):
    id: int
    held_on: date
    place: str
    attendees: str
    notes: str
    recorded_by: str


class ConfirmationOut(Schema):
    id: int
    applied_on: date
    court: str
    number: str
    result: str
    result_label: str
    decided_on: date | None
    note: str


class MediationOut(Schema):
    id: int
    case_id: int
    case_number: str
    status: str
    status_label: str
    result: str
    result_label: str
    area_code: str
    workroom: WorkroomRef | None
    lead: PersonRef
    co_mediators: list[PersonRef]
    parties: list[PartyOut]
    outcome_note: str
    agreed_terms: list[str]
    performance: str
    agreement_no: str
    agreed_on: date | None
    confirmation_deadline: date | None = Field(description="司法确认申请截止日（协议日期后 30 日）")
    started_at: datetime
    ended_at: datetime | None
    sessions: list[SessionOut]
    confirmations: list[ConfirmationOut]
    actions: list[str] = Field(
        description="当前用户可执行的操作：party / session / conclude / confirm / agreement"
    )


class OpenIn(Schema):
    lead_id: int | None = Field(None, description="主持调解员（默认本人）")
    workroom_id: int | None = Field(None, description="3+X 工作室")
    co_mediator_ids: list[int] = Field([], description="协助调解员")
    note: str = ""


class SessionIn(Schema):
    held_on: date = Field(description="调解日期 YYYY-MM-DD")
    place: str
    attendees: str
    notes: str


class ConcludeIn(Schema):
    result: str = Field(
        description="success（调解成功）/ escalate（不成功，上报）/ litigate（不成功，引导诉讼）"
    )
    agreed_terms: str = Field("", description="成功：协议内容，每行一条")
    performance: str = Field("", description="成功：履行方式、期限")
    agreed_on: date | None = Field(None, description="成功：协议日期，默认今天")
    note: str = Field("", description="不成功：原因（上报）或诉讼引导情况")


class ConfirmationIn(Schema):
    applied_on: date = Field(description="申请日期，须在协议日期后 30 日内")
    court: str = Field(description="受理法院")
    note: str = ""


class DecisionIn(Schema):
    result: str = Field(description="valid（确认有效）/ rejected（驳回）/ withdrawn（撤回）")
    decided_on: date
    number: str = Field("", description="调确字号（确认有效时必填）")
    note: str = ""


def _actions(user, mediation: Mediation) -> list[str]:
    actions = []
    if mediation.is_open and mrules.may_record(user, mediation):
        actions += ["party", "session"]
    if mediation.is_open and mrules.may_conclude(user, mediation):
        actions.append("conclude")
    if mediation.status == MediationStatus.SUCCEEDED:
        actions.append("agreement")
        if mrules.may_record(user, mediation):
            actions.append("confirm")
    return actions


def mediation_out(mediation: Mediation, user) -> dict:
    from datetime import timedelta

    case = mediation.case
    return {
        "id": mediation.pk,
        "case_id": case.pk,
        "case_number": case.number,
        "status": mediation.status,
        "status_label": mediation.get_status_display(),
        "result": mediation.result,
        "result_label": mediation.get_result_display() if mediation.result else "",
        "area_code": mediation.area_id,
        "workroom": {
            "id": mediation.workroom.pk,
            "name": mediation.workroom.name,
            "area_code": mediation.workroom.area_id,
        }
        if mediation.workroom
        else None,  # fmt: skip
        "lead": {"id": mediation.lead.pk, "name": mediation.lead.display_name},
        "co_mediators": [{"id": u.pk, "name": u.display_name} for u in mediation.co_mediators.order_by("pk")],
        "parties": [
            {"name": p.name, "side": p.side, "id_number": p.person.id_number_masked if p.person else ""}
            for p in case.parties.select_related("person").order_by("pk")
        ],
        "outcome_note": mediation.outcome_note,
        "agreed_terms": mediation.terms(),
        "performance": mediation.performance,
        "agreement_no": mediation.agreement_no,
        "agreed_on": mediation.agreed_on,
        "confirmation_deadline": mediation.agreed_on + timedelta(days=services.CONFIRMATION_DAYS)
        if mediation.agreed_on
        else None,
        "started_at": mediation.started_at,
        "ended_at": mediation.ended_at,
        "sessions": [
            {
                "id": s.pk,
                "held_on": s.held_on,
                "place": s.place,
                "attendees": s.attendees,
                "notes": s.notes,
                "recorded_by": s.recorded_by.display_name if s.recorded_by else "",
            }
            for s in mediation.sessions.select_related("recorded_by")
        ],  # fmt: skip
        "confirmations": [
            {
                "id": c.pk,
                "applied_on": c.applied_on,
                "court": c.court,
                "number": c.number,
                "result": c.result,
                "result_label": c.get_result_display(),
                "decided_on": c.decided_on,
                "note": c.note,
            }
            for c in mediation.confirmations.all()
        ],  # fmt: skip
        "actions": _actions(user, mediation),
    }


def _case(request, case_id: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)


def _mediation(request, case_id: int) -> Mediation:
    case = _case(request, case_id)
    mediation = Mediation.objects.filter(case=case).select_related("lead", "workroom", "area").first()
    if mediation is None:
        raise Http404
    mediation.case = case
    return mediation


def _users(ids) -> list[User]:
    """Referenced people; an unknown id is a 404 like any object the caller cannot reach."""
    wanted = set(ids)
    users = list(User.objects.filter(pk__in=services.in_range_ids(wanted), is_active=True))
    if len(users) != len(wanted):
        raise Http404
    return users


@case_router.get("/{case_id}/mediation", response=MediationOut, summary="调解详情（当事人身份证号脱敏）")
def mediation_detail(request, case_id: int):
    return mediation_out(_mediation(request, case_id), request.user)


@case_router.post("/{case_id}/mediation", response={201: MediationOut}, summary="对矛盾纠纷开始调解")
def mediation_open(request, case_id: int, payload: OpenIn):
    case = _case(request, case_id)
    workroom = (
        get_object_or_404(Workroom.objects.visible_to(request.user), pk=payload.workroom_id)
        if payload.workroom_id
        else None
    )
    lead = _users([payload.lead_id])[0] if payload.lead_id else None
    mediation = services.mediation_open(case=case, actor=request.user, lead=lead, workroom=workroom,
                                        co_mediators=_users(payload.co_mediator_ids), note=payload.note)  # fmt: skip
    return HttpStatus(201, mediation_out(_mediation(request, mediation.case_id), request.user))


@case_router.post(
    "/{case_id}/mediation/parties", response=MediationOut, summary="补充当事人（申请人、被申请人等）"
)
def mediation_party(request, case_id: int, payload: PartyIn):
    mediation = _mediation(request, case_id)
    services.mediation_add_party(mediation=mediation, actor=request.user, **payload.dict())
    return mediation_out(_mediation(request, case_id), request.user)


@case_router.post("/{case_id}/mediation/sessions", response=MediationOut, summary="记录一次调解（调解记录）")
def mediation_session(request, case_id: int, payload: SessionIn):
    mediation = _mediation(request, case_id)
    services.mediation_add_session(mediation=mediation, actor=request.user, **payload.dict())
    return mediation_out(_mediation(request, case_id), request.user)


@case_router.post(
    "/{case_id}/mediation/conclude",
    response=MediationOut,
    summary="结束调解：成功（事件办结）/ 不成功上报 / 不成功引导诉讼",
)
def mediation_conclude(request, case_id: int, payload: ConcludeIn):
    mediation = _mediation(request, case_id)
    services.mediation_conclude(mediation=mediation, actor=request.user, **payload.dict())
    return mediation_out(_mediation(request, case_id), request.user)


@case_router.post(
    "/{case_id}/mediation/confirmations",
    response={201: ConfirmationOut},
    summary="登记司法确认申请（协议日期后 30 日内，人民调解法第三十三条）",
)
def confirmation_apply(request, case_id: int, payload: ConfirmationIn):
    mediation = _mediation(request, case_id)
    c = services.judicial_confirmation_apply(mediation=mediation, actor=request.user, **payload.dict())
    return HttpStatus(201, _confirmation_out(c))


@case_router.post(
    "/{case_id}/mediation/confirmations/{confirmation_id}",
    response=ConfirmationOut,
    summary="登记司法确认结果（确认有效 / 驳回 / 撤回）",
)
def confirmation_decide(request, case_id: int, confirmation_id: int, payload: DecisionIn):
    mediation = _mediation(request, case_id)
    confirmation = get_object_or_404(mediation.confirmations, pk=confirmation_id)
    c = services.judicial_confirmation_decide(confirmation=confirmation, actor=request.user, **payload.dict())
    return _confirmation_out(c)


def _confirmation_out(c) -> dict:
    return {"id": c.pk, "applied_on": c.applied_on, "court": c.court, "number": c.number, "result": c.result,
            "result_label": c.get_result_display(), "decided_on": c.decided_on, "note": c.note}  # fmt: skip


@case_router.get(
    "/{case_id}/mediation/agreement",
    summary="下载人民调解协议书（.docx，下载留痕）",
    openapi_extra={
        "responses": {
            200: {
                "description": "人民调解协议书（Word 文档）",
                "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def mediation_agreement(request, case_id: int):
    mediation = _mediation(request, case_id)
    name, content = services.mediation_agreement(mediation=mediation, actor=request.user)
    return docx_response(name, content)


# --- /api/v1/mediation/… ---------------------------------------------------------------------------


class WorkroomOut(Schema):
    id: int
    area_code: str
    area_name: str
    name: str
    address: str
    judge_name: str
    lawyer_name: str
    secretary_name: str
    other_members: str
    mediators: list[PersonRef]
    active: bool
    can_edit: bool


class WorkroomIn(Schema):
    area_code: str = Field(description="村(社区)或镇(街道)编码")
    name: str
    address: str = ""
    judge_name: str = Field("", description="法官")
    lawyer_name: str = Field("", description="律师")
    secretary_name: str = Field("", description="支书")
    other_members: str = Field("", description="其他成员（X）")
    mediator_ids: list[int] = Field([], description="调解员（调解员角色或辖区工作人员的用户编号）")
    active: bool = True


class CountsOut(Schema):
    user_id: int
    name: str
    username: str
    led: int = Field(description="主持调解（已结束）")
    led_succeeded: int
    assisted: int = Field(description="协助调解（已结束）")
    assisted_succeeded: int
    total: int
    succeeded: int
    failed: int
    success_rate: float | None


class CountsFilter(Schema):
    area: str = Field(description="区划编码（村、镇或县）")
    since: str = Field("", pattern=DATE_PATTERN, description="结束日期起 YYYY-MM-DD")
    until: str = Field("", pattern=DATE_PATTERN, description="结束日期止 YYYY-MM-DD（含）")


def workroom_out(workroom: Workroom, user) -> dict:
    return {
        **{f: getattr(workroom, f) for f in ("id", "name", "address", "judge_name", "lawyer_name")},
        **{f: getattr(workroom, f) for f in ("secretary_name", "other_members", "active")},
        "area_code": workroom.area_id,
        "area_name": workroom.area.name,
        "mediators": [{"id": u.pk, "name": u.display_name} for u in workroom.mediators.all()],
        "can_edit": mrules.may_manage_workroom(user, workroom.area_id),
    }


@router.get("/workrooms", response=list[WorkroomOut], summary="3+X 工作室列表")
def workroom_list(request, area: str = ""):
    return [workroom_out(w, request.user) for w in mselectors.workrooms_for(request.user, area=area)[:500]]


@router.post("/workrooms", response={201: WorkroomOut}, summary="设立 3+X 工作室（村、镇综治中心工作人员）")
def workroom_create(request, payload: WorkroomIn):
    workroom = services.workroom_save(actor=request.user, data=payload.dict())
    return HttpStatus(201, workroom_out(workroom, request.user))


@router.get("/workrooms/{workroom_id}", response=WorkroomOut, summary="3+X 工作室详情")
def workroom_detail(request, workroom_id: int):
    return workroom_out(
        get_object_or_404(Workroom.objects.visible_to(request.user), pk=workroom_id), request.user
    )


@router.put("/workrooms/{workroom_id}", response=WorkroomOut, summary="修改 3+X 工作室成员")
def workroom_update(request, workroom_id: int, payload: WorkroomIn):
    workroom = get_object_or_404(Workroom.objects.visible_to(request.user), pk=workroom_id)
    workroom = services.workroom_save(actor=request.user, data=payload.dict(), workroom=workroom)
    return workroom_out(workroom, request.user)


@router.get(
    "/counts",
    response=list[CountsOut],
    summary="调解员办案统计（以案定补）：按结束日期统计主持、协助和成功的调解",
)
def mediation_counts(request, filters: Query[CountsFilter]):
    if not has_role(request.user, CENTRE_ROLES, filters.area):
        raise Http404
    since, until = parse_day(filters.since, "since"), parse_day(filters.until, "until")
    return mselectors.mediator_counts(area=filters.area, since=since, until=until)
