"""Idle-session timeout: a session unused for SESSION_IDLE_SECONDS is ended (design.md §5)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from gongzhi.audit.services import audit_record

_KEY = "gongzhi_last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                audit_record(
                    actor=user, action="auth.session_expired", details={"idle_seconds": int(now - last)}
                )
                logout(request)
                message = "长时间未操作，已自动退出，请重新登录。"
                if request.path.startswith("/api/"):
                    body = {"error": {"code": "session_expired", "message": message, "fields": []}}
                    return JsonResponse(body, status=401, json_dumps_params={"ensure_ascii": False})
                messages.warning(request, message)
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            request.session[_KEY] = now
        return self.get_response(request)
