"""运维: backup and restore. The highest layer but the demo: it reads every app's tables by name
and calls the other apps' verify commands by name (call_command), so it imports no app above it."""

from gongzhi.kernel import registry


class OpsConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.ops"
    verbose_name = "运维"
