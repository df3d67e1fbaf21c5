"""One way for page views to call a service with a form: refusals become a 403, rule breaks
become errors on the matching form fields."""

from django.core.exceptions import PermissionDenied

from .errors import DomainError, Forbidden


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
