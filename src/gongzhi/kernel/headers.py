"""Response headers for privacy: what the browser may use (Permissions-Policy) and that no page or
API answer is kept in a cache (Cache-Control: no-store). The Content-Security-Policy itself comes
from django-csp (settings.CONTENT_SECURITY_POLICY).

Placed after WhiteNoise, so static files (served before the app, the same for everyone) keep their
long cache lifetimes; every response the app itself makes may carry personal data or a CSRF token
— pages, API answers, photos and downloads — and is never stored, on shared village computers
or in a proxy."""

from django.conf import settings


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
