"""API: /api/v1/people, /households, /organizations — scoped, masked, audited."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from gongzhi.kernel.api import Page, paginate
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.text import limit

from . import selectors, services
from .models import Household, Organization, Person

people_router = Router(tags=["实有人口"])
households_router = Router(tags=["户"])
organizations_router = Router(tags=["单位/组织"])


class PersonFilters(Page):
    q: str = ""
    area: str = ""
    tag: str = ""
    kind: str = ""
    colour: str = ""


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date
    ethnicity: str
    id_type: str
    id_number: str = Field(description="脱敏显示；完整号码须调用 reveal 接口")
    phone: str = Field(description="脱敏显示")
    political_status: str
    education: str
    marital_status: str
    occupation: str
    workplace: str
    kind: str
    extra: dict
    area_code: str = Field(description="现住网格编码")
    address: str
    hukou_area_code: str | None
    hukou_address: str
    household_id: int | None
    relation: str
    tags: list[str]


class PersonIn(Schema):
    name: str = Field(max_length=limit(Person, "name"))
    id_type: str = "resident_id"
    id_number: str = Field("", description="新建时必填；修改时留空表示不变")
    gender: str = ""
    birth_date: str = Field("", description="YYYY-MM-DD；居民身份证可留空")
    phone: str = Field("", description="修改时留空表示不变")
    ethnicity: str = "汉族"
    political_status: str = "群众"
    education: str = ""
    marital_status: str = ""
    occupation: str = Field("", max_length=limit(Person, "occupation"))
    workplace: str = Field("", max_length=limit(Person, "workplace"))
    kind: str = "registered"
    extra: dict = {}
    area_code: str
    address: str = Field(max_length=limit(Person, "address"))
    hukou_area_code: str = ""
    hukou_address: str = Field("", max_length=limit(Person, "hukou_address"))
    relation: str = ""
    tags: list[str] = []


class RevealIn(Schema):
    field: str = Field(description="id_number 或 phone")
    reason: str


class RevealOut(Schema):
    field: str
    value: str


def _person(p: Person) -> dict:
    return {
        **{f: getattr(p, f) for f in ("id", "name", "gender", "birth_date", "ethnicity", "id_type")},
        **{
            f: getattr(p, f)
            for f in ("political_status", "education", "marital_status", "occupation", "workplace")
        },
        "id_number": p.id_number_masked,
        "phone": p.phone_masked,
        "kind": p.kind,
        "extra": p.extra,
        "area_code": p.area_id,
        "address": p.address,
        "hukou_area_code": p.hukou_area_id,
        "hukou_address": p.hukou_address,
        "household_id": p.household_id,
        "relation": p.relation,
        "tags": [t.tag for t in p.tags.all()],
    }


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


@people_router.get("/", response=PersonPage, summary="人员列表（按辖区、可筛选、脱敏）")
def person_list(request, filters: Query[PersonFilters]):
    f = filters.dict()
    qs = selectors.people_for(request.user, **{k: f[k] for k in ("q", "area", "tag", "kind", "colour")})
    return paginate(qs.prefetch_related("tags"), filters, _person)


@people_router.get("/{person_id}", response=PersonOut, summary="人员详情（查看记入审计）")
def person_detail(request, person_id: int):
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=person_id)
    selectors.person_read(request.user, person, channel="api")
    return _person(person)


@people_router.post("/", response={201: PersonOut}, summary="登记人员")
def person_create(request, payload: PersonIn):
    person = services.person_save(actor=request.user, data=payload.dict())
    return Status(201, _person(person))


@people_router.put("/{person_id}", response=PersonOut, summary="修改人员")
def person_update(request, person_id: int, payload: PersonIn):
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=person_id)
    return _person(services.person_save(actor=request.user, data=payload.dict(), person=person))


@people_router.post(
    "/{person_id}/reveal", response=RevealOut, summary="查看完整证件号码或电话（须填事由，记入审计）"
)
def person_reveal(request, person_id: int, payload: RevealIn):
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=person_id)
    value = services.identifier_reveal(
        actor=request.user, obj=person, field=payload.field, reason=payload.reason
    )
    return {"field": payload.field, "value": value}


class HouseholdFilters(Page):
    q: str = ""
    area: str = ""
    colour: str = ""


class MemberOut(Schema):
    id: int
    name: str
    relation: str
    gender: str
    birth_date: date


class HouseholdOut(Schema):
    id: int
    household_no: str
    area_code: str
    address: str
    care_colour: str
    care_reason: str
    member_count: int
    members: list[MemberOut] | None = None


class HouseholdIn(Schema):
    household_no: str
    area_code: str
    address: str
    care_colour: str = "green"
    care_reason: str = ""


class MemberIn(Schema):
    person_id: int
    relation: str


class HouseholdPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[HouseholdOut]


def _household(h: Household, members=None) -> dict:
    return {
        **{f: getattr(h, f) for f in ("id", "household_no", "address", "care_colour", "care_reason")},
        "area_code": h.area_id,
        "member_count": getattr(h, "member_count", None) if members is None else len(members),
        "members": None
        if members is None
        else [
            {f: getattr(m, f) for f in ("id", "name", "relation", "gender", "birth_date")} for m in members
        ],
    }


@households_router.get("/", response=HouseholdPage, summary="户列表")
def household_list(request, filters: Query[HouseholdFilters]):
    f = filters.dict()
    qs = selectors.households_for(request.user, **{k: f[k] for k in ("q", "area", "colour")})
    return paginate(qs, filters, _household)


@households_router.get("/{household_id}", response=HouseholdOut, summary="户详情与成员")
def household_detail(request, household_id: int):
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=household_id)
    return _household(household, list(household.members.visible_to(request.user).order_by("birth_date")))


@households_router.post("/", response={201: HouseholdOut}, summary="登记户")
def household_create(request, payload: HouseholdIn):
    household = services.household_save(actor=request.user, data=payload.dict())
    return Status(201, _household(household, []))


@households_router.put("/{household_id}", response=HouseholdOut, summary="修改户（含三色等级）")
def household_update(request, household_id: int, payload: HouseholdIn):
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=household_id)
    household = services.household_save(actor=request.user, data=payload.dict(), household=household)
    return _household(household, list(household.members.order_by("birth_date")))


@households_router.post("/{household_id}/members", response=HouseholdOut, summary="加入成员")
def household_add_member(request, household_id: int, payload: MemberIn):
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=household_id)
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=payload.person_id)
    services.household_set_member(
        actor=request.user, household=household, person=person, relation=payload.relation
    )
    return _household(household, list(household.members.order_by("birth_date")))


class OrgFilters(Page):
    q: str = ""
    area: str = ""
    kind: str = ""


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    credit_code: str
    area_code: str
    address: str
    contact_name: str
    contact_phone: str = Field(description="脱敏显示")
    employees: int | None


class OrgIn(Schema):
    name: str
    kind: str
    credit_code: str = ""
    area_code: str
    address: str
    contact_name: str = ""
    contact_phone: str = Field("", description="修改时留空表示不变")
    employees: int | None = None


class OrgPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrgOut]


def _org(o: Organization) -> dict:
    return {
        **{
            f: getattr(o, f)
            for f in ("id", "name", "kind", "credit_code", "address", "contact_name", "employees")
        },
        "area_code": o.area_id,
        "contact_phone": o.contact_phone_masked,
    }


@organizations_router.get("/", response=OrgPage, summary="单位/组织列表")
def organization_list(request, filters: Query[OrgFilters]):
    f = filters.dict()
    return paginate(
        selectors.organizations_for(request.user, **{k: f[k] for k in ("q", "area", "kind")}), filters, _org
    )


@organizations_router.get("/{org_id}", response=OrgOut, summary="单位详情")
def organization_detail(request, org_id: int):
    return _org(get_object_or_404(Organization.objects.visible_to(request.user), pk=org_id))


@organizations_router.post("/", response={201: OrgOut}, summary="登记单位")
def organization_create(request, payload: OrgIn):
    return Status(201, _org(services.organization_save(actor=request.user, data=payload.dict())))


@organizations_router.put("/{org_id}", response=OrgOut, summary="修改单位")
def organization_update(request, org_id: int, payload: OrgIn):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_id)
    return _org(services.organization_save(actor=request.user, data=payload.dict(), organization=org))


@organizations_router.post(
    "/{org_id}/reveal", response=RevealOut, summary="查看完整联系电话（须填事由，记入审计）"
)
def organization_reveal(request, org_id: int, payload: RevealIn):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_id)
    if payload.field != "phone":
        raise DomainError("单位只能查看联系电话（phone）。", field="field")
    return {
        "field": "phone",
        "value": services.identifier_reveal(
            actor=request.user, obj=org, field="phone", reason=payload.reason
        ),
    }
