"""A stand-in for the next domain app: it plugs into the house through its AppConfig only."""

from gongzhi.kernel import registry
from gongzhi.kernel.registry import Nav, PointEvent


class SampleConfig(registry.GongzhiApp):
    name = "tests.kernel.sample_app"
    label = "sample_app"
    urls = (("sample/", "tests.kernel.sample_app.urls"),)
    api_routers = (("/sample", "tests.kernel.sample_app.api:router"),)
    nav = (Nav("sample_app:index", "样例模块", "sample_app", roles=("village_staff",), order=45),)
    area_panels = ("tests.kernel.sample_app.panels:panel",)
    point_events = (PointEvent("sample_done", "样例事项完成"),)
