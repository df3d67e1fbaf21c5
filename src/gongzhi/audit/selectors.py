"""Reads of the audit trail."""

from .chain import Verdict, verify_chain
from .checkpoint import checkpoint_problems
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


def audit_verify_all(*, checkpoints: bool = False) -> Verdict:
    """Verify the whole chain in seq order, streaming; with `checkpoints`, then also that it still
    reaches every checkpoint written outside the database (the first problem is the reason)."""
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    verdict = verify_chain(events, head=ChainHead.objects.filter(pk=1).first())
    if verdict.ok and checkpoints:
        problems = checkpoint_problems(verdict.count)
        if problems:
            return Verdict(False, verdict.count, reason=problems[0])
    return verdict
