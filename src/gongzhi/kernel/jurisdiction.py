"""Jurisdiction: which areas a user's roles reach, and which area a request asks for.

The one place every visible_to(), rule and page asks. The floor knows users only through two
contracts the accounts app fulfils: `user.grants` (rows with `role`, `area_id`, `department_id`)
and, for residents, `user.resident_link` (with `person`). It imports no app.
"""

from django.http import Http404

from .codes import is_code, related, within
from .errors import Forbidden


def grants_of(user) -> list:
    """The user's grants, loaded once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_gongzhi_grants", None)
    if cached is None:
        cached = list(user.grants.select_related("area", "department").order_by("id"))
        user._gongzhi_grants = cached
    return cached


def forget_grants(user) -> None:
    """Drop the cached grants after a grant or revocation in the same request."""
    user.__dict__.pop("_gongzhi_grants", None)


def area_codes_for(user, roles=None) -> list[str]:
    """Area codes where the user holds any of `roles` (all roles when None)."""
    return [g.area_id for g in grants_of(user) if roles is None or g.role in roles]


def roles_of(user) -> set[str]:
    return {g.role for g in grants_of(user)}


def primary_role(user) -> str:
    grants = grants_of(user)
    return grants[0].role if grants else ""


def department_ids_of(user) -> list[int]:
    return [g.department_id for g in grants_of(user) if g.department_id]


def has_role(user, roles, area_code: str | None = None) -> bool:
    """True when the user holds one of `roles` in an area at or above `area_code` (any area if None)."""
    if getattr(user, "is_superuser", False):
        return True
    for grant in grants_of(user):
        if grant.role in roles and (area_code is None or area_code.startswith(grant.area_id)):
            return True
    return False


def require_role(user, roles, area_code: str, doing: str) -> None:
    """Raise Forbidden unless the user holds one of `roles` at or above `area_code`."""
    from .roles import Role

    if not has_role(user, roles, area_code):
        labels = "、".join(Role(r).label for r in roles)
        raise Forbidden(f"只有{labels}可以{doing}。")


def resident_link_of(user):
    """The resident link of a signed-in resident (cached on the user by Django), or None."""
    # A missing one-to-one raises RelatedObjectDoesNotExist, an AttributeError: getattr's default covers it.
    return getattr(user, "resident_link", None)


def resident_area(user) -> str:
    """The area code (grid or village) where a signed-in resident lives, or ''."""
    link = resident_link_of(user)
    return link.person.area_id if link is not None else ""


def resident_areas(user) -> list[str]:
    """Where a resident lives: their registry record's area first, then their resident grants."""
    codes = area_codes_for(user, roles=("resident",))
    home = resident_area(user)
    return list(dict.fromkeys([home, *codes] if home else codes))


def resident_village(user) -> str:
    """The village (12-digit code) where a signed-in resident lives, or ''."""
    return resident_area(user)[:12]


def reach_of(user, roles=None, *, residents: bool = False) -> list[str]:
    """The area codes a user works in with `roles`, plus their own village when `residents`."""
    codes = area_codes_for(user, roles)
    village = resident_village(user) if residents else ""
    return [*codes, village] if village and village not in codes else codes


def may_reach(user, code: str, roles=None, *, residents: bool = False, up_the_line: bool = False) -> bool:
    """Whether `code` is an area the user may ask about: at or below one of their areas (with
    `up_the_line`, also above one: the county catalogue or board that binds a village)."""
    if not is_code(code):
        return False
    if getattr(user, "is_superuser", False):
        return True
    codes = reach_of(user, roles, residents=residents)
    return related(code, codes) if up_the_line else within(code, codes)


def requested_area_code(
    request,
    roles=None,
    *,
    value: str | None = None,
    key: str = "area",
    residents: bool = False,
    up_the_line: bool = False,
    default: bool = True,
    may=None,
    defaults=None,
) -> str:
    """The area a page or API call asks for, and may it: `value` (API) or the `key` field of the
    POST, then the query string (pages). Empty means the user's first area for `roles` (when
    `default`; otherwise ''). A malformed code or one out of the user's reach is a 404, like any object out of
    jurisdiction, so the answer never tells which areas exist elsewhere. A domain whose reach is
    not a role's subtree passes its own rule: `may(user, code)` and `defaults(user)` (codes)."""
    if value is None:
        value = (request.POST.get(key) if request.method == "POST" else None) or request.GET.get(key, "")
    code = (value or "").strip()
    user = request.user
    if not code:
        if not default:
            return ""  # no area asked for, and the caller lists all the user's areas
        codes = defaults(user) if defaults else reach_of(user, roles, residents=residents)
        code = codes[0] if codes else ""
    if may is not None:
        allowed = is_code(code) and may(user, code)
    else:
        allowed = may_reach(user, code, roles, residents=residents, up_the_line=up_the_line)
    if not allowed:
        raise Http404
    return code
