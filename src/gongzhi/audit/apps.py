from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gongzhi.audit"
    verbose_name = "审计日志"
