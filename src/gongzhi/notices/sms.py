"""SMS channel. The backend is a dotted path in settings.SMS_BACKEND; the default writes to the log,
so a deployment plugs in its carrier's gateway without touching callers.

A message leaves only after the caller's transaction commits: a rolled-back case or sign-in sends
nothing, and a slow gateway never holds a transaction open. Outside a transaction it leaves at once."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger("gongzhi.sms")


class LogBackend:
    """Writes messages to the log (development, demo, intranets without a gateway)."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone[:3] + "****" + phone[-4:], text)


class MemoryBackend:
    """Keeps messages in memory; for tests that read what was sent."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    """Queue a message for when the current transaction commits."""
    if phone:
        # robust: the change is committed by then, so a failing gateway is logged, not turned
        # into an error page for a case that was in fact registered.
        transaction.on_commit(lambda: _deliver(phone, text), robust=True)


def _deliver(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
