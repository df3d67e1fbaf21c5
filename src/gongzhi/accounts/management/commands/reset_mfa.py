"""gongzhi reset_mfa USERNAME — remove a user's authenticator so they enrol again (lost phone)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongzhi.accounts.models import TotpDevice
from gongzhi.audit.services import audit_record


class Command(BaseCommand):
    help = "重置用户的动态口令（如手机丢失）；用户下次登录时重新绑定。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    @transaction.atomic
    def handle(self, *args, username, **options):
        deleted, _ = TotpDevice.objects.filter(user__username=username).delete()
        if not deleted:
            raise CommandError(f"用户 {username} 没有绑定动态口令。")
        audit_record(actor=None, action="auth.mfa_reset", object_type="user", object_id=username)
        self.stdout.write(f"已重置 {username} 的动态口令，下次登录时重新绑定。")
