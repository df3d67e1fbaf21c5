"""Pages of the 积分超市: the resident's shop and orders (phone first), and the staff's shops,
rewards, orders and pickup counter."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area, Level
from gongzhi.kernel.codes import scope_q
from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.jurisdiction import area_codes_for, has_role
from gongzhi.kernel.pages import run_action, run_form_service

from .. import rules
from ..choices import RedemptionStatus, RewardKind
from ..models import PointAccount, own_account_ids
from ..subjects import account_of_resident, household_account_of_resident
from . import selectors
from . import services as shop
from .models import Redemption, Reward, Shop

MAX_ID = 2**63 - 1


def _id(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and 0 < int(text) <= MAX_ID else None


def _require_staff(user) -> None:
    if not has_role(user, rules.READ_ROLES):
        raise PermissionDenied("只有村(社区)、镇(街道)工作人员可以管理积分超市。")


# -- forms -------------------------------------------------------------------------------------


class ShopForm(forms.Form):
    area_code = forms.ChoiceField(label="所属村(社区)/镇(街道)")
    name = forms.CharField(label="名称", max_length=64)
    address = forms.CharField(label="地址", max_length=200, required=False)
    hours = forms.CharField(
        label="开放时间", max_length=100, required=False, help_text="如：每周六 9:00—11:30"
    )
    monthly_points_limit = forms.IntegerField(
        label="每户每月兑换上限(分)",
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text="留空表示不限",
    )
    active = forms.BooleanField(label="营业", required=False, initial=True)

    def __init__(self, *args, areas=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["area_code"]
        else:
            self.fields["area_code"].choices = [(a.code, f"{a.name}（{a.code}）") for a in areas]


class RewardForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=RewardKind.choices)
    name = forms.CharField(label="名称", max_length=64)
    description = forms.CharField(label="说明", max_length=300, required=False)
    points = forms.IntegerField(label="所需积分", min_value=1, max_value=shop.MAX_POINTS)
    stock = forms.IntegerField(
        label="库存", required=False, min_value=0, max_value=shop.MAX_STOCK,
        help_text="物质奖励须填写；服务、政策激励、精神奖励可留空表示不限量",
    )  # fmt: skip
    monthly_limit = forms.IntegerField(
        label="每个账户每月限兑(次)", required=False, min_value=1, max_value=1000, help_text="留空表示不限"
    )
    order = forms.IntegerField(label="排序", required=False, min_value=0, max_value=32767, initial=0)
    active = forms.BooleanField(label="上架", required=False, initial=True)
    stock_seen = forms.CharField(required=False, widget=forms.HiddenInput)


# -- resident ----------------------------------------------------------------------------------


def _my_accounts(user) -> list[PointAccount]:
    return [a for a in (account_of_resident(user), household_account_of_resident(user)) if a is not None]


@login_required
def home(request):
    accounts = _my_accounts(request.user)
    chosen = next(
        (a for a in accounts if str(a.pk) == request.GET.get("account")), accounts[0] if accounts else None
    )
    shops = selectors.shops_with_offers(request.user, chosen) if chosen is not None else []
    pending = (
        Redemption.objects.filter(
            account_id__in=[a.pk for a in accounts], status=RedemptionStatus.PENDING
        ).count()
        if accounts
        else 0
    )
    return render(request, "points/shop/home.html", {
        "accounts": accounts, "account": chosen, "shops": shops, "pending": pending,
        "page_key": uuid.uuid4().hex, "is_staff": has_role(request.user, rules.READ_ROLES),
    })  # fmt: skip


@login_required
@require_POST
def redeem(request):
    account = get_object_or_404(
        PointAccount.objects.filter(pk__in=own_account_ids(request.user)),
        pk=_id(request.POST.get("account_id")),
    )
    reward = get_object_or_404(
        Reward.objects.filter(shop__in=Shop.objects.visible_to(request.user)).select_related("shop"),
        pk=_id(request.POST.get("reward_id")),
    )
    try:
        order = shop.redeem(
            actor=request.user, account=account, reward=reward,
            idempotency_key=request.POST.get("idempotency_key", ""),
        )  # fmt: skip
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("points:shop_home") + f"?account={account.pk}")
    messages.success(
        request,
        f"兑换成功：「{order.reward_name}」，单号 {order.number}。请到{order.shop.name}出示取货码领取。",
    )
    return redirect("points:shop_orders")


@login_required
def orders(request):
    qs = Redemption.objects.filter(account_id__in=own_account_ids(request.user)).select_related(
        "shop", "account"
    )
    page = Paginator(qs.order_by("-created_at"), 20).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(request, "points/shop/orders.html", {"page": page, "querystring": querystring})


@login_required
@require_POST
def cancel(request, pk: int):
    order = get_object_or_404(Redemption.objects.visible_to(request.user), pk=pk)
    run_action(
        request,
        lambda: shop.redemption_cancel(
            actor=request.user, redemption=order, reason=request.POST.get("reason", "")
        ),
        lambda _: f"兑换单 {order.number} 已取消，{order.points} 分已退回。",
    )
    if request.POST.get("back") == "staff":
        return redirect("points:shop_redemption", pk=order.pk)
    return redirect("points:shop_orders")


# -- staff: shops and rewards ------------------------------------------------------------------


def _managed_areas(user):
    """Villages and towns where the user may open a shop."""
    codes = area_codes_for(user, roles=rules.SHOP_ROLES)
    if not codes:
        return Area.objects.none()
    return Area.objects.filter(scope_q("code", codes), level__in=[Level.TOWN, Level.VILLAGE]).order_by(
        "code"
    )[:2000]


@login_required
def manage(request):
    _require_staff(request.user)
    area = request.GET.get("area", "").strip()
    qs = Shop.objects.visible_to(request.user).select_related("area")
    if area.isdigit():
        qs = qs.filter(scope_q("area_id", [area]))
    qs = qs.annotate(
        n_rewards=Count("rewards", filter=Q(rewards__active=True), distinct=True),
        n_pending=Count("redemptions", filter=Q(redemptions__status=RedemptionStatus.PENDING), distinct=True),
    )
    rows = [(s, has_role(request.user, rules.SHOP_ROLES, s.area_id)) for s in qs[:500]]
    return render(request, "points/shop/manage.html", {
        "rows": rows, "area": area, "can_create": has_role(request.user, rules.SHOP_ROLES),
    })  # fmt: skip


@login_required
def shop_edit(request, pk: int | None = None):
    _require_staff(request.user)
    current = get_object_or_404(Shop.objects.visible_to(request.user), pk=pk) if pk else None
    area_code = current.area_id if current else ""
    if not has_role(request.user, rules.SHOP_ROLES, area_code or None):
        raise PermissionDenied("只有村(社区)、镇(街道)工作人员可以开办或修改积分超市。")
    initial = {"active": True, "area_code": request.GET.get("area", "")}
    if current is not None:
        initial = {
            f: getattr(current, f) for f in ("name", "address", "hours", "monthly_points_limit", "active")
        }
    form = ShopForm(
        request.POST or None, initial=initial, areas=_managed_areas(request.user), editing=bool(current)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_form_service(
            form,
            lambda: shop.shop_save(
                actor=request.user,
                area=current.area_id if current else data["area_code"],
                data=data,
                shop=current,
            ),
        )
        if saved:
            messages.success(request, f"已保存 {saved.name}。")
            return redirect("points:shop_detail", pk=saved.pk)
    return render(
        request,
        "points/shop/shop_form.html",
        {"form": form, "shop": current},
        status=400 if form.errors else 200,
    )


@login_required
def shop_detail(request, pk: int):
    _require_staff(request.user)
    current = get_object_or_404(Shop.objects.visible_to(request.user).select_related("area"), pk=pk)
    pending = current.redemptions.filter(status=RedemptionStatus.PENDING).count()
    return render(request, "points/shop/shop_detail.html", {
        "shop": current, "rewards": current.rewards.all(), "pending": pending,
        "can_edit": has_role(request.user, rules.SHOP_ROLES, current.area_id),
    })  # fmt: skip


def _visible_rewards(user):
    return Reward.objects.filter(shop__in=Shop.objects.visible_to(user)).select_related("shop")


@login_required
def reward_edit(request, shop_pk: int | None = None, pk: int | None = None):
    _require_staff(request.user)
    reward = get_object_or_404(_visible_rewards(request.user), pk=pk) if pk else None
    owner = reward.shop if reward else get_object_or_404(Shop.objects.visible_to(request.user), pk=shop_pk)
    if not has_role(request.user, rules.SHOP_ROLES, owner.area_id):
        raise PermissionDenied("只有本村(社区)、镇(街道)工作人员可以管理超市商品。")
    initial = {"active": True, "order": 0, "kind": RewardKind.GOODS}
    if reward is not None:
        fields = ("kind", "name", "description", "points", "stock", "monthly_limit", "order", "active")
        initial = {
            **{f: getattr(reward, f) for f in fields},
            "stock_seen": "" if reward.stock is None else reward.stock,
        }
    form = RewardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_form_service(
            form,
            lambda: shop.reward_save(actor=request.user, shop=owner, data=form.cleaned_data, reward=reward),
        )
        if saved:
            messages.success(request, f"已保存「{saved.name}」。")
            return redirect("points:shop_detail", pk=owner.pk)
    return render(
        request,
        "points/shop/reward_form.html",
        {"form": form, "shop": owner, "reward": reward},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def reward_restock(request, pk: int):
    _require_staff(request.user)
    reward = get_object_or_404(_visible_rewards(request.user), pk=pk)
    run_action(
        request,
        lambda: shop.reward_restock(actor=request.user, reward=reward, quantity=request.POST.get("quantity")),
        lambda _: f"「{reward.name}」已补货，现有库存 {reward.stock}。",  # the service updates reward.stock
    )
    return redirect("points:shop_detail", pk=reward.shop_id)


# -- staff: orders and pickup ------------------------------------------------------------------


@login_required
def redemptions(request):
    _require_staff(request.user)
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "shop", "q")}
    qs = Redemption.objects.visible_to(request.user).select_related("shop", "account")
    if filters["status"] in RedemptionStatus.values:
        qs = qs.filter(status=filters["status"])
    if _id(filters["shop"]):
        qs = qs.filter(shop_id=_id(filters["shop"]))
    if filters["q"]:
        qs = qs.filter(Q(number__icontains=filters["q"]) | Q(account__name__icontains=filters["q"]))
    page = Paginator(qs.order_by("-created_at"), 30).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "page": page, "filters": filters, "querystring": querystring, "statuses": RedemptionStatus.choices,
        "shops": Shop.objects.visible_to(request.user).order_by("area_id", "name")[:200],
    }  # fmt: skip
    template = (
        "points/shop/_redemption_rows.html"
        if request.headers.get("HX-Request")
        else "points/shop/redemptions.html"
    )
    return render(request, template, context)


@login_required
def redemption(request, pk: int):
    order = get_object_or_404(
        Redemption.objects.visible_to(request.user).select_related("shop", "account", "reward"), pk=pk
    )
    if not has_role(request.user, rules.READ_ROLES, order.area_id):
        return redirect("points:shop_orders")  # the holder's own view shows the pickup code
    return render(request, "points/shop/redemption.html", {
        "order": order, "can_act": has_role(request.user, rules.SHOP_ROLES, order.area_id),
        "is_pending": order.status == RedemptionStatus.PENDING,
    })  # fmt: skip


@login_required
@require_POST
def fulfil(request, pk: int):
    _require_staff(request.user)
    order = get_object_or_404(Redemption.objects.visible_to(request.user), pk=pk)
    code = request.POST.get("code", "")
    try:
        shop.redemption_fulfil(
            actor=request.user, redemption=order, code=code, note=request.POST.get("note", "")
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        if request.POST.get("back") == "pickup":
            return redirect(reverse("points:shop_pickup") + (f"?code={code}" if code.isdigit() else ""))
    else:
        messages.success(request, f"兑换单 {order.number}「{order.reward_name}」已领取。")
        if request.POST.get("back") == "pickup":
            return redirect("points:shop_pickup")
    return redirect("points:shop_redemption", pk=order.pk)


@login_required
def pickup(request):
    _require_staff(request.user)
    if not has_role(request.user, rules.SHOP_ROLES):
        raise PermissionDenied("只有超市所在村(社区)、镇(街道)工作人员可以办理领取。")
    code = request.GET.get("code", "").strip()
    found = shop.pickup_lookup(actor=request.user, code=code) if code else []
    error = ""
    if code and not (code.isdigit() and len(code) == 6):
        error = "取货码是 6 位数字。"
    elif code and not found:
        error = "没有找到该取货码的待领取兑换单（只查本人负责的超市）。"
    return render(request, "points/shop/pickup.html", {"code": code, "found": found, "error": error,
                                                        "policy": RewardKind.POLICY})  # fmt: skip


@login_required
def counter(request, account_id: int):
    """代为兑换 at the counter: shop staff redeem for a villager who has no phone with them; the
    pickup code goes to the holder's inbox, and the staff member hands the goods over as usual."""
    account = get_object_or_404(PointAccount.objects.visible_to(request.user), pk=account_id)
    home = [account.area_id[:9], account.area_id[:12]]
    shops = [s for s in Shop.objects.filter(area_id__in=home, active=True).select_related("area")
             if has_role(request.user, rules.SHOP_ROLES, s.area_id)]  # fmt: skip
    if not shops:
        raise PermissionDenied("只有该居民所在村(社区)或镇(街道)积分超市的工作人员可以代为兑换。")
    if request.method == "POST":
        reward = get_object_or_404(
            Reward.objects.filter(shop__in=shops), pk=_id(request.POST.get("reward_id"))
        )
        order = run_action(
            request,
            lambda: shop.redeem(actor=request.user, account=account, reward=reward,
                                idempotency_key=request.POST.get("idempotency_key", "")),
            lambda o: f"已为{account.name}兑换「{o.reward_name}」，单号 {o.number}；取货码已发到其消息中。",
        )  # fmt: skip
        if order is not None:
            return redirect("points:shop_redemption", pk=order.pk)
        return redirect("points:shop_counter", account_id=account.pk)
    for s in shops:
        s.offers = [r for r in s.rewards.filter(active=True) if r.stock is None or r.stock > 0]
    return render(request, "points/shop/counter.html", {
        "account": account, "shops": shops, "page_key": uuid.uuid4().hex,
    })  # fmt: skip
