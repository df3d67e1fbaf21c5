from django.apps import AppConfig
from django.core import checks


@checks.register(checks.Tags.security)
def key_check(app_configs, **kwargs):
    """Malformed keys stop `gongzhi` commands at start-up, not at the first encryption."""
    from gongzhi.lib.crypto import check_keys

    return [checks.Critical(problem, id="gongzhi.E001") for problem in check_keys()]


class AuditConfig(AppConfig):
    name = "gongzhi.audit"
    verbose_name = "审计日志"
