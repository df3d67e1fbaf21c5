"""gongzhi audit_verify — check the HMAC-SM3 chain, then that it still reaches every checkpoint
written outside the database; exit 1 naming the first break."""

import sys
from datetime import datetime

from django.core.management.base import BaseCommand

from gongzhi.audit.checkpoint import checkpoint_problems
from gongzhi.audit.selectors import audit_verify_all


class Command(BaseCommand):
    help = (
        "校验审计日志哈希链，并与数据库之外的检查点比对：完好时输出 OK <条数>；"
        "否则指出第一条被破坏的事件或被截断的检查点并以 1 退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-checkpoints",
            action="store_true",
            help="不与检查点比对（恢复早于最近检查点的备份后，链比检查点短是预期的）",
        )
        parser.add_argument(
            "--checkpoints-until",
            type=datetime.fromisoformat,
            default=None,
            metavar="ISO时间",
            help="只与此时刻及以前写下的检查点比对（恢复备份时用备份时刻：备份之后的检查点本就不在备份里）",
        )

    def handle(self, *args, skip_checkpoints: bool = False, checkpoints_until=None, **options):
        verdict = audit_verify_all()
        if not verdict.ok:
            self.stderr.write(f"BROKEN seq={verdict.broken_seq} id={verdict.broken_id}: {verdict.reason}")
            sys.exit(1)
        problems = [] if skip_checkpoints else checkpoint_problems(verdict.count, checkpoints_until)
        if problems:
            for problem in problems:
                self.stderr.write(f"BROKEN checkpoint: {problem}")
            sys.exit(1)
        self.stdout.write(f"OK {verdict.count}")
