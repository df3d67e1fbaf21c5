"""gongzhi backup — a consistent, sealed backup of the database and the media folder."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongzhi.ops.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL：pg_dump 自定义格式；SQLite：在线备份）和媒体目录，附清单，"
        "用 GONGZHI_BACKUP_KEY 加密（AES-256-GCM），写入 gongzhi-backup-YYYYmmdd-HHMMSS 目录。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=None, help="备份存放目录（默认 GONGZHI_BACKUP_DIR）"
        )

    def handle(self, *args, output: Path | None, **options):
        try:
            made = make_backup(into=output or Path(settings.BACKUP_DIR))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        m = made.manifest
        size = sum(f["size"] for f in m["files"])
        head = m["audit_head"] or {}
        self.stdout.write(
            f"{made.path}\n"
            f"  {m['engine']}: {len(m['tables'])} 张表 {sum(m['tables'].values())} 行；"
            f"审计链头 #{head.get('seq', 0)}；媒体 {len(m['media'])} 个文件；共 {size} 字节（已加密）"
        )
