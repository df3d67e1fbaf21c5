"""The deadline rules page: everyone on staff reads them; county and city staff change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.roles import Role

from .. import deadlines, rules


@login_required
def deadline_rules(request):
    if not has_role(request.user, rules.AREA_READ_ROLES):
        raise Http404
    can_edit = has_role(request.user, [Role.COUNTY_STAFF, Role.CITY_STAFF])
    if request.method == "POST":
        try:
            deadlines.deadline_rule_set(
                actor=request.user,
                kind="",
                urgency=request.POST.get("urgency", ""),
                level=request.POST.get("level", ""),
                accept_hours=int(request.POST.get("accept_hours") or 0),
                resolve_hours=int(request.POST.get("resolve_hours") or 0),
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "时限须为整数小时。"))
        else:
            messages.success(request, "办理时限已更新，新登记和新受理的事件按新时限计算。")
        return redirect("cases:deadline_rules")
    return render(
        request, "cases/deadline_rules.html", {"rows": deadlines.rule_table(), "can_edit": can_edit}
    )
