"""行政区划与网格: what the areas app plugs into the house (gongzhi.kernel.registry)."""

from gongzhi.kernel import registry
from gongzhi.kernel.registry import Nav


class AreasConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.areas"
    verbose_name = "行政区划与网格"
    urls = (("areas/", "gongzhi.areas.urls"),)
    api_routers = (("/areas", "gongzhi.areas.api:router"),)
    nav = (Nav("areas:index", "区划与网格", "areas", order=30),)
