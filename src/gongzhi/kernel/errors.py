"""Domain errors raised by services; pages and the API turn them into Chinese messages."""


class DomainError(Exception):
    """A request that breaks a rule of the domain. `message` is shown to the user as is."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        # Seconds until the same request may succeed; pages and the API send it as Retry-After.
        self.retry_after = retry_after


class Forbidden(DomainError):
    """The actor is known but may not do this."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The object changed under the actor (a lost race or an out-of-order action)."""

    status = 409
    code = "conflict"


class AuthFailed(DomainError):
    """Wrong credentials, a locked account or an expired token."""

    status = 401
    code = "unauthorized"


class Locked(AuthFailed):
    """Too many failed logins: the username is locked for a while."""

    status = 423
    code = "locked"


class TooManyRequests(DomainError):
    """Too many tries from one address or for one phone in a while (429 with Retry-After)."""

    status = 429
    code = "too_many_requests"


class Invalid(DomainError):
    """Several fields are wrong at once; `errors` lists (field, message) in field order."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("；".join(message for _, message in errors), field=errors[0][0] if errors else None)
        self.errors = errors
