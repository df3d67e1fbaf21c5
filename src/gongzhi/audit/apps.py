"""审计日志: what the audit app plugs into the house (gongzhi.kernel.registry)."""

from django.core import checks

from gongzhi.kernel import registry
from gongzhi.kernel.registry import Nav


@checks.register(checks.Tags.security)
def key_check(app_configs, **kwargs):
    """Malformed keys stop `gongzhi` commands at start-up, not at the first encryption."""
    from gongzhi.kernel.crypto import check_keys

    return [checks.Critical(problem, id="gongzhi.E001") for problem in check_keys()]


class AuditConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.audit"
    verbose_name = "审计日志"
    urls = (("audit/", "gongzhi.audit.urls"),)
    nav = (Nav("audit:index", "审计日志", "audit", roles=("auditor",), order=90),)
    checkpoint_anchors = (("audit", "gongzhi.audit.checkpoint:anchor"),)
