"""One way for page views to call a service: refusals become a 403, rule breaks become errors on
the matching form fields (forms) or an error message (one-click actions)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from .errors import DomainError, Forbidden, TooManyRequests


def add_service_errors(form, exc: DomainError) -> None:
    """Put a service's field errors on the matching form fields (or on the form)."""
    errors = getattr(exc, "errors", None) or [(exc.field, exc.message)]
    for field, message in errors:
        name = f"extra_{field[6:]}" if field and field.startswith("extra.") else field
        form.add_error(name if name in form.fields else None, message)


def run_form_service(form, call):
    """Run `call()` for a valid form; return its result, or None with the form carrying the errors."""
    try:
        return call()
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        add_service_errors(form, exc)
        return None


def run_action(request, call, success=None):
    """Run `call()` for a one-click page action: a refusal is a 403, a rule break becomes an error
    message, and on success `success` (a text, or a function of the result) is shown. Returns the
    result, or None when the service refused."""
    try:
        result = call()
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return result


def throttled(response, exc: DomainError | None):
    """A page answering a refused sign-in try: 429 when the address or phone is throttled, and
    Retry-After whenever the service said how long to wait."""
    if isinstance(exc, TooManyRequests):
        response.status_code = exc.status
    if exc is not None and exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response
