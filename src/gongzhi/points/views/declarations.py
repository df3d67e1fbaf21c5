"""Staff pages of the 积分制 core: the hub, the review queue of declarations (htmx), declaration
detail, evidence photos, and the appeals against deductions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.images import image_response
from gongzhi.kernel.pages import run_action

from .. import selectors, services
from ..choices import AppealStatus, DeclarationStatus
from ..forms import DecideForm, ReasonForm
from ..models import PointAppeal, PointDeclaration
from .common import declaration_actions, is_staff, may_decide_appeal, require_staff


@login_required
def home(request):
    """积分管理 hub: what is waiting, and the way to every part."""
    require_staff(request.user)
    pending = PointDeclaration.objects.visible_to(request.user).filter(status=DeclarationStatus.PENDING)
    context = {
        "pending": pending.count(),
        "overdue": pending.filter(due_at__lt=timezone.now()).count(),
        "appeals": PointAppeal.objects.visible_to(request.user).filter(status=AppealStatus.PENDING).count(),
    }
    return render(request, "points/home.html", context)


def _queue(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("area", "item", "status")}
    qs = (
        PointDeclaration.objects.visible_to(request.user)
        .select_related("account", "item", "area")
        .prefetch_related("photos")
    )
    status = filters["status"] or DeclarationStatus.PENDING
    if status != "all":
        qs = qs.filter(status=status)
    if filters["area"]:
        qs = qs.filter(prefix_q("area_id", filters["area"]))
    if filters["item"]:
        item = filters["item"]
        qs = qs.filter(
            Q(item__code=item) | Q(item__name__contains=item) | Q(item_id=int(item) if item.isdigit() else 0)
        )
    # Pending work is done oldest deadline first, so the overdue sit on top.
    qs = qs.order_by("due_at", "pk") if status == DeclarationStatus.PENDING else qs.order_by("-created_at")
    return filters, status, qs


@login_required
def review(request):
    """审核 queue: pending declarations in scope, overdue highlighted, approve or reject inline."""
    require_staff(request.user)
    filters, status, qs = _queue(request)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    rows = [(d, declaration_actions(request.user, d)) for d in page]
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "status": status,
        "statuses": [*DeclarationStatus.choices, ("all", "全部")],
        "querystring": querystring,
        "now": timezone.now(),
    }
    template = "points/_review_rows.html" if request.headers.get("HX-Request") else "points/review.html"
    return render(request, template, context)


@login_required
def declaration(request, pk: int):
    """One declaration with its evidence photos and, for a reviewer, the decision forms."""
    d = get_object_or_404(
        PointDeclaration.objects.visible_to(request.user).select_related("account", "item", "area", "entry"),
        pk=pk,
    )
    if not is_staff(request.user):  # the declarant follows it on their own page
        return redirect("points:my_declarations")
    return render(
        request,
        "points/declaration.html",
        {
            "d": d,
            "actions": declaration_actions(request.user, d),
            "photos": d.photos.all(),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def declaration_decide(request, pk: int, action: str):
    """Approve or reject (with a reason); htmx gets the updated queue row back."""
    d = get_object_or_404(PointDeclaration.objects.visible_to(request.user), pk=pk)
    require_staff(request.user)
    form = ReasonForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("reason") or ""
    error = ""
    try:
        if action == "approve":
            d = services.declaration_approve(actor=request.user, declaration=d, note=text)
            done = f"已通过，{d.account.name} 积 {d.points} 分。"
        elif action == "reject":
            d = services.declaration_reject(actor=request.user, declaration=d, reason=text)
            done = "已退回申报。"
        else:
            raise DomainError("未知操作。")
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        error, done = exc.message, ""
        d.refresh_from_db()
    if request.headers.get("HX-Request"):
        context = {"d": d, "actions": declaration_actions(request.user, d), "error": error, "done": done,
                   "now": timezone.now()}  # fmt: skip
        return render(request, "points/_review_row.html", context, status=200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/points/") else "points:review")


@login_required
def photo(request, pk: int):
    """An evidence photo, for whoever may see its declaration (or, through a registered scope, its
    红黑榜 nomination); else 404."""
    user = request.user
    return image_response(get_object_or_404(selectors.evidence_photos_visible_to(user), pk=pk).image)


@login_required
def appeals(request):
    """申诉 pending in scope (or decided, by filter), with the decision form inline."""
    require_staff(request.user)
    status = request.GET.get("status", "").strip() or AppealStatus.PENDING
    qs = PointAppeal.objects.visible_to(request.user).select_related("account", "entry", "decided_by")
    if status != "all":
        qs = qs.filter(status=status)
    page = Paginator(
        qs.order_by("created_at" if status == AppealStatus.PENDING else "-created_at"), 30
    ).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    rows = [(a, may_decide_appeal(request.user, a)) for a in page]
    return render(
        request,
        "points/appeals.html",
        {"page": page, "rows": rows, "status": status, "statuses": [*AppealStatus.choices, ("all", "全部")],
         "querystring": querystring},
    )  # fmt: skip


@login_required
@require_POST
def appeal_decide(request, pk: int):
    """Uphold or overturn an appeal with a note (overturning posts a compensating entry)."""
    appeal = get_object_or_404(PointAppeal.objects.visible_to(request.user), pk=pk)
    require_staff(request.user)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择维持或撤销扣分。")
        return redirect("points:appeals")
    run_action(
        request,
        lambda: services.appeal_decide(
            actor=request.user, appeal=appeal, overturn=form.cleaned_data["overturn"] == "1",
            note=form.cleaned_data.get("note") or "",
        ),
        lambda decided: f"已裁定：{decided.get_status_display()}。",
    )  # fmt: skip
    return redirect("points:appeals")
