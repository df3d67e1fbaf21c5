"""Jurisdiction: which areas a user's roles reach. The one place every visible_to() asks."""

from .models import Role, RoleGrant


def grants_of(user) -> list[RoleGrant]:
    """The user's grants, loaded once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_gongzhi_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user).select_related("area", "department").order_by("id"))
        user._gongzhi_grants = cached
    return cached


def forget_grants(user) -> None:
    user.__dict__.pop("_gongzhi_grants", None)


def area_codes_for(user, roles=None) -> list[str]:
    """Area codes where the user holds any of `roles` (all roles when None)."""
    return [g.area_id for g in grants_of(user) if roles is None or g.role in roles]


def roles_of(user) -> set[str]:
    return {g.role for g in grants_of(user)}


def needs_second_factor(user) -> bool:
    """Roles in settings.MFA_ROLES (county and city staff, auditors, sysadmins) sign in with a code too."""
    from django.conf import settings

    return bool(roles_of(user) & set(settings.MFA_ROLES))


def primary_role(user) -> str:
    grants = grants_of(user)
    return grants[0].role if grants else ""


def has_role(user, roles, area_code: str | None = None) -> bool:
    """True when the user holds one of `roles` in an area at or above `area_code` (any area if None)."""
    if getattr(user, "is_superuser", False):
        return True
    for grant in grants_of(user):
        if grant.role in roles and (area_code is None or area_code.startswith(grant.area_id)):
            return True
    return False


STAFF_ROLES = (
    Role.GRID_WORKER,
    Role.VILLAGE_STAFF,
    Role.TOWN_STAFF,
    Role.COUNTY_STAFF,
    Role.CITY_STAFF,
    Role.DEPT_STAFF,
    Role.MEDIATOR,
)


def require_role(user, roles, area_code: str, doing: str) -> None:
    """Raise Forbidden unless the user holds one of `roles` at or above `area_code`."""
    from gongzhi.lib.errors import Forbidden

    if not has_role(user, roles, area_code):
        labels = "、".join(Role(r).label for r in roles)
        raise Forbidden(f"只有{labels}可以{doing}。")


def resident_link_of(user):
    """The ResidentLink of a signed-in resident (cached on the user by Django), or None."""
    # A missing one-to-one raises RelatedObjectDoesNotExist, an AttributeError: getattr's default covers it.
    return getattr(user, "resident_link", None)
