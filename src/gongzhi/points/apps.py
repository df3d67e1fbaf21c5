"""积分制: what the points app plugs into the house (gongzhi.kernel.registry)."""

from gongzhi.kernel import registry
from gongzhi.kernel.registry import Nav


class PointsConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.points"
    verbose_name = "积分制"
    urls = (("points/", "gongzhi.points.urls"),)
    api_routers = (("/points", "gongzhi.points.api:router"),)
    nav = (
        Nav("points:my", "我的积分", "points", roles=("resident",), order=12),
        Nav("points:home", "积分管理", "points", roles="gongzhi.points.rules.READ_ROLES", order=50),
    )
    record_links = ("gongzhi.points.panels:record_links",)
    point_sink = "gongzhi.points.services:award_event_to_person"
    checkpoint_anchors = (("points", "gongzhi.points.ledger:anchor"),)
