"""Account pages for staff: search in scope, open an account for a registry record, the account
with its balance, tallies and full ledger, direct awards and deductions, corrections, .xlsx."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.pages import run_action
from gongzhi.people.models import Household, Organization, Person

from .. import ledger, services
from ..choices import Subject
from ..forms import AwardForm, ReasonForm
from ..models import PointAccount, PointEntry, PointItem
from .common import awardable_items, may_correct, require_staff

SUBJECT_MODELS = {"person": Person, "household": Household, "organization": Organization}


@login_required
def accounts(request):
    """积分账户 in scope, by name, subject and area; registry records without one can be opened."""
    require_staff(request.user)
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "subject", "area")}
    qs = PointAccount.objects.visible_to(request.user).select_related("area")
    if filters["q"]:
        qs = qs.filter(name__contains=filters["q"])
    if filters["subject"] in Subject.values:
        qs = qs.filter(subject=filters["subject"])
    if filters["area"]:
        qs = qs.filter(prefix_q("area_id", filters["area"]))
    page = Paginator(qs.order_by("area_id", "name"), 30).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    unopened = []
    if filters["q"]:
        q = filters["q"]
        people = Person.objects.visible_to(request.user).filter(name__contains=q, point_account__isnull=True)
        households = (
            Household.objects.visible_to(request.user)
            .filter(Q(household_no__contains=q) | Q(members__name__contains=q), point_account__isnull=True)
            .distinct()
        )
        orgs = Organization.objects.visible_to(request.user).filter(
            name__contains=q, point_account__isnull=True
        )
        unopened = (
            [("person", p.pk, p.name, "居民/党员") for p in people[:10]]
            + [("household", h.pk, f"{h.household_no} {h.address}", "家庭") for h in households[:10]]
            + [("organization", o.pk, o.name, "单位/社团") for o in orgs[:10]]
        )
    return render(
        request,
        "points/accounts.html",
        {"page": page, "filters": filters, "subjects": Subject.choices, "querystring": querystring,
         "unopened": unopened},
    )  # fmt: skip


@login_required
def account_open(request, kind: str, pk: int):
    """The points account of a registry record: go to it, or open it (POST) when there is none."""
    require_staff(request.user)
    model = SUBJECT_MODELS.get(kind)
    if model is None:
        raise Http404
    target = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    existing = PointAccount.objects.filter(**{kind: target}).first()
    if existing is not None:
        return redirect("points:account", pk=existing.pk)
    if request.method == "POST":
        try:
            account = services.account_open(actor=request.user, **{kind: target})
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None
        messages.success(request, f"已为{account.name}开设积分账户。")
        return redirect("points:account", pk=account.pk)
    label = target.name if kind != "household" else f"{target.household_no}户 {target.address}"
    return render(request, "points/account_open.html", {"kind": kind, "target": target, "label": label})


def _detail_context(request, account: PointAccount, award_form=None) -> dict:
    entries = account.entries.select_related("appeal").order_by("-seq")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    reversed_ids = ledger.reversed_ids(page)
    keys = ledger.period_keys(timezone.now())
    tallies = {t.period: t for t in account.tallies.filter(period__in=keys)}
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return {
        "account": account,
        "page": page,
        "reversed_ids": reversed_ids,
        "tallies": [(key, tallies.get(key)) for key in keys],
        "award_items": awardable_items(request.user, account),
        "award_form": award_form or AwardForm(),
        "may_correct": may_correct(request.user, account),
        "appeals": account.appeals.select_related("entry").order_by("-created_at")[:20],
        "querystring": querystring,
        "idempotency_key": uuid.uuid4().hex,
    }


@login_required
def account(request, pk: int):
    """One account: balance, tallies of this year/quarter/month, the full ledger, actions."""
    acc = get_object_or_404(PointAccount.objects.visible_to(request.user).select_related("area"), pk=pk)
    require_staff(request.user)
    return render(request, "points/account.html", _detail_context(request, acc))


@login_required
@require_POST
def account_award(request, pk: int):
    """Direct award or deduction with a reason; a re-sent form (same key) posts once."""
    acc = get_object_or_404(PointAccount.objects.visible_to(request.user), pk=pk)
    require_staff(request.user)
    form = AwardForm(request.POST)
    if form.is_valid():
        item = PointItem.objects.filter(pk=form.cleaned_data["item"]).first()
        if item is None:
            form.add_error("item", "积分项目不存在。")
        else:
            try:
                entry = services.direct_award(
                    actor=request.user, account=acc, item=item, reason=form.cleaned_data.get("reason") or "",
                    idempotency_key=request.POST.get("idempotency_key", ""),
                )  # fmt: skip
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from None
            except DomainError as exc:
                form.add_error("reason" if exc.field == "reason" else "item", exc.message)
            else:
                verb = "加" if entry.delta > 0 else "扣"
                messages.success(
                    request, f"已为{acc.name}{verb} {abs(entry.delta)} 分（{entry.item_name}）。"
                )
                return redirect("points:account", pk=acc.pk)
    acc.refresh_from_db()
    return render(request, "points/account.html", _detail_context(request, acc, form), status=400)


@login_required
@require_POST
def entry_correct(request, pk: int):
    """更正: a compensating entry that cancels a wrongly posted one, with a reason."""
    entry = get_object_or_404(PointEntry.objects.visible_to(request.user).select_related("account"), pk=pk)
    require_staff(request.user)
    form = ReasonForm(request.POST)
    form.is_valid()
    run_action(
        request,
        lambda: services.entry_correct(
            actor=request.user, entry=entry, reason=form.cleaned_data.get("reason") or ""
        ),
        lambda _: f"已冲销第 {entry.seq} 条记录（{entry.delta:+d} 分）。",
    )
    return redirect("points:account", pk=entry.account_id)
