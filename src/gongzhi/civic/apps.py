"""法治家庭 and 红黑榜: what the civic app plugs into the house (gongzhi.kernel.registry)."""

from gongzhi.kernel import registry


class CivicConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.civic"
    verbose_name = "法治家庭与红黑榜"
    # Same public paths as when civic lived inside the points app.
    urls = (("points/civic/", "gongzhi.civic.urls"),)
    api_routers = (("/points/civic", "gongzhi.civic.api:router"),)

    def ready(self):
        super().ready()
        from gongzhi.points.selectors import register_photo_scope

        from .moral import nominations_with_visible_photos

        # Evidence photos of 红黑榜 nominations are served by the points photo page.
        register_photo_scope("nomination", nominations_with_visible_photos)
