"""Template context: the navigation a user's roles open."""

from gongzhi.cases.rules import AREA_READ_ROLES as CASE_ROLES
from gongzhi.people.rules import READ_ROLES
from gongzhi.points.rules import READ_ROLES as POINTS_ROLES

from .models import CENTRE_ROLES, Role
from .scope import grants_of, roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    # (url name, label, namespace that marks the item current)
    items = [("accounts:home", "工作台", "accounts"), ("areas:index", "区划与网格", "areas")]
    if roles & set(CASE_ROLES) or any(g.department_id for g in grants_of(user)):
        items.insert(1, ("cases:queue", "事件办理", "cases"))
    if Role.RESIDENT in roles:
        items.insert(1, ("cases:my_report", "我要说事", "cases"))
        items.insert(2, ("cases:my_cases", "我的事项", "cases"))
    if roles & set(READ_ROLES):
        items.append(("people:list", "实有人口", "people"))
    if roles & set(POINTS_ROLES):
        items.append(("points:home", "积分管理", "points"))
    if Role.RESIDENT in roles:
        items.insert(3, ("points:my", "我的积分", "points"))
    if Role.AUDITOR in roles:
        items.append(("audit:index", "审计日志", "audit"))
    from gongzhi.notices.models import Notice

    return {
        "unread_notices": Notice.objects.filter(recipient=user, read_at__isnull=True).count(),
        "nav_items": items,
        "my_grants": grants_of(user),
        "is_centre_staff": bool(roles & set(CENTRE_ROLES)),
        "is_points_staff": bool(roles & set(POINTS_ROLES)),
    }
