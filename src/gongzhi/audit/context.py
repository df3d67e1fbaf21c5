"""Per-request context for audit events (client IP), set by middleware, read by services."""

from contextvars import ContextVar

client_ip: ContextVar[str] = ContextVar("client_ip", default="")


def ip_from_request(request) -> str:
    """The client address; X-Forwarded-For is trusted only behind our own proxy."""
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
