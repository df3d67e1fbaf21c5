"""Pages: sign-in (with a second factor for higher-level staff), sign-out, 工作台, password change."""

import time

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongzhi.audit.services import audit_record
from gongzhi.kernel import totp
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.jurisdiction import roles_of
from gongzhi.kernel.pages import run_form_service, throttled
from gongzhi.kernel.roles import Role

from . import mfa, selectors, services
from .forms import LoginForm, PasswordChangeForm
from .models import User

_BACKEND = "django.contrib.auth.backends.ModelBackend"
_MFA_USER, _MFA_AT, _MFA_NEXT = "gongzhi_mfa_user", "gongzhi_mfa_at", "gongzhi_mfa_next"
_MFA_SECONDS = 300


def login_view(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_attempt(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"], channel="web"
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            refused = exc
        else:
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                next_url = ""
            if mfa.mfa_required(user):
                # Password is right; the session is not signed in until the code is too.
                request.session[_MFA_USER] = user.pk
                request.session[_MFA_AT] = time.time()
                request.session[_MFA_NEXT] = next_url
                return redirect("accounts:mfa")
            login(request, user, backend=_BACKEND)
            return redirect(next_url or "accounts:home")
    return throttled(render(request, "accounts/login.html", {"form": form, "next": next_url}), refused)


def _pending_mfa_user(request) -> User | None:
    user_id, started = request.session.get(_MFA_USER), request.session.get(_MFA_AT, 0)
    if user_id is None or time.time() - started > _MFA_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def mfa_view(request):
    """Second step of sign-in: enrol an authenticator app once, then enter its 6-digit code."""
    user = _pending_mfa_user(request)
    if user is None:
        messages.warning(request, "验证已超时，请重新输入用户名和密码。")
        return redirect("accounts:login")
    error = refused = None
    if request.method == "POST":
        try:
            mfa.totp_verify(user=user, code=request.POST.get("code", ""), channel="web")
        except DomainError as exc:
            error, refused = exc.message, exc
        else:
            next_url = request.session.get(_MFA_NEXT) or ""
            for key in (_MFA_USER, _MFA_AT, _MFA_NEXT):
                request.session.pop(key, None)
            login(request, user, backend=_BACKEND)
            return redirect(next_url or "accounts:home")
    enrolling = mfa.confirmed_device(user) is None
    context = {"error": error, "enrolling": enrolling, "demo_code": None, "username": user.username}
    if enrolling:
        secret = mfa.pending_secret(user) or mfa.totp_begin_enrolment(user=user)
        uri = totp.provisioning_uri(secret, user.username)
        context.update(secret=secret, qr=segno.make(uri, error="m").svg_data_uri(scale=4), uri=uri)
    context["demo_code"] = mfa.demo_code(user)
    return throttled(render(request, "accounts/mfa.html", context, status=400 if error else 200), refused)


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
    changed = (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            form,
            lambda: services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            ),
        )
    )
    if changed:
        login(request, request.user, backend=_BACKEND)
        messages.success(request, "密码已修改。")
        return redirect("accounts:home")
    from .passwords import password_help

    return render(request, "accounts/password.html", {"form": form, "password_help": password_help()})
