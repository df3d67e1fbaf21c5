"""Pages for 人民调解: the 调解 steps posted from a dispute's detail page, the agreement download,
3+X 工作室 per village/town, and the per-mediator counts (以案定补) with an .xlsx export."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area, Level
from gongzhi.areas.selectors import requested_area
from gongzhi.kernel.codes import scope_q
from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.jurisdiction import area_codes_for, has_role, requested_area_code
from gongzhi.kernel.office import docx_response
from gongzhi.kernel.pages import run_form_service
from gongzhi.kernel.roles import CENTRE_ROLES

from ..models import Case
from . import rules as mrules
from . import selectors as mselectors
from . import services
from .forms import (
    ConcludeForm,
    ConfirmationForm,
    DecisionForm,
    OpenForm,
    PartyForm,
    SessionForm,
    WorkroomForm,
)
from .models import Mediation, Workroom

FORMS = {
    "open": OpenForm,
    "party": PartyForm,
    "session": SessionForm,
    "conclude": ConcludeForm,
    "confirm": ConfirmationForm,
    "decide": DecisionForm,
}
DONE = {
    "open": "已开始调解。",
    "party": "已补充当事人。",
    "session": "已记录调解。",
    "conclude": "已结束调解。",
    "confirm": "已登记司法确认申请。",
    "decide": "已登记司法确认结果。",
}


def _form_problem(form) -> DomainError:
    """The first parse error of a form, as the services would word it: the field's label first."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return DomainError(f"{label}：{errors[0]}" if label else errors[0], field=name)
    return DomainError("请求有误。")


def _run(request, case: Case, step: str, mediation: Mediation | None) -> None:
    """Parse the posted form of one step and call its service."""
    user = request.user
    form = FORMS[step](request.POST)
    if not form.is_valid():
        raise _form_problem(form)
    data = form.cleaned_data
    if step == "open":
        ids = services.in_range_ids(int(i) for i in request.POST.getlist("co_mediators") if i.isdecimal())
        services.mediation_open(
            case=case,
            actor=user,
            lead=get_object_or_404(User, pk=data["lead"], is_active=True) if data.get("lead") else None,
            workroom=get_object_or_404(Workroom.objects.visible_to(user), pk=data["workroom"])
            if data.get("workroom")
            else None,
            co_mediators=list(User.objects.filter(pk__in=ids, is_active=True)),
            note=data.get("note") or "",
        )
    elif step == "party":
        services.mediation_add_party(mediation=mediation, actor=user, name=data["name"], side=data["side"],
                                     person_id=data.get("person_id"))  # fmt: skip
    elif step == "session":
        services.mediation_add_session(mediation=mediation, actor=user, **data)
    elif step == "conclude":
        services.mediation_conclude(mediation=mediation, actor=user, **data)
    elif step == "confirm":
        services.judicial_confirmation_apply(mediation=mediation, actor=user, **data)
    elif step == "decide":
        confirmation = get_object_or_404(mediation.confirmations, pk=data["confirmation"])
        services.judicial_confirmation_decide(confirmation=confirmation, actor=user, result=data["result"],
                                              decided_on=data.get("decided_on"), number=data.get("number") or "",
                                              note=data.get("note") or "")  # fmt: skip


@login_required
@require_POST
def mediation_step(request, pk: int, step: str):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    if step not in FORMS:
        raise Http404
    mediation = Mediation.objects.filter(case=case).first()
    if step != "open" and mediation is None:
        raise Http404
    try:
        _run(request, case, step, mediation)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        from ..views.staff import _detail_context

        case.refresh_from_db()
        context = _detail_context(request, case)
        context.update(mediation_error=exc.message, mediation_step=step, mediation_post=request.POST)
        return render(request, "cases/detail.html", context, status=exc.status)
    messages.success(request, DONE[step])
    return redirect(reverse("cases:detail", args=[case.pk]) + "#mediation")


@login_required
def agreement(request, pk: int):
    """人民调解协议书 (.docx); every download is audited."""
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    mediation = get_object_or_404(Mediation.objects.select_related("lead", "area"), case=case)
    mediation.case = case
    try:
        name, content = services.mediation_agreement(mediation=mediation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("cases:detail", args=[case.pk]) + "#mediation")
    return docx_response(name, content)


# --- 3+X 工作室 ------------------------------------------------------------------------------------


def _require_case_staff(user) -> None:
    if not has_role(user, mrules.WORKROOM_READ_ROLES):
        raise Http404


def _managed_areas(user):
    """Villages and towns whose workrooms the user may set up (at most a county's worth)."""
    codes = area_codes_for(user, roles=CENTRE_ROLES)
    return Area.objects.filter(scope_q("code", codes), level__in=[Level.TOWN, Level.VILLAGE]).order_by(
        "code"
    )[:2000]


@login_required
def workrooms(request):
    _require_case_staff(request.user)
    area = requested_area_code(request, mrules.WORKROOM_READ_ROLES, default=False)
    rows = [
        (w, has_role(request.user, CENTRE_ROLES, w.area_id))
        for w in mselectors.workrooms_for(request.user, area=area)[:500]
    ]
    return render(
        request,
        "cases/mediation/workrooms.html",
        {"rows": rows, "area": area, "can_create": has_role(request.user, CENTRE_ROLES)},
    )


@login_required
def workroom_edit(request, pk: int | None = None):
    workroom = get_object_or_404(Workroom.objects.visible_to(request.user), pk=pk) if pk else None
    if workroom is not None and not has_role(request.user, CENTRE_ROLES, workroom.area_id):
        raise PermissionDenied("只有该村(镇)综治中心（或其上级）的工作人员可以修改工作室。")
    if workroom is None and not has_role(request.user, CENTRE_ROLES):
        raise Http404
    areas = [workroom.area] if workroom else _managed_areas(request.user)
    area_code = workroom.area_id if workroom else request.POST.get("area_code") or request.GET.get("area", "")
    candidates = mselectors.workroom_candidates(area_code) if area_code else User.objects.none()
    initial = {"area_code": area_code, "active": True}
    if workroom is not None:
        initial = {
            **{f: getattr(workroom, f) for f in services.WORKROOM_FIELDS},
            "area_code": workroom.area_id,
            "active": workroom.active,
            "mediator_ids": [u.pk for u in workroom.mediators.all()],
        }
    form = WorkroomForm(request.POST or None, initial=initial, areas=areas, candidates=candidates)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            form,
            lambda: services.workroom_save(
                actor=request.user, data={**form.cleaned_data, "area_code": area_code}, workroom=workroom
            ),
        )
    )
    if saved:
        messages.success(request, f"已保存 {saved.name}。")
        return redirect(reverse("cases:workrooms") + f"?area={saved.area_id}")
    return render(
        request,
        "cases/mediation/workroom_form.html",
        {"form": form, "workroom": workroom, "area_code": area_code},
        status=400 if form.errors else 200,
    )


# --- 以案定补 --------------------------------------------------------------------------------------


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def counts(request):
    area = requested_area(request, CENTRE_ROLES)
    code = area.code
    since, until = _day(request.GET.get("since", "")), _day(request.GET.get("until", ""))
    rows = mselectors.mediator_counts(area=code, since=since, until=until)
    if request.GET.get("format") == "xlsx":
        from .export import counts_workbook

        response = HttpResponse(
            counts_workbook(actor=request.user, area=area, rows=rows, since=since, until=until),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = "attachment; filename*=UTF-8''mediation-counts.xlsx"
        return response
    totals = {k: sum(r[k] for r in rows) for k in ("led", "assisted", "total", "succeeded", "failed")}
    return render(
        request,
        "cases/mediation/counts.html",
        {"area": area, "rows": rows, "totals": totals, "since": since, "until": until},
    )
