"""SMS channel. The backend is a dotted path in settings.SMS_BACKEND; the default writes to the log,
so a deployment plugs in its carrier's gateway without touching callers."""

import logging

from django.conf import settings
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
    if phone:
        import_string(settings.SMS_BACKEND)().send(phone, text)
