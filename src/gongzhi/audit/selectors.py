"""Reads of the audit trail."""

from .chain import Verdict, verify_chain
from .models import AuditEvent, ChainHead


def audit_events_for(user, *, action: str = "", actor: str = "", result: str = ""):
    qs = AuditEvent.objects.visible_to(user)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_username=actor)
    if result:
        qs = qs.filter(result=result)
    return qs.order_by("-seq")


def audit_verify_all() -> Verdict:
    """Verify the whole chain in seq order, streaming."""
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    return verify_chain(events, head=ChainHead.objects.filter(pk=1).first())
