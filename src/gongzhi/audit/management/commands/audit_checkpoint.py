"""gongzhi audit_checkpoint — sign the heads of the audit chain and the points ledger into the
checkpoint file outside the database (Huey does it daily; see deploy.md)."""

from django.core.management.base import BaseCommand

from gongzhi.audit.checkpoint import write_checkpoint
from gongzhi.kernel import checkpoints


class Command(BaseCommand):
    help = "写入检查点：把审计链和积分流水的当前链头签名后追加到数据库之外的检查点文件。"

    def handle(self, *args, **options):
        point = write_checkpoint()
        heads = " ".join(f"{name}={head}" for name, head in sorted(point.anchors.items()))
        self.stdout.write(f"检查点 #{point.n} 已写入 {checkpoints.path()}：{heads}")
