"""gongzhi audit_verify — check the HMAC-SM3 chain; exit 1 naming the first broken event."""

import sys

from django.core.management.base import BaseCommand

from gongzhi.audit.selectors import audit_verify_all


class Command(BaseCommand):
    help = "校验审计日志哈希链：完好时输出 OK <条数>；否则指出第一条被破坏的事件并以 1 退出。"

    def handle(self, *args, **options):
        verdict = audit_verify_all()
        if verdict.ok:
            self.stdout.write(f"OK {verdict.count}")
            return
        self.stderr.write(f"BROKEN seq={verdict.broken_seq} id={verdict.broken_id}: {verdict.reason}")
        sys.exit(1)
