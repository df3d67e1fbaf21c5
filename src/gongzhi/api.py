"""The REST API under /api/v1/: authentication, one error shape, and the routers each app
declares in its AppConfig (gongzhi.kernel.registry)."""

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


api = GongzhiAPI(
    renderer=ChineseJSONRenderer(),
    title="共治 Gongzhi API",
    version="1",
    description="基层社会治理综治中心平台接口。认证：POST /api/v1/auth/token 取得令牌后，以 `Authorization: Bearer <令牌>` 调用。",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
registry.mount_routers(api)
