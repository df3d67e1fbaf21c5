"""gongzhi disable_inactive — disable accounts unused for the security policy's days (for cron;
the Huey worker runs the same every night)."""

from django.core.management.base import BaseCommand

from gongzhi.accounts.administration import disable_inactive
from gongzhi.accounts.policy import inactive_disable_days


class Command(BaseCommand):
    help = "停用长期未登录的账号（天数见安全策略，默认 90 天；保留最后一名系统管理员）。"

    def handle(self, *args, **options):
        disabled = disable_inactive()
        days = inactive_disable_days()
        if not days:
            self.stdout.write("安全策略未启用长期未登录停用。")
        elif disabled:
            self.stdout.write(f"已停用 {len(disabled)} 个超过 {days} 天未登录的账号：{'、'.join(disabled)}")
        else:
            self.stdout.write(f"没有超过 {days} 天未登录的账号。")
