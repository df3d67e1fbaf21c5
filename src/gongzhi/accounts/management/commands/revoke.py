"""gongzhi revoke USERNAME ROLE AREA_CODE — take a role back."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.accounts.services import user_revoke_role
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.roles import Role


class Command(BaseCommand):
    help = "收回用户在某区划的角色。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("area_code")

    def handle(self, *args, username, role, area_code, **options):
        try:
            user_revoke_role(username=username, role=role, area_code=area_code)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已收回 {username} 在 {area_code} 的 {role}")
