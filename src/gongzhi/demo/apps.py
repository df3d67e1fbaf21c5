"""演示数据: what the demo app plugs into the house (gongzhi.kernel.registry)."""

from gongzhi.kernel import registry


class DemoConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.demo"
    verbose_name = "演示数据"
