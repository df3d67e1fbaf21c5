"""事件与诉求: what the cases app plugs into the house (gongzhi.kernel.registry)."""

from gongzhi.kernel import registry
from gongzhi.kernel.registry import Nav, PointEvent


class CasesConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.cases"
    verbose_name = "事件与诉求"
    urls = (("", "gongzhi.cases.urls"),)
    api_routers = (
        ("/cases", "gongzhi.cases.api:router"),
        ("/cases", "gongzhi.cases.mediation.api:case_router"),
        ("/mediation", "gongzhi.cases.mediation.api:router"),
        ("/stats", "gongzhi.cases.api:stats_router"),
    )
    nav = (
        Nav("cases:my_report", "我要说事", "cases", roles=("resident",), order=10),
        Nav("cases:my_cases", "我的事项", "cases", roles=("resident",), order=11),
        Nav("cases:queue", "事件办理", "cases", roles="gongzhi.cases.rules.AREA_READ_ROLES", departments=True,
            order=20),
    )  # fmt: skip
    point_events = (
        PointEvent("case_report_useful", "居民说事/随手拍经核实有效"),
        PointEvent("mediation_success", "志愿者调解成功"),
    )
