"""Staff pages: work queue, case detail with the allowed actions (htmx), intake, map, statistics."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import Department, RoleGrant
from gongzhi.areas.models import Area
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.images import image_response
from gongzhi.kernel.jurisdiction import grants_of, has_role, requested_area_code
from gongzhi.kernel.pages import run_form_service
from gongzhi.kernel.roles import Role

from .. import rules, selectors, workflow
from ..choices import Action, Kind, Status
from ..forms import ActionForm, IntakeForm, form_token, submit_token
from ..models import Case
from ..services import case_submit
from ..similar import similar_open_cases

# Actions shown as forms on the detail page, in the order staff meet them.
ACTION_ORDER = [
    Action.ACCEPT, Action.ASSIGN, Action.NOTE, Action.RESOLVE, Action.VERIFY, Action.REOPEN, Action.ESCALATE,
    Action.DELEGATE, Action.RETURN, Action.REPORT_UP, Action.EXTEND_REQUEST, Action.EXTEND_DECIDE,
    Action.SUPERVISE, Action.REVISIT, Action.MERGE, Action.REJECT, Action.RATE,
]  # fmt: skip


def _require_staff(user) -> None:
    if not has_role(user, rules.AREA_READ_ROLES) and not any(g.department_id for g in _grants(user)):
        raise Http404


def _grants(user):

    return grants_of(user)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def queue(request):
    _require_staff(request.user)
    filters = {
        k: request.GET.get(k, "").strip() for k in ("queue", "status", "area", "kind", "q", "since", "until")
    }
    qs = selectors.cases_for(
        request.user, **{**filters, "since": _day(filters["since"]), "until": _day(filters["until"])}
    ).order_by("resolve_due" if filters["queue"] in ("due_soon", "overdue") else "-created_at")
    if request.GET.get("format") == "xlsx":
        from ..export import cases_workbook

        response = HttpResponse(
            cases_workbook(actor=request.user, queryset=qs, filters=filters),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = "attachment; filename*=UTF-8''cases.xlsx"
        return response
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "querystring": querystring,
        "queue_tabs": [
            (k, label, n)
            for (k, label), n in zip(
                selectors.QUEUES.items(), selectors.queue_counts(request.user).values(), strict=True
            )
        ],
        "kinds": Kind.choices,
        "statuses": Status.choices,
    }
    template = "cases/_queue_rows.html" if request.headers.get("HX-Request") else "cases/queue.html"
    return render(request, template, context)


def _assignees(case: Case):
    """Who this case can be sent to: people within the owning centre's area, and departments."""
    grants = (
        RoleGrant.objects.filter(prefix_q("area_id", case.handling_area_id))
        .filter(role__in=[Role.GRID_WORKER, Role.MEDIATOR])
        .select_related("user", "area")
        .order_by("area_id")
    )
    ancestors = [case.handling_area_id[:n] for n in (4, 6, 9, 12) if n <= len(case.handling_area_id)]
    departments = Department.objects.filter(area_id__in=ancestors).order_by("-area_id", "name")
    return grants, departments


@login_required
def detail(request, pk: int):
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("area", "handling_area"), pk=pk
    )
    if not has_role(request.user, rules.AREA_READ_ROLES) and case.reporter_user_id == request.user.pk:
        return redirect("cases:my_detail", pk=case.pk)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _detail_context(request, case, form=None, failed_action=""):
    available = set(rules.available_actions(request.user, case))
    grants, departments = _assignees(case) if Action.ASSIGN in available else ([], [])
    children = (
        Area.objects.filter(parent_id=case.handling_area_id, code__in=[case.area_id[:n] for n in (9, 12)])
        if Action.DELEGATE in available
        else []
    )
    return {
        "case": case,
        "events": selectors.timeline(case, for_reporter=False),
        "parties": case.parties.all(),
        "photos": case.photos.all(),
        "actions": [a for a in ACTION_ORDER if a in available],
        "Action": Action,
        "assignee_grants": grants,
        "departments": departments,
        "children": children,
        "similar": similar_open_cases(case) if case.status == Status.SUBMITTED else [],
        "form": form or ActionForm(),
        "failed_action": failed_action,
    }


@login_required
@require_POST
def act(request, pk: int, action: str):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    form = ActionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    assignee = data.get("assignee") or ""
    kind, _, ident = assignee.partition(":")
    try:
        workflow.case_perform(
            case=case,
            actor=request.user,
            action=action,
            note=data.get("note") or "",
            user_id=int(ident) if kind == "user" and ident.isdigit() else None,
            department_id=int(ident) if kind == "dept" and ident.isdigit() else None,
            area_code=data.get("area_code") or "",
            until=data.get("until"),
            approve=None if not data.get("approve") else data["approve"] == "1",
            level=data.get("level") or "",
            rating=data.get("rating") or "",
            into_id=_case_id(request.user, data.get("into") or ""),
            internal=bool(data.get("internal")),
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        form.add_error(None, exc.message)
        case.refresh_from_db()
        return render(
            request, "cases/detail.html", _detail_context(request, case, form, action), status=exc.status
        )
    messages.success(request, f"已{Action(action).label}。")
    return redirect("cases:detail", pk=case.pk)


def _case_id(user, text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    found = Case.objects.visible_to(user).filter(number=text).values_list("pk", flat=True).first()
    return found or 0


@login_required
def intake(request):
    """热线、来访、网格员上报、说事箱: staff enter a case on someone's behalf."""
    _require_staff(request.user)
    form = IntakeForm(request.POST or None, initial={"area_code": request.GET.get("area", "")})
    case = (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            form,
            lambda: case_submit(
                actor=request.user, data=form.to_data(), idempotency_key=submit_token(request)
            ),
        )
    )
    if case:
        messages.success(request, f"已登记 {case.number}。")
        return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/intake.html",
        {"form": form, "idempotency_key": form_token(request)},
        status=400 if form.errors else 200,
    )


@login_required
def map_view(request):
    _require_staff(request.user)
    return render(request, "cases/map.html", {"tiles": _tiles()})


def _tiles() -> str:
    from django.conf import settings

    return settings.MAP_TILE_URL


@login_required
def map_points(request):
    """Open cases with a location, as GeoJSON for the Leaflet map."""
    _require_staff(request.user)
    qs = selectors.cases_for(request.user, queue=request.GET.get("queue", "")).exclude(lat__isnull=True)[
        :2000
    ]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.lng, c.lat]},
            "properties": {
                "id": c.pk,
                "number": c.number,
                "title": c.title,
                "status": c.get_status_display(),
                "overdue": bool(c.overdue_at),
                "url": f"/cases/{c.pk}/",
            },  # fmt: skip
        }
        for c in qs
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False}
    )


@login_required
def stats(request):
    _require_staff(request.user)
    area = requested_area_code(request, rules.AREA_READ_ROLES)
    since, until = _day(request.GET.get("since", "")), _day(request.GET.get("until", ""))
    return render(
        request,
        "cases/stats.html",
        {
            "area": Area.objects.filter(pk=area).first(),
            "stats": selectors.case_stats(area=area, since=since, until=until),
            "since": since,
            "until": until,
            "children": selectors.child_stats(area=area, since=since, until=until),
        },
    )


@login_required
def photo(request, pk: int, photo_id: int):
    """A case photo for whoever may see the case (staff in scope, assignee, the reporter)."""
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    return image_response(get_object_or_404(case.photos.all(), pk=photo_id).image)
