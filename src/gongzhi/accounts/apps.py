"""账号与权限: what the accounts app plugs into the house (gongzhi.kernel.registry)."""

from gongzhi.kernel import registry
from gongzhi.kernel.registry import Nav


class AccountsConfig(registry.GongzhiApp):  # the module name keeps Django's app-config discovery to one class
    name = "gongzhi.accounts"
    verbose_name = "账号与权限"
    urls = (("", "gongzhi.accounts.urls"),)
    api_routers = (("/auth", "gongzhi.accounts.api:router"),)
    nav = (
        Nav("accounts:home", "工作台", "accounts", order=0),
        Nav("accounts:users", "账号管理", "accounts", roles=("sysadmin",), order=85),
        Nav("accounts:policy", "安全策略", "accounts", roles=("security_admin",), order=86),
    )
    area_panels = ("gongzhi.accounts.panels:grid_workers", "gongzhi.accounts.panels:departments")

    def ready(self):
        from .policy import connect_signals

        connect_signals()
