"""gongzhi import_people FILE.xlsx — import a people workbook as the operator; all rows or none."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongzhi.kernel.errors import DomainError
from gongzhi.people.excel.importer import ImportRejected, people_import


class Command(BaseCommand):
    help = "导入实有人口工作簿（.xlsx，列见 docs/people-import.md）；任何一行有错都不写入，并逐条列出错误。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="工作簿路径，如 贺集村实有人口.xlsx")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}。")
        verbose = options["verbosity"] > 1

        def progress(done: int, total: int) -> None:
            if verbose:
                self.stderr.write(f"进度 {done * 100 // max(total, 1)}%")

        try:
            result = people_import(actor=None, source=path, progress=progress)
        except ImportRejected as exc:
            for problem in exc.problems:
                column = f" [{problem.column}]" if problem.column else ""
                self.stderr.write(f"第 {problem.row} 行{column}：{problem.reason}")
            raise CommandError(exc.message) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"导入完成：共 {result.rows} 行，新增 {result.created} 人，更新 {result.updated} 人，"
            f"未变 {result.unchanged} 人，新建 {result.households} 户。"
        )
