"""The audit page: auditors only; reading the trail is itself an event."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from gongzhi.kernel.jurisdiction import roles_of
from gongzhi.kernel.roles import Role

from .models import Result
from .selectors import audit_events_for, audit_verify_all
from .services import audit_record


@login_required
def index(request):
    # Not an auditor: the page does not exist for you (no hint that it does).
    if Role.AUDITOR not in roles_of(request.user):
        raise Http404
    filters = {k: request.GET.get(k, "").strip() for k in ("action", "actor", "result")}
    page = Paginator(audit_events_for(request.user, **filters), 50).get_page(request.GET.get("page"))
    verdict = audit_verify_all(checkpoints=True) if request.GET.get("verify") else None
    audit_record(
        actor=request.user,
        action="audit.view",
        role=Role.AUDITOR,
        details={**filters, "verify": bool(verdict)},
    )
    return render(
        request,
        "audit/index.html",
        {"page": page, "filters": filters, "results": Result.choices, "verdict": verdict},
    )
