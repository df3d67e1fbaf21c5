"""Recompute every points balance from the ledger: `OK <accounts> <entries>` or the mismatches."""

import sys

from django.core.management.base import BaseCommand

from gongzhi.points.ledger import verify


class Command(BaseCommand):
    help = "核对积分账本：按流水重新计算每个账户的余额、逐条余额与累计得分。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="每类问题最多列出几条")

    def handle(self, *args, limit: int, **options):
        accounts, entries, problems = verify(limit=limit)
        if not problems:
            self.stdout.write(f"OK {accounts} {entries}")
            return
        for line in problems:
            self.stdout.write(line)
        self.stderr.write(f"积分账本不一致：发现 {len(problems)} 处问题（账户 {accounts}，流水 {entries}）。")
        sys.exit(1)
