"""gongzhi load_point_catalogue COUNTY — give a county the Jingmen-like 积分目录 to start from."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.kernel.errors import DomainError
from gongzhi.points.catalogue_data import load
from gongzhi.points.choices import AwardEvent


class Command(BaseCommand):
    help = (
        "为县(区)载入荆门式积分目录（4 大类 191 项正能量行为，其中平安法治 36 项，另有扣分项），"
        "并设置“说事/随手拍核实有效”“志愿者调解成功”的联动积分项目。已有的类别、项目和联动设置保留不动，"
        "可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("county", help="县(区)区划代码，如 420822（沙洋县）")

    def handle(self, *args, county, **options):
        try:
            result = load(county_code=county)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"积分目录 {result.county}：新增项目 {result.created} 个，已有 {result.existing} 个未改动；"
            f"新增类别 {result.categories} 个。"
        )
        for event, code in result.mappings.items():
            self.stdout.write(f"联动积分：{AwardEvent(event).label} → {code}")
