"""Who hears about a case: the owning centre's staff, the assignee, the reporter."""

from gongzhi.accounts.models import RoleGrant, User
from gongzhi.kernel.crypto import decrypt
from gongzhi.kernel.roles import CENTRE_ROLES
from gongzhi.notices.services import notify
from gongzhi.notices.sms import send_sms


def centre_staff(area_code: str):
    """Staff of the 综治中心 of exactly this area (not the ones above)."""
    ids = RoleGrant.objects.filter(area_id=area_code, role__in=CENTRE_ROLES).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True)


def _link(case) -> str:
    return f"/cases/{case.pk}/"


def notify_centre(case, text: str, *, kind: str) -> None:
    notify(
        recipients=centre_staff(case.handling_area_id),
        kind=kind,
        text=f"[{case.number}] {text}",
        link=_link(case),
    )


def notify_assignee(case, text: str, *, kind: str) -> None:
    users = []
    if case.assignee_user_id:
        users.append(case.assignee_user)
    if case.assignee_department_id:
        ids = RoleGrant.objects.filter(department_id=case.assignee_department_id).values("user_id")
        users.extend(User.objects.filter(pk__in=ids))
    notify(recipients=users, kind=kind, text=f"[{case.number}] {text}", link=_link(case))


def notify_reporter(case, text: str, *, kind: str) -> None:
    """The reporter's inbox, and an SMS when we hold a phone for them."""
    if case.reporter_user_id:
        notify(
            recipients=[case.reporter_user],
            kind=kind,
            text=f"[{case.number}] {text}",
            link=f"/my/cases/{case.pk}/",
        )
    if case.contact_phone_cipher and not case.anonymous:
        send_sms(decrypt(case.contact_phone_cipher), f"【共治】您反映的事项 {case.number}：{text}")
