"""Sign-in rules that depend on the user's roles. Jurisdiction itself is gongzhi.kernel.jurisdiction."""

from gongzhi.kernel.jurisdiction import roles_of


def needs_second_factor(user) -> bool:
    """Roles in settings.MFA_ROLES (county and city staff, auditors, sysadmins) sign in with a code too."""
    from django.conf import settings

    return bool(roles_of(user) & set(settings.MFA_ROLES))
