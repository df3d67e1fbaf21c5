"""Session limits: end a session idle longer than the security policy allows, or older than
SESSION_ABSOLUTE_SECONDS however active (design.md §5); and keep a user whose password was reset
or has expired on the change-password page until they change it."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from gongzhi.audit.services import audit_record
from gongzhi.kernel.jurisdiction import roles_of
from gongzhi.kernel.roles import Role

from .policy import CHANGE_MESSAGES, idle_timeout_seconds, password_change_due

_LAST_SEEN = "gongzhi_last_seen"
_STARTED = "gongzhi_started"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(_LAST_SEEN)
            started = request.session.setdefault(_STARTED, now)
            if last is not None and now - last > idle_timeout_seconds():
                return self._end(request, "idle", "长时间未操作，已自动退出，请重新登录。", now - last)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
                return self._end(request, "absolute", f"登录已超过 {hours} 小时，请重新登录。", now - started)
            # Refreshing at most once a minute keeps most requests from writing the session row.
            if last is None or now - last > 60:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)

    def _end(self, request, reason: str, message: str, seconds: float):
        audit_record(
            actor=request.user,
            action="auth.session_expired",
            details={"reason": reason, "seconds": int(seconds)},
        )
        logout(request)
        if request.path.startswith("/api/"):
            body = {"error": {"code": "session_expired", "message": message, "fields": []}}
            return JsonResponse(body, status=401, json_dumps_params={"ensure_ascii": False})
        messages.warning(request, message)
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")


class PasswordChangeRequiredMiddleware:
    """A signed-in user whose password was reset by an administrator, or has expired, may only
    change it (or sign out): pages redirect to the change-password page, the API answers 403.
    Bearer-token calls are checked where the token is read (gongzhi.api.TokenAuth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = password_change_due(user)
            if reason and not self._allowed(request.path):
                message = CHANGE_MESSAGES[reason]
                if request.path.startswith("/api/"):
                    body = {"error": {"code": "password_change_required", "message": message, "fields": []}}
                    return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
                messages.warning(request, message)
                return redirect("accounts:password")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        allowed = (reverse("accounts:password"), reverse("accounts:logout"), settings.STATIC_URL)
        return path.startswith(allowed)


AUDITOR_READ_ONLY = "审计员只能查阅，不能修改任何数据（三员分立）。"


def auditor_only(user) -> bool:
    """A user whose only role is 审计员: reads the trail, changes nothing."""
    roles = roles_of(user)
    return bool(roles) and roles <= {Role.AUDITOR} and not user.is_superuser


class AuditorReadOnlyMiddleware:
    """三员分立: an auditor's writes are refused here, whatever each app's rules say, except
    signing out and changing their own password (and the second-factor step before sign-in).
    Bearer-token calls are checked where the token is read (gongzhi.api.TokenAuth)."""

    SAFE = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method not in self.SAFE
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(
                (reverse("accounts:password"), reverse("accounts:logout"), "/api/v1/auth/")
            )
            and auditor_only(user)
        ):
            audit_record(
                actor=user, action="auth.write_refused", result="denied", details={"path": request.path[:200]}
            )
            if request.path.startswith("/api/"):
                body = {"error": {"code": "forbidden", "message": AUDITOR_READ_ONLY, "fields": []}}
                return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
            raise PermissionDenied(AUDITOR_READ_ONLY)
        return self.get_response(request)
