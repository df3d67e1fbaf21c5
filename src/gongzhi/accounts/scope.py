"""Sign-in rules that depend on the user's roles. Jurisdiction itself is gongzhi.kernel.jurisdiction."""

from gongzhi.kernel.jurisdiction import roles_of


def needs_second_factor(user) -> bool:
    """Roles in the security policy's MFA roles (by default county and city staff and the 三员)
    sign in with a code too."""
    from .policy import mfa_roles

    roles = roles_of(user)
    return bool(roles and roles & mfa_roles())
