"""The app registry: each app's AppConfig declares what it adds to the shared house, and the root
files (URLs, API, navigation, the area page, the points door) read it. Adding an app means writing
its own folder and one line in INSTALLED_APPS; no shared file is edited.

Declarations are data with dotted paths ("module:attr" or "module.ATTR"), resolved on first use,
because AppConfig modules are imported before any model may be.

    class CasesConfig(GongzhiApp):
        name = "gongzhi.cases"
        urls = (("", "gongzhi.cases.urls"),)
        api_routers = (("/cases", "gongzhi.cases.api:router"),)
        nav = (Nav("cases:queue", "事件办理", "cases", roles="gongzhi.cases.rules.AREA_READ_ROLES"),)
        area_panels = ("gongzhi.cases.panels:area_panel",)
        point_events = (PointEvent("case_report_useful", "居民说事/随手拍经核实有效"),)
"""

from dataclasses import dataclass
from functools import cache

from django.apps import AppConfig, apps
from django.db.models.signals import pre_save
from django.utils.module_loading import import_string

from .text import guard_model_text


def resolve(path: str):
    """'pkg.module:attr' or 'pkg.module.attr' -> the object."""
    return import_string(path.replace(":", "."))


@dataclass(frozen=True)
class Nav:
    """An entry of the main navigation."""

    url: str  # URL name, e.g. "cases:queue"
    label: str  # 中文 label
    namespace: str  # URL namespace that marks the entry current
    # Who sees it: a dotted path to a tuple of roles, or a tuple of role values; () is everyone.
    roles: str | tuple = ()
    # Also shown to any holder of a department grant (tasks assigned to a 职能部门).
    departments: bool = False
    order: int = 50


@dataclass(frozen=True)
class PointEvent:
    """Something an app may award points for; the county maps it to a catalogue item."""

    code: str
    label: str


class GongzhiApp(AppConfig):
    """Base AppConfig of every Gongzhi app; the attributes below are its plug into the house."""

    # (URL prefix, urlconf module). Includes are mounted in INSTALLED_APPS order.
    urls: tuple[tuple[str, str], ...] = ()
    # (path under /api/v1, "module:router").
    api_routers: tuple[tuple[str, str], ...] = ()
    nav: tuple[Nav, ...] = ()
    # Dotted callables (request, area) -> dict with "template" (and its context) or None.
    area_panels: tuple[str, ...] = ()
    # Dotted callables (request, record) -> [(label, url)]: links an app adds to the page of a
    # registry record (a person, household or organisation), e.g. its points account.
    record_links: tuple[str, ...] = ()
    # Events this app awards points for, through award_points() below.
    point_events: tuple[PointEvent, ...] = ()
    # The one app that keeps the points ledger names its door here: a callable taking
    # (event=, person=, actor=, source_id=, reason=) and returning the entry or None.
    point_sink: str = ""
    # (name, "module:callable" () -> dict): the head of a chain this app keeps, signed into each
    # checkpoint under `name` (kernel/checkpoints.py); the app's verifier compares against it.
    checkpoint_anchors: tuple[tuple[str, str], ...] = ()

    def ready(self):
        # Every text column of every app refuses control characters and over-long values on save
        # (kernel.text); an app that overrides ready() calls super().ready().
        for model in self.get_models():
            pre_save.connect(guard_model_text, sender=model, dispatch_uid=f"text-guard:{model._meta.label}")


def gongzhi_apps() -> list[GongzhiApp]:
    """The installed Gongzhi apps, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, GongzhiApp)]


def checkpoint_anchors() -> dict:
    """What every app anchors in a checkpoint now: {name: head}."""
    return {name: resolve(path)() for app in gongzhi_apps() for name, path in app.checkpoint_anchors}


def url_patterns() -> list:
    from django.urls import include, path

    return [path(prefix, include(module)) for app in gongzhi_apps() for prefix, module in app.urls]


def mount_routers(api) -> None:
    for app in gongzhi_apps():
        for prefix, router in app.api_routers:
            api.add_router(prefix, resolve(router))


@cache
def _roles(spec) -> frozenset:
    return frozenset(resolve(spec) if isinstance(spec, str) else spec)


def nav_for(user, roles: set[str], has_department: bool) -> list[tuple[str, str, str]]:
    """(url name, label, namespace) of the entries a user's roles open, in order."""
    entries = []
    for app in gongzhi_apps():
        for entry in app.nav:
            wanted = _roles(entry.roles)
            if not wanted or roles & wanted or (entry.departments and has_department):
                entries.append(entry)
    entries.sort(key=lambda e: e.order)
    return [(e.url, e.label, e.namespace) for e in entries]


def area_panels(request, area) -> list[dict]:
    """The panels apps add to an area's page, each a dict with its template."""
    panels = []
    for app in gongzhi_apps():
        for path in app.area_panels:
            panel = resolve(path)(request, area)
            if panel:
                panels.append(panel)
    return panels


def record_links(request, record) -> list[tuple[str, str]]:
    """The links installed apps add to a registry record's page, as (label, url)."""
    return [
        link for app in gongzhi_apps() for path in app.record_links for link in resolve(path)(request, record)
    ]


def point_events() -> list[PointEvent]:
    """Every event some installed app may award points for."""
    return [event for app in gongzhi_apps() for event in app.point_events]


def award_points(*, event: str, person, actor, source_id: str, reason: str):
    """Award the item the person's county mapped to `event`, through the points app's door, in the
    caller's transaction. Without a points app (or a mapping) nothing happens and None is returned."""
    if event not in {e.code for e in point_events()}:
        raise ValueError(f"undeclared point event {event!r}")
    for app in gongzhi_apps():
        if app.point_sink:
            return resolve(app.point_sink)(
                event=event, person=person, actor=actor, source_id=source_id, reason=reason
            )
    return None
