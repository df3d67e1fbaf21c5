"""Reads of the registry: scoped lists with search and filters, and audited detail reads."""

import re

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from gongzhi.audit.services import audit_record
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.crypto import blind_index
from gongzhi.kernel.identity import normalise_id_number

from .models import Household, Organization, Person

_ID_LIKE = re.compile(r"^\d{17}[\dX]$|^[A-Z0-9]{5,30}$")
_PHONE_LIKE = re.compile(r"^(\+86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")


def _search_q(text: str, name_field: str, index_fields: list[str]) -> Q:
    """Exact match on an identifier's blind index when the text looks like one, else name contains."""
    text = text.strip()
    compact = text.replace(" ", "").replace("-", "")
    if _PHONE_LIKE.match(text) or _PHONE_LIKE.match(compact):
        digits = compact[3:] if compact.startswith("+86") else compact
        return Q(**{f"{index_fields[-1]}": blind_index(digits)})
    number = normalise_id_number(text)
    if len(number) >= 15 and _ID_LIKE.match(number) and "id_number_index" in index_fields:
        return Q(id_number_index=blind_index(number))
    return Q(**{f"{name_field}__contains": text})


def people_for(user, *, q: str = "", area: str = "", tag: str = "", kind: str = "", colour: str = ""):
    qs = Person.objects.visible_to(user)
    if q:
        qs = qs.filter(_search_q(q, "name", ["id_number_index", "phone_index"]))
    if area:
        qs = qs.filter(prefix_q("area_id", area))
    if tag:
        qs = qs.filter(tags__tag=tag)
    if kind:
        qs = qs.filter(kind=kind)
    if colour:
        qs = qs.filter(household__care_colour=colour)
    return qs.select_related("area", "household").order_by("area_id", "name", "pk")


def households_for(user, *, q: str = "", area: str = "", colour: str = ""):
    # Counting members in a subquery keeps the count right whatever the filters join.
    members = (
        Person.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Household.objects.visible_to(user).annotate(member_count=Coalesce(Subquery(members), 0))
    if q:
        named = Person.objects.filter(household=OuterRef("pk"), name=q)
        qs = qs.filter(Q(household_no__contains=q) | Q(address__contains=q) | Exists(named))
    if area:
        qs = qs.filter(prefix_q("area_id", area))
    if colour:
        qs = qs.filter(care_colour=colour)
    return qs.select_related("area").order_by("area_id", "household_no")


def organizations_for(user, *, q: str = "", area: str = "", kind: str = ""):
    qs = Organization.objects.visible_to(user)
    if q:
        text = q.strip().upper()
        if len(text) == 18 and text.isalnum():
            qs = qs.filter(credit_code=text)
        else:
            qs = qs.filter(_search_q(q, "name", ["contact_phone_index"]))
    if area:
        qs = qs.filter(prefix_q("area_id", area))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("area").order_by("area_id", "name")


def person_read(user, person: Person, *, channel: str = "web") -> Person:
    """Record that the user opened a person's record (a read of personal data)."""
    audit_record(
        actor=user, action="people.view", object_type="person", object_id=person.pk, area_code=person.area_id,
        details={"channel": channel},
    )  # fmt: skip
    return person


def registry_counts(area_code: str) -> dict:
    """People and households under an area, by code range (for area pages)."""
    return {
        "people": Person.objects.filter(prefix_q("area_id", area_code)).count(),
        "households": Household.objects.filter(prefix_q("area_id", area_code)).count(),
        "organizations": Organization.objects.filter(prefix_q("area_id", area_code)).count(),
    }
