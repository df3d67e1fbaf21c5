"""What the accounts app shows on an area's page: its grid workers and its 职能部门."""

from gongzhi.areas import selectors as area_selectors

from . import selectors


def grid_workers(request, area):
    if not area.is_grid:
        return None
    return {
        "template": "accounts/_area_grid_workers.html",
        "grid_workers": area_selectors.grid_workers_of(area),
    }


def departments(request, area):
    found = list(selectors.departments_for(request.user, area))
    return {"template": "accounts/_area_departments.html", "departments": found} if found else None
