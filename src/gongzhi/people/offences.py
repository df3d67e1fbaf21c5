"""违法犯罪记录: reads and writes of the criminal records behind the 一票否决 of 法治家庭.

They are sensitive personal information (PIPL art. 28): scoped to 综治中心 staff of the area
(rules.OFFENCE_ROLES) and every listing is audited, like revealing an ID number. Other apps ask
only whether a household has a record in a period (household_offences), never list them."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.kernel.codes import scope_q
from gongzhi.kernel.errors import Invalid
from gongzhi.kernel.jurisdiction import require_role

from . import rules
from .models import OffenceRecord, Person

OFFENCE_KINDS = OffenceRecord.KINDS


def offences_visible_to(user):
    """The records a user may read (unaudited: for counts and checks, not for showing them)."""
    return OffenceRecord.objects.visible_to(user)


def offence_list(*, actor, area_code: str = ""):
    """The offence records an officer may read, filtered by area; reading them is audited."""
    qs = offences_visible_to(actor).select_related("person", "area").order_by("-occurred_on", "-pk")
    if area_code:
        qs = qs.filter(scope_q("area_id", [area_code]))
    # The action keeps its historical name so that audit queries over the years stay one query.
    audit_record(actor=actor, action="points.offence_list", object_type="offence_record",
                 area_code=area_code, details={"area": area_code, "count": qs.count()})  # fmt: skip
    return qs


def household_offences(household_id: int, start: date, end: date):
    """Records of a household's members dealt with between start and end (both included), latest
    first: what a veto needs to know. Not audited here; the caller states why it asked."""
    return (
        OffenceRecord.objects.filter(
            person__household_id=household_id, occurred_on__gte=start, occurred_on__lte=end
        )
        .select_related("person")
        .order_by("-occurred_on", "-pk")
    )


@transaction.atomic
def offence_record(*, actor, person: Person, occurred_on: date, kind: str, description: str,
                   authority: str = "") -> OffenceRecord:  # fmt: skip
    """Record a person's offence dealt with by law (checked, audited)."""
    require_role(actor, rules.OFFENCE_ROLES, person.area_id, "登记违法犯罪记录")
    errors = []
    if kind not in OFFENCE_KINDS:
        errors.append(("kind", "性质须为“违法”或“犯罪”。"))
    if not isinstance(occurred_on, date):
        errors.append(("occurred_on", "请填写处理日期。"))
    elif occurred_on > timezone.localdate():
        errors.append(("occurred_on", "处理日期不能晚于今天。"))
    description = (description or "").strip()
    if not 4 <= len(description) <= 300:
        errors.append(("description", "情况须为 4 至 300 个字。"))
    authority = (authority or "").strip()
    if len(authority) > 64:
        errors.append(("authority", "处理机关不能超过 64 个字。"))
    if errors:
        raise Invalid(errors)
    record = OffenceRecord.objects.create(
        person=person, area_id=person.area_id, occurred_on=occurred_on, kind=kind, description=description,
        authority=authority, recorded_by=actor,
    )  # fmt: skip
    audit_record(actor=actor, action="points.offence_record", object_type="offence_record", object_id=record.pk,
                 area_code=person.area_id, details={"person": person.pk, "kind": kind})  # fmt: skip
    return record
