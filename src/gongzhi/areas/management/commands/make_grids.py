"""gongzhi make_grids CODE --per-village N — create N grids in every village under CODE."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.areas.services import areas_make_grids
from gongzhi.kernel.errors import DomainError


class Command(BaseCommand):
    help = "在 CODE 下每个村(社区)建立 N 个网格（编码为村代码+3位），可选每网格 M 个微网格；已有的保留。"

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--per-village", type=int, required=True)
        parser.add_argument("--micro-per-grid", type=int, default=0)

    def handle(self, *args, code, per_village, micro_per_grid, **options):
        try:
            grids, micro = areas_make_grids(code=code, per_village=per_village, micro_per_grid=micro_per_grid)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"新建网格 {grids} 个，微网格 {micro} 个。")
