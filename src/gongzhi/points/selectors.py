"""Reads of the 积分制 core that other apps extend: which evidence photos a user may open.

Photos back declarations here and, through a scope another app registers (the 红黑榜 of civic),
other records; the points app does not import those apps, they register themselves in ready()."""

from collections.abc import Callable

from django.db.models import Q

from .models import EvidencePhoto, PointDeclaration

# field of EvidencePhoto -> callable(user) returning the queryset of its rows the user may see.
_photo_scopes: dict[str, Callable] = {}


def register_photo_scope(field: str, visible: Callable) -> None:
    """Let an app say whose photos (EvidencePhoto.<field>) a user may open."""
    _photo_scopes[field] = visible


def evidence_photos_visible_to(user):
    """Photos of the declarations the user may see, and of whatever registered scopes allow."""
    q = Q(declaration__in=PointDeclaration.objects.visible_to(user).values("pk"))
    for field, visible in _photo_scopes.items():
        q |= Q(**{f"{field}__in": visible(user).values("pk")})
    return EvidencePhoto.objects.filter(q)
