"""The one scoped queryset behind every visible_to(user) (design.md §4.3).

Same rules everywhere:
- anonymous users see nothing;
- a superuser sees everything (the Django admin's people; they hold no area);
- staff see rows whose area lies at or below an area where they hold one of `read_roles`
  (every field in `area_fields`: a person is kept by both the 居住 and the 户籍 village);
- `owned(user)` adds the rows that are the user's own wherever they are (a resident's reports,
  an assignee's tasks, a department's cases); `public(user)` adds rows shown to residents
  (their village's shops and honours).

A model's queryset subclasses this, names its roles and fields, and overrides owned()/public()
only where the domain has owners or public rows. Tests in tests/kernel cover the rules once.
"""

from django.db import models
from django.db.models import Q

from .codes import scope_q
from .jurisdiction import area_codes_for


class AreaScopedQuerySet(models.QuerySet):
    # Roles that read rows by area; None means any role the user holds.
    read_roles: tuple[str, ...] | None = None
    # Fields holding an area code (an FK to areas.Area with db_column area_code reads as `area_id`).
    area_fields: tuple[str, ...] = ("area_id",)
    # The one exception is the audit trail, which only auditors read (三员分立).
    superuser_sees_all = True

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if self.superuser_sees_all and getattr(user, "is_superuser", False):
            return self.all()
        q = self.area_q(area_codes_for(user, self.read_roles))
        for extra in (self.owned(user), self.public(user)):
            if extra is not None:
                q |= extra
        return self.filter(q)

    def area_q(self, codes) -> Q:
        """Rows under any of `codes` in any of the area fields (nothing for no codes)."""
        q = Q(pk__in=[])
        if codes:
            for field in self.area_fields:
                q |= scope_q(field, codes)
        return q

    def owned(self, user) -> Q | None:
        """Rows that belong to the user wherever they lie (none by default)."""
        return None

    def public(self, user) -> Q | None:
        """Rows shown to the user beyond their grants, e.g. to residents of the area (none by default)."""
        return None
