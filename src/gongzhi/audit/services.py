"""Writing audit events: one function, called inside the transaction of the change it records."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.kernel.jurisdiction import area_codes_for, primary_role

from .chain import link_hash
from .context import client_ip
from .models import AuditEvent, ChainHead, Result


def audit_record(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_id: str = "",
    area_code: str = "",
    result: str = Result.SUCCESS,
    details: dict | None = None,
    role: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one event to the chain. Joins the caller's transaction, so it lands or not with it."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        # Bumping the head first takes its row lock (PostgreSQL) or the write lock (SQLite),
        # so concurrent writers queue here and each links to the one before.
        if not ChainHead.objects.filter(pk=1).update(seq=F("seq") + 1):
            ChainHead.objects.create(pk=1, seq=1)
        head = ChainHead.objects.get(pk=1)
        if actor is not None and not role:
            role = primary_role(actor)
        if actor is not None and not area_code:
            codes = area_codes_for(actor)
            area_code = codes[0] if codes else ""
        event = AuditEvent(
            seq=head.seq,
            created_at=timezone.now(),
            actor=actor,
            actor_username=username or (actor.get_username() if actor else ""),
            role=role,
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:64],
            area_code=area_code,
            ip=client_ip.get(),
            result=result,
            details=details or {},
            prev_hash=head.hash,
        )
        event.hash = link_hash(head.hash, event)
        event.save(force_insert=True)
        ChainHead.objects.filter(pk=1).update(hash=event.hash)
    return event
