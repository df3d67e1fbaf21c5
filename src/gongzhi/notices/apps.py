"""消息通知: what the notices app plugs into the house (gongzhi.kernel.registry)."""

from gongzhi.kernel import registry


class NoticesConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.notices"
    verbose_name = "消息通知"
    urls = (("notices/", "gongzhi.notices.urls"),)
