"""Pages of the 三员 who run the system: 账号管理 (系统管理员) and 安全策略 (安全管理员).

Neither page exists for anyone else (404, like the audit page), so it gives no hint."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area, Level
from gongzhi.kernel.codes import scope_q
from gongzhi.kernel.jurisdiction import roles_of
from gongzhi.kernel.pages import run_action, run_form_service
from gongzhi.kernel.roles import Role

from . import administration as admin
from . import policy
from .forms import AccountCreateForm, AccountFilterForm, GrantForm, PolicyForm, ReasonForm
from .models import Department, RoleGrant
from .passwords import password_help


def _sysadmin(request):
    if Role.SYSADMIN not in roles_of(request.user):
        raise Http404


def _choices(request) -> dict:
    """Roles, areas (down to villages) and departments the admin may pick from."""
    codes = admin.admin_areas(request.user)
    areas = (
        Area.objects.filter(scope_q("code", codes))
        .exclude(level__in=(Level.GRID, Level.MICROGRID))
        .order_by("code")
        .only("code", "name", "level")
    )
    departments = Department.objects.filter(scope_q("area_id", codes)).select_related("area")
    return {"roles": Role.choices, "areas": areas, "departments": departments}


def _department(form) -> Department | None:
    pk = form.cleaned_data.get("department")
    return Department.objects.filter(pk=pk).first() if pk else None


@login_required
def users(request):
    _sysadmin(request)
    filters = AccountFilterForm(request.GET)
    filters.is_valid()
    found = admin.accounts_in_reach(request.user, **filters.cleaned_data)
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    throttles = admin.login_failures([u.username for u in page])
    for user in page:
        user.throttle = throttles.get(user.username, {"failures": 0, "locked_until": None})
    context = {"page": page, "filters": filters.cleaned_data, "roles": Role.choices}
    return render(request, "accounts/admin/users.html", context)


@login_required
def user_new(request):
    _sysadmin(request)
    form = AccountCreateForm(request.POST or None)
    created = (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            form,
            lambda: admin.account_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                area_code=form.cleaned_data["area"],
                department=_department(form),
            ),
        )
    )
    if created:
        user, raw = created
        # Shown in this response only: never stored, never in a redirect or a message.
        return render(
            request, "accounts/admin/temporary_password.html", {"account": user, "raw": raw, "new": True}
        )
    return render(request, "accounts/admin/user_new.html", {"form": form, **_choices(request)})


@login_required
def user_detail(request, pk: int):
    _sysadmin(request)
    account = admin.account_for(request.user, pk)
    throttle = admin.login_failures([account.username]).get(
        account.username, {"failures": 0, "locked_until": None}
    )
    context = {
        "account": account,
        "throttle": throttle,
        "has_mfa": hasattr(account, "totp"),
        "grant_form": GrantForm(),
        "is_self": account.pk == request.user.pk,
        **_choices(request),
    }
    return render(request, "accounts/admin/user_detail.html", context)


def _with_reason(request, pk, call, success):
    _sysadmin(request)
    account = admin.account_for(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写原因（将记入审计日志）。")
    else:
        run_action(request, lambda: call(account, form.cleaned_data["reason"]), success)
    return redirect("manage:user", pk=account.pk)


@login_required
@require_POST
def user_disable(request, pk: int):
    return _with_reason(
        request,
        pk,
        lambda account, reason: admin.account_disable(actor=request.user, user=account, reason=reason),
        "账号已停用，其令牌已吊销、会话已结束。",
    )


@login_required
@require_POST
def user_enable(request, pk: int):
    return _with_reason(
        request,
        pk,
        lambda account, reason: admin.account_enable(actor=request.user, user=account, reason=reason),
        "账号已重新启用。",
    )


@login_required
@require_POST
def user_mfa_reset(request, pk: int):
    return _with_reason(
        request,
        pk,
        lambda account, reason: admin.mfa_reset(actor=request.user, username=account.username, reason=reason),
        "动态口令已重置，该用户下次登录时重新绑定。",
    )


@login_required
@require_POST
def user_grant(request, pk: int):
    _sysadmin(request)
    account = admin.account_for(request.user, pk)
    form = GrantForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: admin.account_grant(
                actor=request.user,
                username=account.username,
                role=form.cleaned_data["role"],
                area_code=form.cleaned_data["area"].strip(),
                department=_department(form),
            ),
            lambda grant: f"已授予{grant.get_role_display()} @ {grant.area.name}。",
        )
    else:
        messages.error(request, "请选择角色并填写区划编码。")
    return redirect("manage:user", pk=account.pk)


@login_required
@require_POST
def user_revoke(request, pk: int, grant_id: int):
    _sysadmin(request)
    account = admin.account_for(request.user, pk)
    grant = get_object_or_404(RoleGrant.objects.select_related("user"), pk=grant_id, user=account)
    run_action(request, lambda: admin.account_revoke(actor=request.user, grant=grant), "角色已撤销。")
    if not admin.accounts_in_reach(request.user).filter(pk=account.pk).exists():
        return redirect("manage:users")
    return redirect("manage:user", pk=account.pk)


@login_required
@require_POST
def user_password_reset(request, pk: int):
    _sysadmin(request)
    account = admin.account_for(request.user, pk)
    raw = run_action(request, lambda: admin.password_reset(actor=request.user, user=account))
    if raw is None:
        return redirect("manage:user", pk=account.pk)
    return render(request, "accounts/admin/temporary_password.html", {"account": account, "raw": raw})


@login_required
def policy_edit(request):
    if Role.SECURITY_ADMIN not in roles_of(request.user):
        raise Http404
    current = policy.current_policy()
    initial = {f: getattr(current, f) for f in admin.POLICY_FIELDS}
    form = PolicyForm(request.POST or None, initial=initial)
    form.fields["mfa_roles"].choices = Role.choices
    saved = (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(form, lambda: admin.policy_update(actor=request.user, values=form.cleaned_data))
    )
    if saved:
        messages.success(request, "安全策略已保存，即时生效。")
        return redirect("manage:policy")
    context = {
        "form": form,
        "policy": current,
        "saved": current.updated_at is not None,
        "help": password_help(),
    }
    return render(request, "accounts/admin/policy.html", context)
