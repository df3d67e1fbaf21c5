"""gongzhi grant USERNAME ROLE AREA_CODE [--password P] — create a user if needed, grant a role."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.accounts.models import Department
from gongzhi.accounts.services import user_grant_role
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.roles import Role


class Command(BaseCommand):
    help = "授予用户在某区划的角色（用户不存在则创建）。角色：" + "、".join(
        f"{r.value}({r.label})" for r in Role
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("area_code")
        parser.add_argument("--password", help="设置（或重设）密码；须符合密码策略")
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--department", help="职能部门名称（dept_staff 必填），在该区划或上级区划中查找")

    def handle(self, *args, username, role, area_code, password, name, department, **options):
        dept = None
        if department:
            prefixes = [area_code[:n] for n in range(2, len(area_code) + 1)]
            dept = Department.objects.filter(name=department, area_id__in=prefixes).first()
            if dept is None:
                raise CommandError(f"在 {area_code} 及其上级中找不到部门「{department}」。")
        try:
            grant = user_grant_role(
                username=username,
                role=role,
                area_code=area_code,
                password=password,
                full_name=name,
                department=dept,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"已授予 {username} {grant.get_role_display()} @ {grant.area.name}({grant.area_id})"
        )
