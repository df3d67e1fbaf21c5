"""What the points app adds to other apps' pages: a registry record's points account."""

from django.urls import reverse

from gongzhi.kernel.jurisdiction import has_role

from . import rules

# Registry model name -> the subject the account-open page takes.
_SUBJECTS = {"person": "person", "household": "household", "organization": "organization"}


def record_links(request, record) -> list[tuple[str, str]]:
    subject = _SUBJECTS.get(record._meta.model_name)
    if subject is None or not has_role(request.user, rules.READ_ROLES, record.area_id):
        return []
    return [("积分账户", reverse("points:account_open", args=(subject, record.pk)))]
