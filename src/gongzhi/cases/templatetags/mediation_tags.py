"""{% mediation_panel case %}: the 调解 section of a dispute's detail page, with the steps the
signed-in user may take. Errors of a failed step come from the view's context."""

from datetime import timedelta

from django import template
from django.utils import timezone

from gongzhi.cases.mediation import rules as mrules
from gongzhi.cases.mediation.models import (
    ConfirmationResult,
    Mediation,
    MediationResult,
    MediationStatus,
    Workroom,
)
from gongzhi.cases.mediation.selectors import mediation_candidates
from gongzhi.cases.mediation.services import CONFIRMATION_DAYS

register = template.Library()


@register.inclusion_tag("cases/mediation/_panel.html", takes_context=True)
def mediation_panel(context, case):
    user = context["request"].user
    mediation = Mediation.objects.filter(case=case).select_related("lead", "workroom", "area").first()
    if mediation is not None:
        mediation.case = case
    panel = {
        "case": case,
        "mediation": mediation,
        "csrf_token": context.get("csrf_token"),
        "error": context.get("mediation_error", ""),
        "step": context.get("mediation_step", ""),
        "post": context.get("mediation_post") or {},
        "today": timezone.localdate(),
    }
    if mediation is None:
        may_open = mrules.may_open(user, case)
        panel["may_open"] = may_open
        if may_open:
            panel["workrooms"] = Workroom.objects.visible_to(user).filter(
                active=True, area_id__in=[case.area_id[:9], case.area_id[:12]]
            )
            panel["candidates"] = mediation_candidates(case)
        return panel
    confirmations = list(mediation.confirmations.all())
    may_record = mrules.may_record(user, mediation)
    succeeded = mediation.status == MediationStatus.SUCCEEDED
    blocking = [
        c for c in confirmations if c.result in (ConfirmationResult.PENDING, ConfirmationResult.VALID)
    ]
    panel.update(
        parties=case.parties.select_related("person").order_by("pk"),
        sessions=mediation.sessions.select_related("recorded_by"),
        co_mediators=mediation.co_mediators.order_by("pk"),
        confirmations=confirmations,
        succeeded=succeeded,
        may_record=mediation.is_open and may_record,
        may_conclude=mediation.is_open and mrules.may_conclude(user, mediation),
        may_confirm=succeeded and may_record and not blocking,
        may_decide=may_record,
        deadline=mediation.agreed_on + timedelta(days=CONFIRMATION_DAYS) if mediation.agreed_on else None,
        default_place=mediation.workroom.address if mediation.workroom else "",
        results=MediationResult.choices,
        decisions=[c for c in ConfirmationResult.choices if c[0]],
    )
    return panel
