"""gongzhi seed_demo — build the demo county (idempotent): areas, departments, accounts, a
synthetic registry of people, households and organisations, a year of cases and a year of the
积分制; print the demo accounts."""

import argparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongzhi.accounts.models import Department, RoleGrant
from gongzhi.accounts.policy import mfa_roles
from gongzhi.accounts.services import department_create, user_grant_role
from gongzhi.areas.models import Area, Level
from gongzhi.areas.services import areas_import_national, areas_make_grids
from gongzhi.demo import data
from gongzhi.demo.cases import seed_cases
from gongzhi.demo.people import seed_people
from gongzhi.demo.points import seed_points
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.roles import Role


class Command(BaseCommand):
    help = (
        "建立演示县（沙洋县）：真实区划、网格、职能部门、各角色演示账号，模拟的实有人口、户和单位，"
        "以及近一年的事件（矛盾纠纷、隐患、诉求）及其办理过程。"
        "仅在演示/调试模式下可用。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons",
            type=int,
            default=data.PERSONS,
            help=f"演示县实有人口总数（默认 {data.PERSONS}）；已有人数不少于此数时不再新增，多出的部分补足。",
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=data.CASES,
            help=f"演示县近一年的事件总数（默认 {data.CASES}）；已有事件不少于此数时不再新增。",
        )
        parser.add_argument(
            "--points",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="载入积分目录并生成近一年的积分制数据（申报、评定、扣分、兑换、积分之星等）；"
            "县里已有积分流水时不再新增。--no-points 跳过。",
        )

    def handle(self, *args, **options):
        persons, cases = options["persons"], options["cases"]
        if not 0 <= persons <= 5_000_000:
            raise CommandError("--persons 须在 0 到 5000000 之间。")
        if not 0 <= cases <= 1_000_000:
            raise CommandError("--cases 须在 0 到 1000000 之间。")
        if not (settings.DEMO or settings.DEBUG):
            raise CommandError(
                "seed_demo 只能在演示或调试模式（GONGZHI_DEMO=1 或 GONGZHI_DEBUG=1）下运行：它会建立密码公开的账号。"
            )
        try:
            with transaction.atomic():
                self._areas()
                self._departments()
                self._accounts()
            self._people(persons)
            self._cases(cases)
            if options["points"]:
                self._points()
        except (DomainError, FileNotFoundError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None
        self._print_accounts()

    def _areas(self):
        if not Area.objects.filter(pk=data.COUNTY).exists():
            result = areas_import_national(code=data.COUNTY)
            self.stdout.write(f"导入区划：新增 {result.created} 个")
        grids, micro = areas_make_grids(code=data.COUNTY, per_village=data.GRIDS_PER_VILLAGE)
        more = areas_make_grids(
            code=data.HEJI,
            per_village=data.GRIDS_PER_VILLAGE,
            micro_per_grid=data.MICROGRIDS_PER_GRID_IN_HEJI,
        )
        if grids or micro or any(more):
            self.stdout.write(f"新建网格 {grids + more[0]} 个，微网格 {micro + more[1]} 个")

    def _departments(self):
        for area, name, kind in data.DEPARTMENTS:
            department_create(name=name, kind=kind, area_code=area)

    def _accounts(self):
        for username, full_name, role, area, dept_name in data.ACCOUNTS:
            if RoleGrant.objects.filter(user__username=username, role=role, area_id=area).exists():
                continue
            dept = Department.objects.get(name=dept_name) if dept_name else None
            user_grant_role(
                username=username,
                role=role,
                area_code=area,
                password=data.PASSWORD,
                full_name=full_name,
                department=dept,
            )

    def _people(self, persons: int):
        result = seed_people(persons=persons)
        if not (result.people or result.organizations):
            self.stdout.write(f"实有人口：已有 {result.total} 人，不少于 {persons}，未新增")
            return
        self.stdout.write(
            f"实有人口：新增 {result.people} 人、{result.households} 户、单位 {result.organizations} 个，"
            f"现共 {result.total} 人（用时 {result.seconds:.1f} 秒）"
        )

    def _cases(self, cases: int):
        result = seed_cases(cases=cases)
        if not result.cases:
            self.stdout.write(f"事件：已有 {result.total} 件，不少于 {cases}，未新增")
            return
        done = sum(n for status, n in result.by_status.items() if status in ("closed", "rejected", "merged"))
        self.stdout.write(
            f"事件：新增 {result.cases} 件（办理记录 {result.events} 条、当事人 {result.parties} 人、"
            f"随手拍居民账号 {result.accounts} 个），已结 {done} 件、在办 {result.cases - done} 件，"
            f"现共 {result.total} 件（用时 {result.seconds:.1f} 秒）"
        )

    def _points(self):
        result = seed_points()
        if not result.added:
            self.stdout.write(f"积分制：已有积分流水 {result.entries} 条，未新增")
            return
        declared = sum(result.declarations.values())
        self.stdout.write(
            f"积分制：积分账户 {result.accounts} 个、积分流水 {result.added} 条、申报 {declared} 件"
            f"（待审核 {result.declarations.get('pending', 0)} 件）、兑换单 {sum(result.redemptions.values())} 张、"
            f"积分超市 {result.shops} 个（用时 {result.seconds:.1f} 秒）"
        )

    def _print_accounts(self):
        county = Area.objects.get(pk=data.COUNTY)
        counts = {
            lv: Area.objects.filter(level=lv, code__startswith=data.COUNTY).count() for lv in Level.values
        }
        self.stdout.write(
            f"\n演示县：{county.name}（{county.code}）镇级 {counts['town']} 个，村级 {counts['village']} 个，"
            f"网格 {counts['grid']} 个，微网格 {counts['microgrid']} 个"
        )
        self.stdout.write(f"演示账号（密码均为 {data.PASSWORD}，仅限演示）：")
        for username, full_name, role, area, dept_name in data.ACCOUNTS:
            area_name = Area.objects.get(pk=area).name
            extra = f" · {dept_name}" if dept_name else ""
            self.stdout.write(f"  {username:<15} {full_name:<4} {Role(role).label} @ {area_name}{extra}")
        self.stdout.write(
            f"{'、'.join(Role(r).label for r in Role.values if r in mfa_roles())}的账号登录时须加验动态口令；"
            "演示模式下验证码直接显示在页面上。\n"
        )
