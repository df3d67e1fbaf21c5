"""Who sees which points rows: staff by the areas of their points roles, residents their own
accounts (their person's, their household's). Shared by every points model's visible_to()."""

from django.db.models import Q

from gongzhi.kernel.jurisdiction import resident_link_of
from gongzhi.kernel.scoping import AreaScopedQuerySet

from .rules import READ_ROLES


class ScopedQuerySet(AreaScopedQuerySet):
    """visible_to(user): staff see rows under the areas of their points roles; residents see their own."""

    read_roles = READ_ROLES
    # How a row reaches the accounts of a resident (their person and household accounts).
    owner_field = "account"

    def owned(self, user):
        owned = own_account_ids(user)
        if not owned or not self.owner_field:
            return None
        field = "pk" if self.owner_field == "self" else f"{self.owner_field}_id"
        return Q(**{f"{field}__in": owned})


def own_account_ids(user) -> list[int]:
    """Accounts a signed-in user holds themselves: their person, their household, their staff account."""
    cached = getattr(user, "_gongzhi_point_accounts", None)
    if cached is not None:
        return cached
    q = Q(user=user)
    link = resident_link_of(user)
    if link is not None:
        q |= Q(person_id=link.person_id)
        household_id = link.person.household_id
        if household_id:
            q |= Q(household_id=household_id)
    from .models import PointAccount  # models imports this module

    ids = list(PointAccount.objects.filter(q).values_list("pk", flat=True))
    user._gongzhi_point_accounts = ids
    return ids
