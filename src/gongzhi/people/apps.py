"""实有人口: what the people app plugs into the house (gongzhi.kernel.registry)."""

from gongzhi.kernel import registry
from gongzhi.kernel.registry import Nav


class PeopleConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.people"
    verbose_name = "实有人口"
    urls = (("people/", "gongzhi.people.urls"), ("", "gongzhi.people.residents.urls"))
    api_routers = (
        ("/people", "gongzhi.people.api:people_router"),
        ("/households", "gongzhi.people.api:households_router"),
        ("/organizations", "gongzhi.people.api:organizations_router"),
        ("/auth", "gongzhi.people.residents.api:router"),
    )
    nav = (Nav("people:list", "实有人口", "people", roles="gongzhi.people.rules.READ_ROLES", order=40),)
    area_panels = ("gongzhi.people.panels:registry",)
