"""Audit trail: appending chained events, next to raw inserts, and verifying the chain."""

import time

from django.db import connection, transaction

from bench.timing import report
from gongzhi.audit.models import AuditEvent
from gongzhi.audit.selectors import audit_verify_all
from gongzhi.audit.services import audit_record

N = 5000


def run() -> None:
    print(f"\n[audit] {N:,} events")
    start = time.perf_counter()
    for i in range(N):
        with transaction.atomic():
            audit_record(actor=None, action="bench.event", object_type="bench", object_id=i, details={"i": i})
    report("audit_record, one transaction each (chained HMAC-SM3)", time.perf_counter() - start, N)

    with connection.cursor() as cursor:
        rows = [(10_000_000 + i, "bench.raw", "0" * 64, "0" * 64) for i in range(N)]
        start = time.perf_counter()
        for row in rows:
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO audit_auditevent (seq, created_at, actor_username, role, action, object_type,"
                    " object_id, area_code, ip, result, details, prev_hash, hash)"
                    " VALUES (%s, CURRENT_TIMESTAMP, '', '', %s, '', '', '', '', 'success', '{}', %s, %s)",
                    row,
                )
        report("raw SQL INSERT of the same rows, one transaction each", time.perf_counter() - start, N)
    # The raw rows are outside the chain on purpose; verify only counts what precedes them.
    total = AuditEvent.objects.filter(seq__lt=10_000_000).count()
    start = time.perf_counter()
    verdict = audit_verify_all()
    report(
        f"audit_verify over {total:,} chained events (+{N:,} raw rows, flagged)",
        time.perf_counter() - start,
        total,
    )
    print(f"  verdict: ok={verdict.ok} checked={verdict.count} ({verdict.reason or 'chain intact'})")
