"""The REST API under /api/v1/: authentication, one error shape, and the routers each app
declares in its AppConfig (gongzhi.kernel.registry)."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from ninja.security import APIKeyCookie, HttpBearer

from gongzhi.kernel import registry
from gongzhi.kernel.api import ChineseJSONRenderer, ErrorOut, GongzhiAPI, error_body, install_error_handlers

__all__ = ["api", "ErrorOut", "error_body"]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer gz_…` from POST /api/v1/auth/token."""

    def authenticate(self, request, token):
        from gongzhi.accounts.middleware import AUDITOR_READ_ONLY, AuditorReadOnlyMiddleware, auditor_only
        from gongzhi.accounts.policy import CHANGE_MESSAGES, password_change_due
        from gongzhi.accounts.services import token_user
        from gongzhi.kernel.errors import Forbidden

        user = token_user(token)
        if user is not None:
            reason = password_change_due(user)
            if reason:
                raise Forbidden(CHANGE_MESSAGES[reason], code="password_change_required")
            writes = request.method not in AuditorReadOnlyMiddleware.SAFE
            if writes and "/auth/" not in request.path and auditor_only(user):
                raise Forbidden(AUDITOR_READ_ONLY)
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (pages calling the API); CSRF applies to writes."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


def docs_access(view):
    """The API's documentation and schema for signed-in users only, unless GONGZHI_PUBLIC_API_DOCS."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.PUBLIC_API_DOCS and not _signed_in(request):
            if request.path.endswith(".json"):
                body = error_body("unauthorized", "接口文档仅对已登录用户开放：请先登录，或携带令牌访问。")
                return JsonResponse(body, status=401, json_dumps_params={"ensure_ascii": False})
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


def _signed_in(request) -> bool:
    from gongzhi.accounts.services import token_user

    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return True
    header = request.headers.get("Authorization", "")
    return header.startswith("Bearer ") and token_user(header[7:].strip()) is not None


api = GongzhiAPI(
    renderer=ChineseJSONRenderer(),
    title="共治 Gongzhi API",
    version="1",
    description="基层社会治理综治中心平台接口。认证：POST /api/v1/auth/token 取得令牌后，以 `Authorization: Bearer <令牌>` 调用。",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_access,
)
install_error_handlers(api)
registry.mount_routers(api)
