"""API: /api/v1/cases — intake with Idempotency-Key, queues, detail, timeline, one endpoint per
action, photos; and /api/v1/stats/cases."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.responses import Status as HttpStatus

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.images import reencode
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.text import limit

from . import rules, selectors, workflow
from .choices import Action
from .models import Case
from .services import MAX_PHOTOS, case_submit_once, save_photos

router = Router(tags=["事件"])
stats_router = Router(tags=["统计"])


class PartyIn(Schema):
    person_id: int | None = None
    organization_id: int | None = None
    name: str = ""
    side: str = "当事人"


# Dates in query strings are written out; pydantic would otherwise read "0" as 1970-01-01.
DATE_PATTERN = r"^$|^\d{4}-\d{2}-\d{2}$"


def parse_day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"{field} 不是有效日期（YYYY-MM-DD）。", field=field) from None


class CaseIn(Schema):
    channel: str = "h5"
    kind: str
    category: str = ""
    title: str = Field("", max_length=limit(Case, "title"))
    description: str = Field(max_length=limit(Case, "description"))
    urgency: str = "normal"
    concern: str = "low"
    area_code: str = Field(description="事发村(社区)或网格编码")
    lat: float | None = None
    lng: float | None = None
    address: str = Field("", max_length=limit(Case, "address"))
    anonymous: bool = False
    contact_name: str = Field("", max_length=limit(Case, "contact_name"))
    contact_phone: str = ""
    parties: list[PartyIn] = []


class EventOut(Schema):
    action: str
    action_label: str
    actor: str
    from_status: str
    to_status: str
    note: str
    created_at: datetime
    photos: list[str]


class CaseOut(Schema):
    id: int
    number: str
    channel: str
    kind: str
    category: str
    title: str
    description: str
    urgency: str
    concern: str
    status: str
    status_label: str
    area_code: str
    handling_area_code: str
    address: str
    lat: float | None
    lng: float | None
    contact_phone: str = Field(description="脱敏显示")
    assignee: str | None
    supervision: str
    accept_due: datetime | None
    resolve_due: datetime | None
    rating: str
    rework_count: int
    created_at: datetime
    actions: list[str] = Field(description="当前用户可执行的操作")


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseOut]


class CaseFilters(Schema):
    queue: str = ""
    status: str = ""
    area: str = ""
    kind: str = ""
    q: str = ""
    since: str = Field("", pattern=DATE_PATTERN, description="起始日期 YYYY-MM-DD")
    until: str = Field("", pattern=DATE_PATTERN, description="截止日期 YYYY-MM-DD（含）")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class ActionIn(Schema):
    note: str = Field("", description="说明、理由、处置情况或评价意见")
    user_id: int | None = Field(None, description="assign：承办人")
    department_id: int | None = Field(None, description="assign：职能部门")
    area_code: str = Field("", description="delegate：下级综治中心")
    until: datetime | None = Field(None, description="extend_request：申请延至")
    approve: bool | None = Field(None, description="extend_decide：是否同意")
    level: str = Field("", description="supervise：normal / yellow / red")
    rating: str = Field("", description="rate：satisfied / basically / dissatisfied")
    into_id: int | None = Field(None, description="merge：并入的事件")
    internal: bool = Field(False, description="note：仅内部可见")


def case_out(case: Case, user) -> dict:
    assignee = case.assignee_user.display_name if case.assignee_user else (
        case.assignee_department.name if case.assignee_department else None)  # fmt: skip
    return {
        **{
            f: getattr(case, f)
            for f in ("id", "number", "channel", "kind", "category", "title", "description")
        },
        **{
            f: getattr(case, f)
            for f in ("urgency", "concern", "status", "address", "lat", "lng", "supervision")
        },
        **{
            f: getattr(case, f) for f in ("accept_due", "resolve_due", "rating", "rework_count", "created_at")
        },
        "status_label": case.get_status_display(),
        "area_code": case.area_id,
        "handling_area_code": case.handling_area_id,
        "contact_phone": case.contact_phone_masked,
        "assignee": assignee,
        "actions": rules.available_actions(user, case),
    }


@router.post(
    "/", response={200: CaseOut, 201: CaseOut}, summary="反映问题/登记事件（Idempotency-Key 防重复）"
)
def case_create(request, payload: CaseIn):
    key = request.headers.get("Idempotency-Key", "")
    data = payload.dict()
    data["parties"] = [p for p in data["parties"]]
    case, created = case_submit_once(actor=request.user, data=data, idempotency_key=key)
    return HttpStatus(201 if created else 200, case_out(case, request.user))


@router.get("/", response=CasePage, summary="事件列表与工作队列（pending/todo/due_soon/overdue/supervised）")
def case_list(request, filters: Query[CaseFilters]):
    f = filters.dict()
    f["since"], f["until"] = parse_day(f["since"], "since"), parse_day(f["until"], "until")
    qs = selectors.cases_for(
        request.user, **{k: f[k] for k in ("queue", "status", "area", "kind", "q", "since", "until")}
    )
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [case_out(c, request.user) for c in items]}  # fmt: skip


def _case(request, case_id: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)


@router.get("/{case_id}", response=CaseOut, summary="事件详情")
def case_detail(request, case_id: int):
    return case_out(_case(request, case_id), request.user)


@router.get("/{case_id}/timeline", response=list[EventOut], summary="办理过程（反映人看不到内部记录）")
def case_timeline(request, case_id: int):
    case = _case(request, case_id)
    for_reporter = (
        not has_role(request.user, rules.AREA_READ_ROLES) and case.reporter_user_id == request.user.pk
    )
    return [
        {
            "action": e.action,
            "action_label": e.get_action_display(),
            "actor": e.actor_name,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "created_at": e.created_at,
            "photos": [p.url for p in e.photos.all()],
        }  # fmt: skip
        for e in selectors.timeline(case, for_reporter=for_reporter)
    ]


@router.post("/{case_id}/photos", response=list[str], summary="上传照片（最多 9 张，仅限图片，去除位置信息）")
def case_photos(request, case_id: int, photos: File[list[UploadedFile]]):

    case = _case(request, case_id)
    if case.reporter_user_id != request.user.pk and not rules.is_centre_staff(request.user, case) \
            and not rules.is_assignee(request.user, case):  # fmt: skip
        raise DomainError("只有反映人、承办人或承办综治中心可以上传照片。", field="photos")
    if case.photos.count() + len(photos) > MAX_PHOTOS:
        raise DomainError(f"每件事最多 {MAX_PHOTOS} 张照片。", field="photos")
    encoded = [(p.name, *reencode(p.read(), name=f"照片「{p.name}」")) for p in photos]
    save_photos(case, case.events.order_by("-pk").first(), encoded)
    return [p.url for p in case.photos.all()]


def _do(request, case_id: int, action: str, payload: ActionIn) -> dict:
    case = workflow.case_perform(
        case=_case(request, case_id), actor=request.user, action=action, **payload.dict()
    )
    return case_out(case, request.user)


def _register(action: str) -> None:
    def endpoint(request, case_id: int, payload: ActionIn):
        return _do(request, case_id, action, payload)

    endpoint.__name__ = f"case_{action}"
    router.post(
        f"/{{case_id}}/{action}",
        response=CaseOut,
        summary=Action(action).label,
        operation_id=f"case_{action}",
    )(endpoint)


for _action in workflow.ACTIONS:
    _register(_action)


class StatsOut(Schema):
    area: str
    since: date | None
    until: date | None
    counts: dict
    response_rate: float | None
    closure_rate: float | None
    on_time_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    rework_rate: float | None
    mediation_success_rate: float | None = Field(description="调解成功率 = 调解成功 ÷ 已结束的调解")
    settled_share: dict


@stats_router.get(
    "/cases",
    response=StatsOut,
    summary="事件统计：受理率、办结率、按期办结率、解决率、满意率、返工率、调解成功率、化解层级",
)
def stats_cases(request, area: str, since: date | None = None, until: date | None = None):
    if not has_role(request.user, rules.AREA_READ_ROLES, area):
        from django.http import Http404

        raise Http404
    return {
        "area": area,
        "since": since,
        "until": until,
        **selectors.case_stats(area=area, since=since, until=until),
    }
