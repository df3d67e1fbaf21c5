"""Resident H5 of the 积分制: my points and history (appeal a deduction), declare, my declarations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.pages import run_form_service

from .. import catalogue, ledger, services
from ..choices import EntryKind
from ..forms import AppealForm, DeclareForm
from ..honours import selectors
from ..models import PointAppeal, PointDeclaration, PointEntry, PointItem, own_account_ids
from ..subjects import account_of_resident, household_account_of_resident


def _my_accounts(user) -> dict:
    """{'person': account, 'household': account}, each only when the registry has it."""
    found = {"person": account_of_resident(user), "household": household_account_of_resident(user)}
    return {k: v for k, v in found.items() if v is not None}


def _pick(accounts: dict, which: str):
    which = which if which in accounts else next(iter(accounts), "")
    return which, accounts.get(which)


@login_required
def my(request):
    """我的积分: balances, my rank in the village this year, the history with appeal buttons."""
    accounts = _my_accounts(request.user)
    which, account = _pick(accounts, request.GET.get("account", ""))
    context = {"accounts": accounts, "which": which, "account": account}
    if account is not None:
        year = ledger.period_keys(timezone.now())[1]
        village = account.area_id[:12]
        context["rank"] = selectors.rank_of(account=account, period=year, area_code=village)
        context["year"] = year
        entries = list(account.entries.order_by("-seq")[:100])
        appealed = set(PointAppeal.objects.filter(entry__in=entries).values_list("entry_id", flat=True))
        reversed_ids = ledger.reversed_ids(entries)
        context["entries"] = [
            (e, e.kind == EntryKind.DEDUCTION and e.pk not in appealed and e.pk not in reversed_ids,
             e.pk in appealed, e.pk in reversed_ids)
            for e in entries
        ]  # fmt: skip
    return render(request, "points/my.html", context)


@login_required
@require_POST
def my_appeal(request, pk: int):
    """申诉 a deduction of my own (or my household's) account, once."""
    entry = get_object_or_404(PointEntry.objects.filter(account_id__in=own_account_ids(request.user)), pk=pk)
    form = AppealForm(request.POST)
    form.is_valid()
    try:
        services.appeal_file(actor=request.user, entry=entry, reason=form.cleaned_data.get("reason") or "")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申诉已提交，村(社区)将尽快裁定。")
    which = "household" if entry.account.household_id else "person"
    return redirect(f"/points/my/?account={which}")


def _item_groups(account) -> list[tuple]:
    """Declarable items for the account grouped by category, with the village's points."""
    groups: dict = {}
    for item in catalogue.items_for(account, declarable=True):
        if item.points > 0:
            groups.setdefault(item.category, []).append(
                (item, catalogue.effective_points(item, account.area_id))
            )
    return list(groups.items())


@login_required
def my_declare(request):
    """积分申报: pick an item (grouped by category, points shown), say what happened, add photos."""
    accounts = _my_accounts(request.user)
    which, account = _pick(accounts, request.POST.get("account") or request.GET.get("account", ""))
    form = DeclareForm(request.POST or None)
    if request.method == "POST" and account is not None and form.is_valid():
        item = PointItem.objects.filter(pk=form.cleaned_data["item"]).first()
        if item is None:
            form.add_error("item", "积分项目不存在，请重新选择。")
        else:
            photos = [(f.name, f.read()) for f in request.FILES.getlist("photos")[: services.MAX_PHOTOS + 1]]
            declaration = run_form_service(
                form,
                lambda: services.declaration_submit(
                    actor=request.user, account=account, item=item, text=form.cleaned_data["text"],
                    occurred_on=form.cleaned_data["occurred_on"], photos=photos,
                ),
            )  # fmt: skip
            if declaration:
                messages.success(request, f"已提交「{item.name}」的申报，审核通过后积分自动到账。")
                return redirect("points:my_declarations")
    return render(
        request,
        "points/my_declare.html",
        {"form": form, "accounts": accounts, "which": which, "account": account,
         "groups": _item_groups(account) if account else [], "max_photos": services.MAX_PHOTOS,
         "chosen": str(form.data.get("item", "")) if form.is_bound else ""},
        status=400 if form.errors else 200,
    )  # fmt: skip


@login_required
def my_declarations(request):
    """我的申报: status, the reviewer's note, withdraw while pending."""
    declarations = (
        PointDeclaration.objects.filter(account_id__in=own_account_ids(request.user))
        .select_related("item", "account")
        .order_by("-created_at")[:100]
    )
    return render(request, "points/my_declarations.html", {"declarations": declarations})


@login_required
@require_POST
def my_withdraw(request, pk: int):
    """Withdraw one of my pending declarations."""
    declaration = get_object_or_404(PointDeclaration.objects.filter(declared_by=request.user), pk=pk)
    try:
        services.declaration_withdraw(actor=request.user, declaration=declaration)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤回申报。")
    return redirect("points:my_declarations")
