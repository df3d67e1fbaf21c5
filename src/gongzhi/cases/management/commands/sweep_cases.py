"""gongzhi sweep_cases — run the deadline sweep now (Huey runs it every five minutes)."""

from django.core.management.base import BaseCommand

from gongzhi.cases.sweep import cases_sweep


class Command(BaseCommand):
    help = "立即执行一次事件时限巡检：超期标记、自动督办、临期提醒、紧急事项未上报提醒。"

    def handle(self, *args, **options):
        counts = cases_sweep()
        labels = {"accept_overdue": "受理超期", "overdue": "办结超期", "supervised": "自动督办",
                  "due_soon": "临期提醒", "not_reported_up": "未按时上报"}  # fmt: skip
        self.stdout.write("，".join(f"{labels[k]} {v}" for k, v in counts.items()))
