"""Recompute every points balance from the ledger, walk the hash chains and compare with the
checkpoints: `OK <accounts> <entries>` or the mismatches (exit 1)."""

import sys
from datetime import datetime

from django.core.management.base import BaseCommand

from gongzhi.points.ledger import verify


class Command(BaseCommand):
    help = "核对积分账本：按流水重新计算每个账户的余额、逐条余额与累计得分，校验哈希链并与检查点比对。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="每类问题最多列出几条")
        parser.add_argument(
            "--skip-checkpoints",
            action="store_true",
            help="不与检查点比对（恢复早于最近检查点的备份后，流水比检查点少是预期的）",
        )
        parser.add_argument(
            "--checkpoints-until",
            type=datetime.fromisoformat,
            default=None,
            metavar="ISO时间",
            help="只与此时刻及以前写下的检查点比对（恢复备份时用备份时刻：备份之后的检查点本就不在备份里）",
        )

    def handle(self, *args, limit: int, skip_checkpoints: bool = False, checkpoints_until=None, **options):
        accounts, entries, problems = verify(
            limit=limit, against_checkpoints=not skip_checkpoints, checkpoints_until=checkpoints_until
        )
        if not problems:
            self.stdout.write(f"OK {accounts} {entries}")
            return
        for line in problems:
            self.stdout.write(line)
        self.stderr.write(f"积分账本不一致：发现 {len(problems)} 处问题（账户 {accounts}，流水 {entries}）。")
        sys.exit(1)
