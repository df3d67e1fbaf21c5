"""gongzhi restore <backup> — into an empty database, checked before and proven after."""

import io
from datetime import datetime
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gongzhi.kernel import checkpoints
from gongzhi.ops.backup import BackupError, backup_key, check_backup, restore_backup

# The apps' own checks, called by name: ops imports none of them, and a check an app adds to
# its command is picked up here.
VERIFY_COMMANDS = ("audit_verify", "points_verify")


def run_verify_commands(manifest: dict):
    """Apply migrations newer than the backup, then yield (report line, ok) per verify command.

    The chains are compared with the checkpoints written up to the moment of the backup: those
    the restored chains must reach. Checkpoints written after it are reported, not failed: they
    measure what happened since the backup, which a restore of that backup cannot bring back."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
        yield (
            f"迁移 migrate: 已应用本版本较新的 {len(plan)} 个迁移 / applied {len(plan)} newer migrations",
            True,
        )
    taken = datetime.fromisoformat(manifest["created_at"])
    later = [p for p in checkpoints.read()[0] if checkpoints.written_at(p) > taken]
    if later:
        yield (
            f"检查点 checkpoints: 备份之后还写过 {len(later)} 个检查点（#{later[0].n}–#{later[-1].n}，"
            f"最后一个审计 {later[-1].anchors.get('audit', {}).get('seq', '?')} 条）：此后的记录不在本备份中 / "
            f"{len(later)} checkpoints were written after this backup; what happened since is not in it",
            True,
        )
    for name in VERIFY_COMMANDS:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command(name, stdout=out, stderr=err, checkpoints_until=taken)
        except (CommandError, SystemExit) as exc:
            text = "\n".join(filter(None, [out.getvalue().strip(), err.getvalue().strip()])) or str(exc)
            text = text.replace("\n", "；")
            yield f"{name}: 未通过 / FAILED — {text}", False
        else:
            yield f"{name}: {out.getvalue().strip()}", True


class Command(BaseCommand):
    help = (
        "把 gongzhi backup 做的备份恢复到空库：先校验密钥与校验和（有误则不写入任何东西），"
        "再恢复数据库与媒体文件，核对各表行数，并运行 audit_verify、points_verify。"
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="备份目录 gongzhi-backup-YYYYmmdd-HHMMSS")
        parser.add_argument("--check", action="store_true", help="只校验备份（密钥、校验和），不恢复")

    def handle(self, *args, backup: Path, check: bool, **options):
        try:
            if check:
                manifest = check_backup(backup, backup_key())
                self.stdout.write(
                    f"OK {backup.name}: {manifest['engine']}，{len(manifest['tables'])} 张表 "
                    f"{sum(manifest['tables'].values())} 行，媒体 {len(manifest['media'])} 个文件"
                )
                return
            result = restore_backup(backup, verify=run_verify_commands)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for line in result.lines:
            self.stdout.write(line)
        if result.problems:
            for line in result.problems:
                self.stderr.write(line)
            raise CommandError(
                f"恢复后校验未通过：{len(result.problems)} 处问题 / restore verification failed"
            )
        self.stdout.write("恢复完成，全部校验通过 / restore complete, all checks passed")
