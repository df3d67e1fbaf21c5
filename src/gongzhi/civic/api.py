"""API /api/v1/points/civic: 法治家庭 (deduction items, ratings, revocation, offences, the public
list) and the 红黑榜 (reviews, nominations, decisions, publication, clearing, the public lists)."""

from datetime import date, datetime

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.responses import Status as HttpStatus

from gongzhi.areas.models import Area
from gongzhi.kernel.codes import prefix_q, scope_q
from gongzhi.kernel.errors import Conflict, DomainError
from gongzhi.kernel.jurisdiction import area_codes_for, has_role, requested_area_code
from gongzhi.people.models import Household, Person
from gongzhi.people.rules import OFFENCE_ROLES
from gongzhi.points import rules
from gongzhi.points.models import PointAccount

from . import services as civic
from .choices import LawFamilyStatus, ReviewStage
from .law import household_label
from .models import LawDeductionItem, LawFamilyRating, MoralNomination, MoralReview

router = Router(tags=["积分·法治家庭与红黑榜"])


# -- schemas ------------------------------------------------------------------------------------


class LawItemIn(Schema):
    county_code: str = Field("", description="县(区)编码（新增时必填）")
    aspect: str = Field(description="八个方面之一：law_abiding / harmony / rights / study / integrity / …")
    name: str
    points: int = Field(description="扣分（1–100）")
    active: bool = True


class LawItemOut(Schema):
    id: int
    area_code: str
    aspect: str
    aspect_label: str
    name: str
    points: int
    active: bool


class DeductionIn(Schema):
    item_id: int
    note: str = ""


class DeductionOut(Schema):
    item_id: int
    aspect: str
    aspect_label: str
    name: str
    points: int
    note: str


class RatingIn(Schema):
    household_id: int
    deductions: list[DeductionIn] = []
    rated_on: date | None = Field(None, description="评定日期，默认今天")


class RatingOut(Schema):
    id: int
    household_id: int
    household_name: str
    area_code: str
    rated_on: date
    score: int
    status: str
    status_label: str
    deductions: list[DeductionOut]
    veto_reason: str
    valid_until: date | None
    revoked_at: datetime | None
    revoke_reason: str


class RatingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RatingOut]


class RatingFilters(Schema):
    area: str = Field("", description="区划编码（其下各户）")
    status: str = Field("", description="certified / failed / vetoed / revoked")
    due: bool = Field(False, description="只看待复核（有效期 60 天内届满或已届满）")
    current: bool = Field(True, description="只看各户最近一次评定")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class CivicReasonIn(Schema):
    reason: str


class PublicHouseholdOut(Schema):
    name: str = Field(description="户名（户主姓名 + 户），不含身份信息")
    village: str
    grid: str
    rated_on: date
    valid_until: date | None


class OffenceIn(Schema):
    person_id: int
    occurred_on: date
    kind: str = Field(description="违法 / 犯罪")
    description: str
    authority: str = ""


class OffenceOut(Schema):
    id: int
    person_id: int
    person_name: str
    area_code: str
    occurred_on: date
    kind: str
    description: str
    authority: str
    recorded_by: str
    created_at: datetime


class ReviewIn(Schema):
    area_code: str = Field(description="村(社区)编码")
    quarter: str = Field(description="季度，如 2026Q2")


class ReviewOut(Schema):
    id: int
    area_code: str
    area_name: str
    quarter: str
    stage: str
    stage_label: str
    publish_from: date | None
    publish_until: date | None
    created_at: datetime


class NominationOut(Schema):
    id: int
    review_id: int
    board: str
    board_label: str
    account_id: int
    account_name: str
    reason: str
    evidence: str
    status: str
    status_label: str
    review_note: str
    nominated_by: str
    reviewed_at: datetime | None
    cleared_at: datetime | None
    clear_reason: str
    photos: list[str]
    created_at: datetime


class ReviewDetailOut(ReviewOut):
    nominations: list[NominationOut]


class NominationIn(Schema):
    board: str = Field(description="red / black（居民只能推荐红榜）")
    account_id: int
    reason: str
    evidence: str = ""


class NominationDecideIn(Schema):
    accept: bool
    note: str = ""


class PublishIn(Schema):
    publish_from: date | None = Field(None, description="默认今天")
    publish_until: date | None = Field(None, description="默认开始后第 7 天")


class PublicEntryOut(Schema):
    name: str = Field(description="红榜全名；黑榜仅姓氏加 *")
    reason: str


class PublicListsOut(Schema):
    quarter: str
    village: str
    publish_from: date | None
    publish_until: date | None
    red: list[PublicEntryOut]
    black: list[PublicEntryOut]


# -- helpers ------------------------------------------------------------------------------------


def _item_out(i: LawDeductionItem) -> dict:
    return {"id": i.pk, "area_code": i.area_id, "aspect": i.aspect, "aspect_label": i.get_aspect_display(),
            "name": i.name, "points": i.points, "active": i.active}  # fmt: skip


def _rating_out(r: LawFamilyRating) -> dict:
    head = getattr(r, "head_name", None)
    if head is None:
        head = civic.with_household_name(LawFamilyRating.objects.filter(pk=r.pk)).values_list(
            "head_name", flat=True
        )[0]
    return {
        **{f: getattr(r, f) for f in ("id", "household_id", "rated_on", "score", "status", "deductions")},
        **{f: getattr(r, f) for f in ("veto_reason", "valid_until", "revoked_at", "revoke_reason")},
        "household_name": household_label(head, r.household.household_no),
        "area_code": r.area_id,
        "status_label": r.get_status_display(),
    }


def _offence_out(o) -> dict:
    return {
        **{f: getattr(o, f) for f in ("id", "person_id", "occurred_on", "kind", "description", "authority")},
        "person_name": o.person.name, "area_code": o.area_id, "created_at": o.created_at,
        "recorded_by": o.recorded_by.display_name if o.recorded_by else "",
    }  # fmt: skip


def _review_out(r: MoralReview) -> dict:
    return {
        **{f: getattr(r, f) for f in ("id", "quarter", "stage", "publish_from", "publish_until", "created_at")},
        "area_code": r.area_id, "area_name": r.area.name, "stage_label": r.get_stage_display(),
    }  # fmt: skip


def _nomination_out(n: MoralNomination) -> dict:
    return {
        **{f: getattr(n, f) for f in ("id", "review_id", "board", "account_id", "reason", "evidence", "status")},
        **{f: getattr(n, f) for f in ("review_note", "reviewed_at", "cleared_at", "clear_reason", "created_at")},
        "board_label": n.get_board_display(), "account_name": n.account.name, "status_label": n.get_status_display(),
        "nominated_by": n.nominated_by.display_name if n.nominated_by else "",
        "photos": [p.url for p in n.photos.all()],
    }  # fmt: skip


def _my_area(request, area: str) -> str:
    """The area a listing is about: the one asked for (if at, below or above the user's areas, or
    their village) or their first; anything else is a 404."""
    return requested_area_code(request, value=area, residents=True, up_the_line=True)


def _reviews(request):
    """Reviews the user reaches: as staff of the village, or as one of its residents."""
    villages = civic.resident_villages(request.user)
    staff = civic.reviews_for_staff(request.user)
    return MoralReview.objects.filter(Q(pk__in=staff.values("pk")) | Q(area_id__in=villages))


def _staff_review(request, review_id: int) -> MoralReview:
    return get_object_or_404(civic.reviews_for_staff(request.user).select_related("area"), pk=review_id)


def _staff_nomination(request, nomination_id: int) -> MoralNomination:
    qs = MoralNomination.objects.filter(review__in=civic.reviews_for_staff(request.user).values("pk"))
    return get_object_or_404(
        qs.select_related("review", "review__area", "account", "nominated_by"), pk=nomination_id
    )


# -- 法治家庭 ------------------------------------------------------------------------------------


@router.get("/law-items", response=list[LawItemOut], summary="法治家庭扣分项（本县，八个方面）")
def law_items(request, area: str = ""):
    code = _my_area(request, area)
    return [_item_out(i) for i in civic.law_items_for(code, active_only=False).order_by("aspect", "pk")]


@router.post("/law-items", response={201: LawItemOut}, summary="新增扣分项（县综治中心）")
def law_item_create(request, payload: LawItemIn):
    item = civic.law_item_save(actor=request.user, county_code=payload.county_code, data=payload.dict())
    return HttpStatus(201, _item_out(item))


@router.put("/law-items/{item_id}", response=LawItemOut, summary="修改或停用扣分项（已作出的评定不受影响）")
def law_item_update(request, item_id: int, payload: LawItemIn):
    codes = area_codes_for(request.user, roles=rules.COUNTY_CATALOGUE_ROLES)
    item = get_object_or_404(LawDeductionItem.objects.filter(scope_q("area_id", codes)), pk=item_id)
    data = payload.dict(exclude={"county_code"})
    return _item_out(civic.law_item_save(actor=request.user, county_code=item.area_id, item=item, data=data))


@router.get("/law-families", response=RatingPage, summary="法治家庭评定列表（状态、待复核）")
def law_families(request, filters: Query[RatingFilters]):
    qs = civic.ratings_for_staff(request.user)
    if filters.area:
        qs = qs.filter(prefix_q("area_id", filters.area))
    if filters.due:
        qs = civic.ratings_due(qs)
    elif filters.current:
        qs = civic.current_ratings(qs).order_by("-rated_on", "-pk")
    if filters.status:
        if filters.status not in LawFamilyStatus.values:
            raise DomainError(f"状态「{filters.status}」无效。", field="status")
        qs = qs.filter(status=filters.status)
    qs = civic.with_household_name(qs.select_related("household"))
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [_rating_out(r) for r in page]}  # fmt: skip


@router.post("/law-families", response={201: RatingOut}, summary="评定法治家庭（扣分、一票否决、有效期两年）")
def law_family_rate(request, payload: RatingIn):
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=payload.household_id)
    rating = civic.household_rate(actor=request.user, household=household, rated_on=payload.rated_on,
                                  deductions=[d.dict() for d in payload.deductions])  # fmt: skip
    return HttpStatus(201, _rating_out(rating))


@router.get(
    "/law-families/public",
    response=list[PublicHouseholdOut],
    summary="本村法治家庭公示名单（户名与村、网格）",
)
def law_families_public(request, village: str = ""):
    code = _my_area(request, village)
    if len(code) < 12:
        raise Http404
    return civic.certified_households(village_code=code[:12])


@router.get("/law-families/{rating_id}", response=RatingOut, summary="评定详情")
def law_family_detail(request, rating_id: int):
    return _rating_out(get_object_or_404(civic.ratings_for_staff(request.user), pk=rating_id))


@router.post(
    "/law-families/{rating_id}/revoke", response=RatingOut, summary="撤销法治家庭资格（如群众评议不符合）"
)
def law_family_revoke(request, rating_id: int, payload: CivicReasonIn):
    rating = get_object_or_404(civic.ratings_for_staff(request.user), pk=rating_id)
    return _rating_out(civic.household_revoke(actor=request.user, rating=rating, reason=payload.reason))


@router.get("/offences", response=list[OffenceOut], summary="违法犯罪记录（敏感，仅辖区工作人员，查阅留痕）")
def offences(request, area: str = ""):
    area = requested_area_code(request, OFFENCE_ROLES, value=area, default=False)
    return [_offence_out(o) for o in civic.offence_list(actor=request.user, area_code=area)[:500]]


@router.post("/offences", response={201: OffenceOut}, summary="登记违法犯罪记录（自动撤销该户法治家庭资格）")
def offence_create(request, payload: OffenceIn):
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=payload.person_id)
    data = payload.dict(exclude={"person_id"})
    return HttpStatus(201, _offence_out(civic.offence_record(actor=request.user, person=person, **data)))


# -- 红黑榜 --------------------------------------------------------------------------------------


@router.get(
    "/reviews", response=list[ReviewOut], summary="红黑榜评议（工作人员：辖区全部；居民：本村公示中的）"
)
def reviews(request, area: str = "", quarter: str = "", stage: str = ""):
    if has_role(request.user, rules.READ_ROLES):
        qs = civic.reviews_for_staff(request.user)
    else:
        qs = civic.public_reviews(request.user)
    if area:
        qs = qs.filter(prefix_q("area_id", area))
    qs = qs.filter(quarter=quarter) if quarter else qs
    qs = qs.filter(stage=stage) if stage else qs
    return [_review_out(r) for r in qs.select_related("area").order_by("-quarter", "area_id")[:500]]


@router.post("/reviews", response={201: ReviewOut}, summary="开展一个季度的红黑榜评议（每村每季度一次）")
def review_create(request, payload: ReviewIn):
    area = get_object_or_404(Area.objects.visible_to(request.user), code=payload.area_code)
    return HttpStatus(
        201, _review_out(civic.review_open(actor=request.user, area=area, quarter=payload.quarter))
    )


@router.get("/reviews/{review_id}", response=ReviewDetailOut, summary="评议详情与全部提名（工作人员）")
def review_detail(request, review_id: int):
    review = _staff_review(request, review_id)
    noms = review.nominations.select_related("account", "nominated_by").prefetch_related("photos")
    return {**_review_out(review), "nominations": [_nomination_out(n) for n in noms]}


@router.post("/reviews/{review_id}/start", response=ReviewOut, summary="截止提名，开始评议")
def review_start(request, review_id: int):
    return _review_out(civic.review_start(actor=request.user, review=_staff_review(request, review_id)))


@router.post(
    "/reviews/{review_id}/nominations", response={201: NominationOut}, summary="提名红榜或黑榜（附佐证）"
)
def nomination_create(request, review_id: int, payload: NominationIn):
    review = get_object_or_404(_reviews(request).select_related("area"), pk=review_id)
    account = get_object_or_404(
        PointAccount.objects.filter(prefix_q("area_id", review.area_id)), pk=payload.account_id
    )
    n = civic.nominate(actor=request.user, review=review, board=payload.board, account=account,
                       reason=payload.reason, evidence=payload.evidence)  # fmt: skip
    return HttpStatus(201, _nomination_out(n))


@router.post(
    "/nominations/{nomination_id}/photos", response=NominationOut, summary="为提名补充佐证照片（提名阶段）"
)
def nomination_photos(request, nomination_id: int, photos: File[list[UploadedFile]]):
    from gongzhi.points.services import MAX_PHOTOS, encode_photos, save_evidence

    mine = MoralNomination.objects.filter(nominated_by=request.user)
    staff = MoralNomination.objects.filter(review__in=civic.reviews_for_staff(request.user).values("pk"))
    n = get_object_or_404((mine | staff).select_related("review", "account"), pk=nomination_id)
    if n.review.stage != ReviewStage.NOMINATING:
        raise Conflict("评议已截止提名，不能再补充照片。")
    if n.photos.count() + len(photos) > MAX_PHOTOS:
        raise DomainError(f"每条提名最多 {MAX_PHOTOS} 张照片。", field="photos")
    save_evidence(encode_photos([(p.name, p.read()) for p in photos]), nomination=n)
    return _nomination_out(n)


@router.post("/nominations/{nomination_id}/decide", response=NominationOut, summary="评议提名：上榜或不上榜")
def nomination_decide(request, nomination_id: int, payload: NominationDecideIn):
    n = _staff_nomination(request, nomination_id)
    return _nomination_out(civic.nomination_decide(actor=request.user, nomination=n, **payload.dict()))


@router.post(
    "/reviews/{review_id}/publish", response=ReviewOut, summary="公示红黑榜（默认 7 天）并通知上榜人"
)
def review_publish(request, review_id: int, payload: PublishIn):
    review = _staff_review(request, review_id)
    return _review_out(civic.review_publish(actor=request.user, review=review, **payload.dict()))


@router.post("/reviews/{review_id}/close", response=ReviewOut, summary="结束评议（撤下公示）")
def review_close(request, review_id: int):
    return _review_out(civic.review_close(actor=request.user, review=_staff_review(request, review_id)))


@router.post(
    "/nominations/{nomination_id}/clear", response=NominationOut, summary="黑榜整改销号（留档，不删除）"
)
def nomination_clear(request, nomination_id: int, payload: CivicReasonIn):
    n = _staff_nomination(request, nomination_id)
    return _nomination_out(civic.black_clear(actor=request.user, nomination=n, reason=payload.reason))


@router.get("/reviews/{review_id}/public", response=PublicListsOut, summary="公示中的红黑榜（黑榜姓名脱敏）")
def review_public(request, review_id: int):
    review = get_object_or_404(_reviews(request).select_related("area"), pk=review_id)
    # Residents see a list only during its window; staff of the village may preview it.
    if not civic.in_window(review) and not civic.is_staff_for(request.user, review):
        raise Http404
    return {"quarter": review.quarter, "village": review.area.name, "publish_from": review.publish_from,
            "publish_until": review.publish_until, **civic.public_lists(review)}  # fmt: skip
