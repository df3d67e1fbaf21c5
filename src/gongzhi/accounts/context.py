"""Template context: the navigation a user's roles open (entries declared by each app's AppConfig)."""

from gongzhi.kernel import registry
from gongzhi.kernel.jurisdiction import department_ids_of, grants_of, roles_of
from gongzhi.kernel.roles import CENTRE_ROLES


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from gongzhi.notices.models import Notice

    roles = roles_of(user)
    return {
        "unread_notices": Notice.objects.filter(recipient=user, read_at__isnull=True).count(),
        "nav_items": registry.nav_for(user, roles, bool(department_ids_of(user))),
        "my_grants": grants_of(user),
        "is_centre_staff": bool(roles & set(CENTRE_ROLES)),
    }
