"""API /api/v1/points (core): my accounts, accounts and their ledgers, direct awards with an
Idempotency-Key, appeals and corrections; the catalogue and declarations are mounted from
catalogue.py and declarations.py of this package. Responses carry names, never ID numbers or phones."""

from datetime import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from gongzhi.kernel.api import Page, paginate
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import DomainError
from gongzhi.people.models import Household, Organization, Person

from .. import ledger, services
from ..choices import Subject
from ..models import PointAccount, PointAppeal, PointEntry, PointItem, own_account_ids
from ..subjects import account_of_resident, household_account_of_resident

router = Router(tags=["积分"])


# -- accounts -----------------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    subject: str
    subject_label: str
    name: str
    area_code: str
    balance: int = Field(description="可用积分（扣分可使其为负，兑换不会）")
    entry_count: int
    created_at: datetime


class TallyOut(Schema):
    period: str = Field(description="all / 2026 / 2026Q4 / 2026-11")
    score: int
    entries: int


class AccountDetailOut(AccountOut):
    person_id: int | None
    household_id: int | None
    organization_id: int | None
    tallies: list[TallyOut]


class AccountPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AccountOut]


def account_out(a: PointAccount) -> dict:
    """An account as the API shows it: name, subject, area, balance (no identifiers)."""
    return {
        **{f: getattr(a, f) for f in ("id", "subject", "name", "balance", "entry_count", "created_at")},
        "subject_label": a.get_subject_display(),
        "area_code": a.area_id,
    }


def _account(request, account_id: int) -> PointAccount:
    return get_object_or_404(PointAccount.objects.visible_to(request.user), pk=account_id)


@router.get("/me", response=list[AccountOut], summary="我的积分账户（本人、本户）及余额")
def me(request):
    accounts = [account_of_resident(request.user), household_account_of_resident(request.user)]
    found = {a.pk: a for a in accounts if a is not None}
    for a in PointAccount.objects.filter(pk__in=own_account_ids(request.user)).exclude(pk__in=list(found)):
        found[a.pk] = a
    return [account_out(a) for a in found.values()]


class AccountFilters(Page):
    area_code: str = ""
    subject: str = ""
    q: str = ""


@router.get("/accounts", response=AccountPage, summary="积分账户（管辖范围内，按区域、主体、名称）")
def account_list(request, filters: Query[AccountFilters]):
    qs = PointAccount.objects.visible_to(request.user)
    if filters.area_code:
        qs = qs.filter(prefix_q("area_id", filters.area_code))
    if filters.subject:
        if filters.subject not in Subject.values:
            raise DomainError(f"积分主体「{filters.subject}」无效。", field="subject")
        qs = qs.filter(subject=filters.subject)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    return paginate(qs.order_by("area_id", "name", "pk"), filters, account_out)


class AccountOpenIn(Schema):
    person_id: int | None = None
    household_id: int | None = None
    organization_id: int | None = None


@router.post(
    "/accounts", response={200: AccountDetailOut, 201: AccountDetailOut}, summary="开设积分账户（已有则返回）"
)
def account_open(request, payload: AccountOpenIn):
    given = {k: v for k, v in payload.dict().items() if v is not None}
    if len(given) != 1:
        raise DomainError("请指定 person_id、household_id、organization_id 中的一个。", field="person_id")
    ((field, pk),) = given.items()
    model = {"person_id": Person, "household_id": Household, "organization_id": Organization}[field]
    target = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    kind = field[:-3]
    existed = PointAccount.objects.filter(**{kind: target}).exists()
    account = services.account_open(actor=request.user, **{kind: target})
    return Status(200 if existed else 201, account_detail_out(account))


def account_detail_out(a: PointAccount) -> dict:
    """An account with its registry links and this year's, quarter's and month's tallies."""
    keys = ledger.period_keys(timezone.now())
    tallies = {t.period: t for t in a.tallies.filter(period__in=keys)}
    return {
        **account_out(a),
        "person_id": a.person_id,
        "household_id": a.household_id,
        "organization_id": a.organization_id,
        "tallies": [
            {"period": k, "score": tallies[k].score if k in tallies else 0,
             "entries": tallies[k].entries if k in tallies else 0}
            for k in keys
        ],
    }  # fmt: skip


@router.get(
    "/accounts/{account_id}", response=AccountDetailOut, summary="积分账户详情（余额与本年、本季、本月得分）"
)
def account_detail(request, account_id: int):
    return account_detail_out(_account(request, account_id))


class EntryOut(Schema):
    id: int
    account_id: int
    seq: int
    delta: int
    kind: str
    kind_label: str
    source: str
    source_label: str
    source_id: str
    item_id: int | None
    item_code: str
    item_name: str
    reason: str
    actor_name: str
    balance_after: int
    reverses_id: int | None = Field(description="本条冲销的记录")
    reversed: bool = Field(description="本条是否已被冲销")
    appeal_status: str | None = Field(description="申诉状态（无申诉为空）")
    created_at: datetime


class EntryPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EntryOut]


def entry_out(e: PointEntry, reversed_ids: set[int] | None = None, appeals: dict | None = None) -> dict:
    """A ledger entry, with whether it was reversed and the status of its appeal."""
    if reversed_ids is None:
        reversed_ids = ledger.reversed_ids([e])
    if appeals is None:
        appeals = dict(PointAppeal.objects.filter(entry=e).values_list("entry_id", "status"))
    return {
        **{
            f: getattr(e, f)
            for f in ("id", "account_id", "seq", "delta", "kind", "source", "source_id", "item_id")
        },
        **{f: getattr(e, f) for f in ("item_code", "item_name", "reason", "actor_name", "balance_after")},
        "kind_label": e.get_kind_display(),
        "source_label": e.get_source_display(),
        "reverses_id": e.reverses_id,
        "reversed": e.pk in reversed_ids,
        "appeal_status": appeals.get(e.pk),
        "created_at": e.created_at,
    }


@router.get("/accounts/{account_id}/entries", response=EntryPage, summary="积分流水（新的在前）")
def account_entries(request, account_id: int, page: Query[Page]):
    account = _account(request, account_id)
    qs = account.entries.order_by("-seq")
    rows = list(qs[page.offset : page.offset + page.limit])
    reversed_ids = ledger.reversed_ids(rows)
    appeals = dict(PointAppeal.objects.filter(entry__in=rows).values_list("entry_id", "status"))
    return {"count": account.entry_count, "limit": page.limit, "offset": page.offset,
            "items": [entry_out(e, reversed_ids, appeals) for e in rows]}  # fmt: skip


class AwardIn(Schema):
    item_id: int
    reason: str = Field(description="评定理由（至少 2 个字）")


def _item(item_id: int) -> PointItem:
    item = PointItem.objects.filter(pk=item_id).first()
    if item is None:
        raise DomainError(f"积分项目 {item_id} 不存在。", field="item_id")
    return item


@router.post(
    "/accounts/{account_id}/awards",
    response={200: EntryOut, 201: EntryOut},
    summary="直接加分或扣分（可带 Idempotency-Key 防重复）",
)
def account_award(
    request, account_id: int, payload: AwardIn, idempotency_key: str = Header("", alias="Idempotency-Key")
):
    account = _account(request, account_id)
    entry, created = services.direct_award_once(
        actor=request.user,
        account=account,
        item=_item(payload.item_id),
        reason=payload.reason,
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, entry_out(entry))


class ReasonIn(Schema):
    reason: str = Field(description="理由（必填）")


# -- appeals and corrections --------------------------------------------------------------------


class AppealOut(Schema):
    id: int
    entry_id: int
    account_id: int
    account_name: str
    area_code: str
    delta: int
    item_name: str
    reason: str
    status: str
    status_label: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    reversal_id: int | None
    created_at: datetime


class AppealPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AppealOut]


def appeal_out(a: PointAppeal) -> dict:
    """An appeal with the deduction it contests."""
    return {
        **{f: getattr(a, f) for f in ("id", "entry_id", "account_id", "reason", "status", "decided_at")},
        **{f: getattr(a, f) for f in ("decision_note", "reversal_id", "created_at")},
        "account_name": a.account.name,
        "area_code": a.area_id,
        "delta": a.entry.delta,
        "item_name": a.entry.item_name,
        "status_label": a.get_status_display(),
        "decided_by": a.decided_by.display_name if a.decided_by else None,
    }


def _entry(request, entry_id: int) -> PointEntry:
    return get_object_or_404(
        PointEntry.objects.visible_to(request.user).select_related("account"), pk=entry_id
    )


@router.post("/entries/{entry_id}/appeal", response={201: AppealOut}, summary="对扣分申诉（每笔一次）")
def entry_appeal(request, entry_id: int, payload: ReasonIn):
    appeal = services.appeal_file(actor=request.user, entry=_entry(request, entry_id), reason=payload.reason)
    return Status(201, appeal_out(appeal))


@router.post(
    "/entries/{entry_id}/correct", response={201: EntryOut}, summary="更正：以冲销记录抵消一条加分或扣分"
)
def entry_correct(request, entry_id: int, payload: ReasonIn):
    reversal = services.entry_correct(
        actor=request.user, entry=_entry(request, entry_id), reason=payload.reason
    )
    return Status(201, entry_out(reversal))


class AppealFilters(Page):
    status: Literal["", "pending", "upheld", "overturned"] = ""
    area_code: str = ""


@router.get("/appeals", response=AppealPage, summary="扣分申诉（管辖范围内）")
def appeal_list(request, filters: Query[AppealFilters]):
    qs = PointAppeal.objects.visible_to(request.user).select_related("account", "entry", "decided_by")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.area_code:
        qs = qs.filter(prefix_q("area_id", filters.area_code))
    return paginate(qs.order_by("-created_at", "-pk"), filters, appeal_out)


class DecideIn(Schema):
    overturn: bool = Field(description="true 撤销扣分（以冲销记录恢复积分），false 维持")
    note: str = Field(description="裁定意见（必填）")


@router.post("/appeals/{appeal_id}/decide", response=AppealOut, summary="裁定申诉")
def appeal_decide(request, appeal_id: int, payload: DecideIn):
    appeal = get_object_or_404(PointAppeal.objects.visible_to(request.user), pk=appeal_id)
    appeal = services.appeal_decide(
        actor=request.user, appeal=appeal, overturn=payload.overturn, note=payload.note
    )
    return appeal_out(PointAppeal.objects.select_related("account", "entry", "decided_by").get(pk=appeal.pk))


# The catalogue and the declarations live in their own modules; they import the helpers above.
from .catalogue import router as catalogue_router  # noqa: E402
from .declarations import router as declarations_router  # noqa: E402

router.add_router("", catalogue_router)
router.add_router("", declarations_router)
