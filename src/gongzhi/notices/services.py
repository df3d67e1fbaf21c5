"""Writing notifications. Called by other apps' services inside their transaction."""

from django.utils import timezone

from .models import Notice


def notify(*, recipients, kind: str, text: str, link: str = "") -> int:
    """One inbox entry per distinct active recipient; returns how many were written."""
    seen, rows = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notice(recipient=user, kind=kind, text=text[:300], link=link))
    Notice.objects.bulk_create(rows)
    return len(rows)


def notices_mark_read(*, user, notice_ids=None) -> int:
    qs = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        qs = qs.filter(pk__in=notice_ids)
    return qs.update(read_at=timezone.now())
