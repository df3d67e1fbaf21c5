"""Pages: sign-in, sign-out, the 工作台 and password change."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongzhi.audit.services import audit_record
from gongzhi.lib.errors import DomainError

from . import selectors, services
from .forms import LoginForm, PasswordChangeForm
from .models import Role
from .scope import roles_of


def login_view(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_attempt(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"], channel="web"
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                next_url = ""
            return redirect(next_url or "accounts:home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="auth.logout")
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@login_required
def home(request):
    roles = roles_of(request.user)
    context = {
        "panels": selectors.workbench(request.user),
        "roles": roles,
        "Role": Role,
    }
    if Role.AUDITOR in roles:
        from gongzhi.audit.selectors import audit_events_for

        context["recent_events"] = audit_events_for(request.user)[:8]
    if Role.SYSADMIN in roles:
        context["users_in_scope"] = selectors.users_in_scope_count(request.user)
    return render(request, "accounts/home.html", context)


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, request.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "密码已修改。")
            return redirect("accounts:home")
    return render(request, "accounts/password.html", {"form": form})
