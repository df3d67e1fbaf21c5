"""Helpers shared by the core points pages and API: who is staff, which areas and items are within
reach, and which actions a user may take on a declaration or an appeal."""

from django.db.models import Q
from django.http import Http404

from gongzhi.areas import selectors as areas_selectors
from gongzhi.areas.models import Area
from gongzhi.kernel.codes import scope_q
from gongzhi.kernel.jurisdiction import area_codes_for, grants_of, has_role, reach_of, resident_village

from .. import catalogue, rules
from ..choices import AppealStatus, DeclarationStatus
from ..models import PointAccount, PointAppeal, PointDeclaration, PointItem, own_account_ids


def is_staff(user) -> bool:
    """Staff who read points in some area (grid worker, village, town, county, city)."""
    return has_role(user, rules.READ_ROLES)


def require_staff(user) -> None:
    """Pages for staff answer 404 to everyone else, like an object out of jurisdiction."""
    if not is_staff(user):
        raise Http404


def area_in_reach(user, code: str) -> Area:
    """A catalogue area the user may work with: within their points areas, an ancestor of one (the
    county catalogue binds the village), or a resident's own village; else a 404."""
    return areas_selectors.area_in_reach(user, code, rules.READ_ROLES, residents=True, up_the_line=True)


def default_area(user) -> str:
    """The first area where the user holds a points role (or the resident's village)."""
    codes = reach_of(user, rules.READ_ROLES, residents=True)
    return codes[0] if codes else ""


def items_in_reach(user):
    """Catalogue items the user may look at: those that apply in their areas or were made below them."""
    codes = area_codes_for(user, roles=rules.READ_ROLES)
    village = resident_village(user)
    if village:
        codes = [*codes, village]
    if getattr(user, "is_superuser", False):
        return PointItem.objects.all()
    ancestors = {c[:n] for c in codes for n in (2, 4, 6, 9, 12, 15, 18) if n <= len(c)}
    return PointItem.objects.filter(Q(area_id__in=ancestors) | scope_q("area_id", codes))


def declaration_actions(user, declaration: PointDeclaration) -> list[str]:
    """What the user may do with a declaration now: approve, reject, withdraw."""
    actions = []
    if declaration.status != DeclarationStatus.PENDING:
        return actions
    own = declaration.account_id in own_account_ids(user) or declaration.declared_by_id == user.pk
    if not own and has_role(user, rules.REVIEW_ROLES, declaration.area_id):
        actions += ["approve", "reject"]
    if declaration.declared_by_id == user.pk:
        actions.append("withdraw")
    return actions


def may_decide_appeal(user, appeal: PointAppeal) -> bool:
    """A pending appeal the user may decide (village or town, not on their own account)."""
    return (
        appeal.status == AppealStatus.PENDING
        and appeal.account_id not in own_account_ids(user)
        and has_role(user, rules.APPEAL_ROLES, appeal.area_id)
    )


def may_correct(user, account: PointAccount) -> bool:
    """Whether the user may correct entries of this account (not their own)."""
    return account.pk not in own_account_ids(user) and has_role(user, rules.CORRECTION_ROLES, account.area_id)


def awardable_items(user, account: PointAccount) -> list[tuple[PointItem, int]]:
    """Items the user may award or deduct directly on this account, with the village's points."""
    if account.pk in own_account_ids(user):
        return []
    rows = []
    for item in catalogue.items_for(account):
        roles = tuple(item.award_roles or rules.DEFAULT_AWARD_ROLES)
        if has_role(user, roles, account.area_id):
            rows.append((item, catalogue.effective_points(item, account.area_id)))
    return rows


def catalogue_roles(user, code: str) -> dict:
    """What the user may change in the catalogue of an area: county items, local items, adjustments."""
    village = code[:12] if len(code) >= 12 else ""
    county = code[:6]
    return {
        "county": has_role(user, rules.COUNTY_CATALOGUE_ROLES, county),
        "village": bool(village) and has_role(user, rules.VILLAGE_CATALOGUE_ROLES, village),
    }


def county_of(user) -> str:
    """The county where the user keeps the catalogue (first county or city grant), or ''."""
    for grant in grants_of(user):
        if grant.role in rules.COUNTY_CATALOGUE_ROLES:
            return grant.area_id[:6] if len(grant.area_id) >= 6 else grant.area_id
    return ""
