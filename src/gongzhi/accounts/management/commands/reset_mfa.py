"""gongzhi reset_mfa USERNAME — remove a user's authenticator so they enrol again (lost phone)."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.accounts.administration import mfa_reset
from gongzhi.kernel.errors import DomainError


class Command(BaseCommand):
    help = "重置用户的动态口令（如手机丢失）；用户下次登录时重新绑定。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            mfa_reset(actor=None, username=username)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已重置 {username} 的动态口令，下次登录时重新绑定。")
