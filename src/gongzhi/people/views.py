"""Pages of the registry: scoped lists with search and filters, audited details, forms, reveal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongzhi.kernel import registry
from gongzhi.kernel.crypto import blind_index
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.identity import normalise_id_number
from gongzhi.kernel.jurisdiction import has_role
from gongzhi.kernel.pages import add_service_errors, run_form_service

from . import rules, selectors, services
from .choices import CareColour, OrgKind, PersonKind, Tag
from .forms import HouseholdForm, MemberForm, OrganizationForm, PersonForm
from .models import Household, Organization, Person

PAGE_SIZE = 30


def _require_reader(user) -> None:
    # Roles that do not read the registry get a 404, as for records out of their area.
    if not has_role(user, rules.READ_ROLES):
        raise Http404


def _filters(request, keys) -> dict:
    return {k: request.GET.get(k, "").strip() for k in keys}


def _list(request, queryset, template: str, context: dict):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(page=page, querystring=request.GET.copy())
    context["querystring"].pop("page", None)
    if request.headers.get("HX-Request"):
        template = template.replace(".html", "_rows.html").replace("people/", "people/_")
    return render(request, template, context)


@login_required
def person_list(request):
    _require_reader(request.user)
    filters = _filters(request, ("q", "area", "tag", "kind", "colour"))
    qs = selectors.people_for(request.user, **filters).prefetch_related("tags")
    context = {
        "filters": filters,
        "tags": Tag.choices,
        "kinds": PersonKind.choices,
        "colours": CareColour.choices,
        "can_write": has_role(request.user, rules.WRITE_ROLES),
    }
    return _list(request, qs, "people/person_list.html", context)


@login_required
def person_detail(request, pk: int):
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("area", "hukou_area", "household"), pk=pk
    )
    selectors.person_read(request.user, person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "links": registry.record_links(request, person),
            "tags": person.tags.all(),
            "members": person.household.members.exclude(pk=person.pk).order_by("birth_date")
            if person.household
            else [],
            "may_reveal_id": services.may_reveal(request.user, person, "id_number"),
            "may_reveal_phone": services.may_reveal(request.user, person, "phone"),
            "can_edit": has_role(request.user, rules.WRITE_ROLES, person.area_id),
            "extra": _extra_items(person),
        },
    )


def _extra_items(person) -> list[tuple[str, str]]:
    from .choices import EXTRA_FIELDS

    labels = EXTRA_FIELDS.get(person.kind, {})
    return [(labels.get(k, k), v) for k, v in person.extra.items()]


@login_required
def person_edit(request, pk: int | None = None):
    _require_reader(request.user)
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk) if pk else None
    if request.method == "POST":
        form = PersonForm(request.POST)
        saved = form.is_valid() and run_form_service(
            form, lambda: services.person_save(actor=request.user, data=form.to_data(), person=person)
        )
        if saved:
            messages.success(request, f"已保存 {saved.name} 的信息。")
            return redirect("people:detail", pk=saved.pk)
    else:
        initial = PersonForm.initial_for(person) if person else {"area_code": request.GET.get("area", "")}
        form = PersonForm(initial=initial)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def reveal(request, pk: int, kind: str):
    model = Person if kind == "person" else Organization
    obj = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    field = request.POST.get("field", "")
    try:
        value = services.identifier_reveal(
            actor=request.user, obj=obj, field=field, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return render(
            request,
            "people/_reveal.html",
            {"error": exc.message, "obj": obj, "field": field, "kind": kind},
            status=exc.status,
        )
    return render(request, "people/_reveal.html", {"value": value, "field": field})


@login_required
def household_list(request):
    _require_reader(request.user)
    filters = _filters(request, ("q", "area", "colour"))
    context = {
        "filters": filters,
        "colours": CareColour.choices,
        "can_write": has_role(request.user, rules.WRITE_ROLES),
    }
    return _list(
        request, selectors.households_for(request.user, **filters), "people/household_list.html", context
    )


@login_required
def household_detail(request, pk: int):
    household = get_object_or_404(Household.objects.visible_to(request.user).select_related("area"), pk=pk)
    can_edit = has_role(request.user, rules.WRITE_ROLES, household.area_id)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            number = normalise_id_number(form.cleaned_data["id_number"])
            person = (
                Person.objects.visible_to(request.user).filter(id_number_index=blind_index(number)).first()
            )
            if person is None:
                form.add_error("id_number", "在您的辖区内没有找到这个证件号码的人员，请先登记该人员。")
            else:
                try:
                    services.household_set_member(
                        actor=request.user,
                        household=household,
                        person=person,
                        relation=form.cleaned_data["relation"],
                    )
                except DomainError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, f"已将 {person.name} 加入本户。")
                    return redirect("people:household", pk=household.pk)
    members = household.members.visible_to(request.user).order_by("birth_date")
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": members,
            "form": form,
            "can_edit": can_edit,
            "links": registry.record_links(request, household),
        },
        status=400 if form.errors else 200,
    )


@login_required
def household_edit(request, pk: int | None = None):
    _require_reader(request.user)
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=pk) if pk else None
    if request.method == "POST":
        form = HouseholdForm(request.POST)
        saved = form.is_valid() and run_form_service(
            form,
            lambda: services.household_save(actor=request.user, data=form.cleaned_data, household=household),
        )
        if saved:
            messages.success(request, f"已保存户 {saved.household_no}。")
            return redirect("people:household", pk=saved.pk)
    else:
        initial = {"area_code": request.GET.get("area", "")}
        if household:
            initial = {
                "household_no": household.household_no,
                "area_code": household.area_id,
                "address": household.address,
                "care_colour": household.care_colour,
                "care_reason": household.care_reason,
            }
        form = HouseholdForm(initial=initial)
    return render(
        request,
        "people/household_form.html",
        {"form": form, "household": household},
        status=400 if form.errors else 200,
    )


@login_required
def organization_list(request):
    _require_reader(request.user)
    filters = _filters(request, ("q", "area", "kind"))
    context = {
        "filters": filters,
        "kinds": OrgKind.choices,
        "can_write": has_role(request.user, rules.WRITE_ROLES),
    }
    return _list(
        request,
        selectors.organizations_for(request.user, **filters),
        "people/organization_list.html",
        context,
    )


@login_required
def organization_detail(request, pk: int):
    org = get_object_or_404(Organization.objects.visible_to(request.user).select_related("area"), pk=pk)
    return render(
        request,
        "people/organization_detail.html",
        {
            "org": org,
            "links": registry.record_links(request, org),
            "may_reveal_phone": services.may_reveal(request.user, org, "phone"),
            "can_edit": has_role(request.user, rules.WRITE_ROLES, org.area_id),
        },
    )


@login_required
def organization_edit(request, pk: int | None = None):
    _require_reader(request.user)
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk) if pk else None
    if request.method == "POST":
        form = OrganizationForm(request.POST)
        saved = form.is_valid() and run_form_service(
            form,
            lambda: services.organization_save(actor=request.user, data=form.cleaned_data, organization=org),
        )
        if saved:
            messages.success(request, f"已保存 {saved.name}。")
            return redirect("people:organization", pk=saved.pk)
    else:
        initial = {"area_code": request.GET.get("area", "")}
        if org:
            initial = {
                f: getattr(org, f)
                for f in ("name", "kind", "credit_code", "address", "contact_name", "employees")
            }
            initial["area_code"] = org.area_id
        form = OrganizationForm(initial=initial)
    return render(
        request,
        "people/organization_form.html",
        {"form": form, "org": org},
        status=400 if form.errors else 200,
    )
