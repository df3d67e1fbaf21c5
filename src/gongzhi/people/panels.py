"""What the registry shows on an area's page: how many people, households and organisations."""

from gongzhi.kernel.jurisdiction import has_role

from .rules import READ_ROLES
from .selectors import registry_counts


def registry(request, area):
    if not has_role(request.user, READ_ROLES, area.code):
        return None
    return {"template": "people/_area_panel.html", "area": area, "counts": registry_counts(area.code)}
