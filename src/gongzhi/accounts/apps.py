"""账号与权限: what the accounts app plugs into the house (gongzhi.kernel.registry)."""

from gongzhi.kernel import registry
from gongzhi.kernel.registry import Nav


class AccountsConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.accounts"
    verbose_name = "账号与权限"
    urls = (("", "gongzhi.accounts.urls"), ("manage/", "gongzhi.accounts.manage_urls"))
    api_routers = (("/auth", "gongzhi.accounts.api:router"),)
    nav = (
        Nav("accounts:home", "工作台", "accounts", order=0),
        Nav("manage:users", "账号管理", "manage", roles=("sysadmin",), order=85),
        Nav("manage:policy", "安全策略", "manage", roles=("security_admin",), order=86),
    )
    area_panels = ("gongzhi.accounts.panels:grid_workers", "gongzhi.accounts.panels:departments")

    def ready(self):
        from .policy import connect_signals

        connect_signals()
