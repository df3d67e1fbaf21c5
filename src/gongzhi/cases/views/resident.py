"""Resident H5: report in three steps (what, where, send), my cases with their timeline, rate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area, Level
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.jurisdiction import area_codes_for
from gongzhi.kernel.pages import run_form_service

from .. import selectors, workflow
from ..choices import Action, Rating, Status
from ..forms import ResidentReportForm, form_token, submit_token
from ..models import Case
from ..services import MAX_PHOTOS, case_submit


def _report_areas(user):
    """Grids of the villages where the resident lives (from their grants)."""
    villages = {code[:12] for code in area_codes_for(user)}
    return Area.objects.filter(parent_id__in=villages, level=Level.GRID).order_by("code")


@login_required
def report(request):
    areas = list(_report_areas(request.user))
    form = ResidentReportForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        photos = [(f.name, f.read()) for f in request.FILES.getlist("photos")[: MAX_PHOTOS + 1]]
        data = {**form.cleaned_data, "channel": "h5"}
        if not data["area_code"] and areas:
            data["area_code"] = areas[0].code[:12]  # the village, when the resident does not know the grid
        case = run_form_service(
            form,
            lambda: case_submit(
                actor=request.user, data=data, photos=photos, idempotency_key=submit_token(request)
            ),
        )
        if case:
            messages.success(request, f"已收到您反映的问题，编号 {case.number}。我们会尽快处理。")
            return redirect("cases:my_detail", pk=case.pk)
    return render(
        request,
        "cases/my_report.html",
        {
            "form": form,
            "max_photos": MAX_PHOTOS,
            "idempotency_key": form_token(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
def my_cases(request):
    cases = Case.objects.filter(reporter_user=request.user).order_by("-created_at")
    return render(request, "cases/my_cases.html", {"cases": cases})


@login_required
def my_detail(request, pk: int):
    case = get_object_or_404(Case.objects.filter(reporter_user=request.user), pk=pk)
    return render(
        request,
        "cases/my_detail.html",
        {
            "case": case,
            "events": selectors.timeline(case, for_reporter=True),
            "can_rate": case.status == Status.CLOSED and not case.rated_at,
            "ratings": Rating.choices,
        },
    )


@login_required
@require_POST
def my_rate(request, pk: int):
    case = get_object_or_404(Case.objects.filter(reporter_user=request.user), pk=pk)
    try:
        workflow.case_perform(
            case=case, actor=request.user, action=Action.RATE, rating=request.POST.get("rating", ""),
            note=request.POST.get("comment", ""),
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "谢谢您的评价。")
    return redirect("cases:my_detail", pk=case.pk)
