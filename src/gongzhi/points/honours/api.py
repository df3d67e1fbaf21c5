"""API /api/v1/points/boards: rankings, participation, 积分之星, 积分分享大会 and their roll of honour."""

from datetime import date

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from gongzhi.areas.models import Area
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.office import DOCX, docx_response

from ..choices import Star, Subject
from . import selectors
from . import services as honours
from .docx import roll_of_honour_docx
from .models import MeetingAwardee, SharingMeeting, StarAward

router = Router(tags=["积分"])


class BoardFilters(Schema):
    area_code: str = Field("", description="区域编码（默认为本人第一个辖区或所在村）")
    period: str = Field("year", description="all、2026、2026Q4、2026-11，或 month/quarter/year（本期）")
    subject: str = Field(
        Subject.RESIDENT, description="积分主体：resident/party_member/household/organization/staff"
    )
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class BoardRowOut(Schema):
    rank: int
    account_id: int
    name: str
    area_code: str
    score: int


class BoardOut(Schema):
    area_code: str
    period: str
    subject: str
    count: int
    limit: int
    offset: int
    items: list[BoardRowOut]


class ParticipationRowOut(Schema):
    subject: str
    label: str
    active: int
    total: int
    rate: float | None = Field(description="参与率（%），一位小数；无账户时为 null")


class ParticipationOut(Schema):
    area_code: str
    period: str
    rows: list[ParticipationRowOut]


class StarBoardOut(Schema):
    star: str
    label: str
    items: list[BoardRowOut]
    chosen: list[int] = Field(description="已评选为该类积分之星的账户")


class StarsOut(Schema):
    area_code: str
    period: str
    boards: list[StarBoardOut]


class StarsIn(Schema):
    area_code: str = Field(description="村(社区)编码")
    period: str
    star: str
    account_ids: list[int]


class StarAwardOut(Schema):
    id: int
    area_code: str
    period: str
    star: str
    account_id: int
    name: str
    score: int


class MeetingIn(Schema):
    area_code: str = Field("", description="村(社区)编码（新建时必填）")
    title: str
    held_on: date
    place: str
    notes: str = ""


class AwardeeIn(Schema):
    account_id: int
    honour: str
    prize: str = ""


class AwardeesIn(Schema):
    rows: list[AwardeeIn]


class AwardeeOut(Schema):
    account_id: int
    name: str
    honour: str
    prize: str


class MeetingOut(Schema):
    id: int
    area_code: str
    area_name: str
    title: str
    held_on: date
    place: str
    notes: str
    awardees: list[AwardeeOut]
    roll_url: str = Field(description="光荣榜 .docx 下载地址")


def _area_code(request, code: str) -> str:
    return selectors.requested_board_area_code(request, code)


def _period(text: str) -> str:
    return selectors.parse_period(text)


@router.get("", response=BoardOut, summary="积分排行：区域（含下级）、周期、积分主体；同分同名次")
def board(request, filters: Query[BoardFilters]):
    code, period = _area_code(request, filters.area_code), _period(filters.period)
    rows = selectors.board(area_code=code, period=period, subject=filters.subject, limit=filters.limit,
                           offset=filters.offset)  # fmt: skip
    return {"area_code": code, "period": period, "subject": filters.subject, "limit": filters.limit,
            "offset": filters.offset, "items": rows,
            "count": selectors.board_count(area_code=code, period=period, subject=filters.subject)}  # fmt: skip


@router.get(
    "/participation", response=ParticipationOut, summary="参与率：周期内有积分记录的账户 ÷ 全部账户，按主体"
)
def participation(request, area_code: str = "", period: str = "year"):
    code, period = _area_code(request, area_code), _period(period)
    if not selectors.is_board_staff(request.user, code):
        raise Http404
    return {
        "area_code": code,
        "period": period,
        "rows": selectors.participation(area_code=code, period=period),
    }


@router.get("/stars", response=StarsOut, summary="积分之星五类得分榜及已评选者")
def stars(
    request, area_code: str = "", period: str = "year", star: str = "", limit: int = Query(10, ge=1, le=100)
):
    code, period = _area_code(request, area_code), _period(period)
    kinds = [Star(selectors.check_star(star))] if star else list(Star)
    chosen: dict[str, list[int]] = {}
    for award in StarAward.objects.visible_to(request.user).filter(area_id=code, period=period):
        chosen.setdefault(award.star, []).append(award.account_id)
    return {"area_code": code, "period": period, "boards": [
        {"star": s.value, "label": s.label, "chosen": chosen.get(s.value, []),
         "items": selectors.star_board(area_code=code, period=period, star=s.value, limit=limit)}
        for s in kinds
    ]}  # fmt: skip


@router.post("/stars", response=list[StarAwardOut], summary="评选积分之星（村(社区)、镇、县综治中心）")
def stars_choose(request, payload: StarsIn):
    area = get_object_or_404(Area, code=_area_code(request, payload.area_code))
    awards = honours.star_awards_choose(actor=request.user, area=area, period=payload.period, star=payload.star,
                                        account_ids=payload.account_ids)  # fmt: skip
    return [{"id": a.pk, "area_code": a.area_id, "period": a.period, "star": a.star, "account_id": a.account_id,
             "name": a.account.name, "score": a.score} for a in awards]  # fmt: skip


def _meeting_out(meeting: SharingMeeting, awardees=None) -> dict:
    """A meeting with its roll; `awardees` when the caller prefetched them (a list of meetings)."""
    if awardees is None:
        awardees = meeting.awardees.select_related("account")
    return {
        "id": meeting.pk, "area_code": meeting.area_id, "area_name": meeting.area.name, "title": meeting.title,
        "held_on": meeting.held_on, "place": meeting.place, "notes": meeting.notes,
        "awardees": [{"account_id": a.account_id, "name": a.account.name, "honour": a.honour, "prize": a.prize}
                     for a in awardees],
        "roll_url": f"/points/boards/meetings/{meeting.pk}/roll.docx",
    }  # fmt: skip


def _meeting(request, meeting_id: int) -> SharingMeeting:
    return get_object_or_404(
        SharingMeeting.objects.visible_to(request.user).select_related("area"), pk=meeting_id
    )


@router.get("/meetings", response=list[MeetingOut], summary="积分分享大会列表")
def meetings(
    request, area_code: str = "", limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0)
):
    # Area, meetings and every awardee with its account: three queries for the page, not one per meeting.
    awardees = Prefetch("awardees", queryset=MeetingAwardee.objects.select_related("account"))
    qs = (
        SharingMeeting.objects.visible_to(request.user)
        .select_related("area")
        .prefetch_related(awardees)
        .order_by("-held_on", "-pk")
    )
    if area_code:
        qs = qs.filter(prefix_q("area_id", area_code))
    return [_meeting_out(m, m.awardees.all()) for m in qs[offset : offset + limit]]


@router.post("/meetings", response={201: MeetingOut}, summary="登记积分分享大会")
def meeting_create(request, payload: MeetingIn):
    if not payload.area_code:
        raise DomainError("请填写村(社区)编码。", field="area_code")
    area = get_object_or_404(Area, code=_area_code(request, payload.area_code))
    meeting = honours.meeting_save(actor=request.user, area=area, data=payload.dict())
    return HttpStatus(201, _meeting_out(meeting))


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="积分分享大会详情与光荣榜")
def meeting_detail(request, meeting_id: int):
    return _meeting_out(_meeting(request, meeting_id))


@router.put("/meetings/{meeting_id}", response=MeetingOut, summary="修改积分分享大会")
def meeting_update(request, meeting_id: int, payload: MeetingIn):
    meeting = honours.meeting_save(
        actor=request.user, meeting=_meeting(request, meeting_id), data=payload.dict()
    )
    return _meeting_out(meeting)


@router.put("/meetings/{meeting_id}/awardees", response=MeetingOut, summary="设置光荣榜（整体替换）")
def meeting_awardees(request, meeting_id: int, payload: AwardeesIn):
    meeting = _meeting(request, meeting_id)
    honours.meeting_awardees_set(actor=request.user, meeting=meeting, rows=[r.dict() for r in payload.rows])
    return _meeting_out(meeting)


@router.get(
    "/meetings/{meeting_id}/roll",
    summary="下载光荣榜（.docx）",
    openapi_extra={"responses": {200: {"description": "光荣榜（Word 文档）",
                                       "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}}},
)  # fmt: skip
def meeting_roll(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return docx_response(f"{meeting.area.name}{meeting.title}光荣榜.docx", roll_of_honour_docx(meeting))
