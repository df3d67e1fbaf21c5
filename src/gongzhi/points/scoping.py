"""Who sees which points rows: staff by the areas of their points roles, residents their own
accounts (their person's, their household's). Shared by every points model's visible_to()."""

from django.db import models
from django.db.models import Q

from gongzhi.accounts.scope import area_codes_for, resident_link_of
from gongzhi.areas.models import scope_q

from .rules import READ_ROLES


class ScopedQuerySet(models.QuerySet):
    """visible_to(user): staff see rows under the areas of their points roles; residents see their own."""

    area_field = "area_id"
    # How a row reaches the accounts of a resident (their person and household accounts).
    owner_field = "account"

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        codes = area_codes_for(user, roles=READ_ROLES)
        q = scope_q(self.area_field, codes) if codes else Q(pk__in=[])
        owned = own_account_ids(user)
        if owned and self.owner_field:
            field = "pk" if self.owner_field == "self" else f"{self.owner_field}_id"
            q |= Q(**{f"{field}__in": owned})
        return self.filter(q)


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
