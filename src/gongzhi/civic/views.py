"""Pages: 法治家庭 (list, rate with a live total, detail and revocation, deduction items, offence
records) and 红黑榜 (reviews per village, nominations, decisions, publication, clearing) for staff;
the public lists of a resident's village at phone width."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area, Level
from gongzhi.kernel.codes import prefix_q, scope_q
from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.jurisdiction import area_codes_for, has_role, requested_area_code
from gongzhi.people.models import Household, Person
from gongzhi.people.rules import OFFENCE_ROLES
from gongzhi.points import rules
from gongzhi.points.choices import Subject
from gongzhi.points.models import PointAccount

from . import services as civic
from .choices import BoardList, LawAspect, LawFamilyStatus, ReviewStage
from .law import household_label
from .models import MoralNomination


def _try(request, call, done: str = ""):
    """Run a service for a page: a refusal is a 403; a rule broken returns (None, {field: message})."""
    try:
        result = call()
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        return None, dict(
            (f or "__all__", m) for f, m in (getattr(exc, "errors", None) or [(exc.field, exc.message)])
        )
    if done:
        messages.success(request, done)
    return result, {}


def _day(value: str, field: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError(f"{field}不是有效日期。", field=field) from None


def _require(user, roles) -> None:
    """Staff pages answer 404 to everyone else, like an object out of jurisdiction."""
    if not has_role(user, roles):
        raise Http404


def _page(request, qs, size=30):
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return Paginator(qs, size).get_page(request.GET.get("page")), querystring


@login_required
def index(request):
    if has_role(request.user, rules.HONOUR_ROLES):
        return redirect("civic:law_list")
    if has_role(request.user, rules.READ_ROLES):
        return redirect("civic:reviews")
    return redirect("civic:my")


# -- 法治家庭 ------------------------------------------------------------------------------------


@login_required
def law_list(request):
    _require(request.user, rules.HONOUR_ROLES)
    f = {k: request.GET.get(k, "").strip() for k in ("status", "due", "area", "q")}
    scope = civic.ratings_for_staff(request.user)
    qs = scope.filter(prefix_q("area_id", f["area"])) if f["area"] else scope
    qs = civic.ratings_due(qs) if f["due"] else civic.current_ratings(qs).order_by("-rated_on", "-pk")
    qs = qs.filter(status=f["status"]) if f["status"] else qs
    page, querystring = _page(request, civic.with_household_name(qs.select_related("household", "area")))
    households = []
    if f["q"]:
        codes = area_codes_for(request.user, roles=rules.HONOUR_ROLES)
        households = (
            civic.with_household_name(
                Household.objects.visible_to(request.user).filter(scope_q("area_id", codes)), "pk"
            )
            .filter(Q(household_no=f["q"]) | Q(members__name__contains=f["q"]))
            .distinct()
            .select_related("area")[:20]
        )
    return render(request, "civic/law_list.html", {
        "page": page, "querystring": querystring, "filters": f, "statuses": LawFamilyStatus.choices,
        "due_count": civic.ratings_due(scope).count(), "households": households, "today": timezone.localdate(),
    })  # fmt: skip


def _grouped_items(household: Household):
    items = list(civic.law_items_for(household.area_id).order_by("aspect", "pk"))
    return [(label, [i for i in items if i.aspect == value]) for value, label in LawAspect.choices]


@login_required
def law_rate(request, household_id: int):
    household = get_object_or_404(
        Household.objects.visible_to(request.user).select_related("area"), pk=household_id
    )
    if not has_role(request.user, rules.HONOUR_ROLES, household.area_id):
        raise PermissionDenied("只有村、镇、县综治中心工作人员可以评定法治家庭。")
    chosen = [int(i) for i in request.POST.getlist("item") if i.isdigit()]
    errors = {}
    if request.method == "POST":
        deductions = [{"item_id": i, "note": request.POST.get(f"note_{i}", "")} for i in chosen]
        rating, errors = _try(request, lambda: civic.household_rate(
            actor=request.user, household=household, deductions=deductions,
            rated_on=_day(request.POST.get("rated_on", ""), "rated_on"),
        ), "评定已保存。")  # fmt: skip
        if rating:
            return redirect("civic:law_detail", pk=rating.pk)
    groups = _grouped_items(household)
    total = sum(i.points for _, items in groups for i in items if i.pk in chosen)
    head = civic.with_household_name(Household.objects.filter(pk=household.pk), "pk").values_list(
        "head_name", flat=True
    )[0]
    return render(request, "civic/law_rate.html", {
        "household": household, "name": household_label(head, household.household_no), "groups": groups,
        "chosen": chosen, "errors": errors, "rated_on": request.POST.get("rated_on", ""),
        "veto": civic.offences_in_period(household, timezone.localdate()).exists(),
        **_total(total),
    }, status=400 if errors else 200)  # fmt: skip


def _total(deducted: int) -> dict:
    score = max(0, civic.FULL_SCORE - deducted)
    return {
        "deducted": deducted,
        "score": score,
        "passes": score >= civic.PASS_SCORE,
        "pass_score": civic.PASS_SCORE,
    }


@login_required
def law_total(request, household_id: int):
    """htmx: the running total of the ticked deductions."""
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=household_id)
    chosen = {int(i) for i in request.GET.getlist("item") if i.isdigit()}
    points = civic.law_items_for(household.area_id).filter(pk__in=chosen).values_list("points", flat=True)
    return render(request, "civic/_law_total.html", _total(sum(points)))


@login_required
def law_detail(request, pk: int):
    rating = get_object_or_404(civic.with_household_name(civic.ratings_for_staff(request.user)), pk=pk)
    history = civic.ratings_for_staff(request.user).filter(household_id=rating.household_id).exclude(pk=pk)
    return render(request, "civic/law_detail.html", {
        "rating": rating, "name": household_label(rating.head_name, rating.household.household_no),
        "history": history.order_by("-rated_on"), "revocable": rating.status == LawFamilyStatus.CERTIFIED,
    })  # fmt: skip


@login_required
@require_POST
def law_revoke(request, pk: int):
    rating = get_object_or_404(civic.ratings_for_staff(request.user), pk=pk)
    _, errors = _try(request, lambda: civic.household_revoke(actor=request.user, rating=rating,
                                                             reason=request.POST.get("reason", "")), "已撤销法治家庭资格。")  # fmt: skip
    for message in errors.values():
        messages.error(request, message)
    return redirect("civic:law_detail", pk=pk)


@login_required
def law_items(request):
    """The county's deduction items; county staff edit them, others read them."""
    _require(request.user, rules.HONOUR_ROLES)
    editable = area_codes_for(request.user, roles=rules.COUNTY_CATALOGUE_ROLES)
    county = (editable or [c[:6] for c in area_codes_for(request.user, roles=rules.HONOUR_ROLES)])[0][:6]
    can_edit = has_role(request.user, rules.COUNTY_CATALOGUE_ROLES, county)
    errors = {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有县综治中心可以修改法治家庭扣分项。")
        item = civic.law_items_for(county, active_only=False).filter(pk=request.POST.get("pk") or 0).first()
        data = {"aspect": request.POST.get("aspect", item.aspect if item else ""), "name": request.POST.get("name", ""),
                "points": int(p) if (p := request.POST.get("points", "")).isdigit() else None,
                "active": request.POST.get("active") == "on" or (item is None)}  # fmt: skip
        saved, errors = _try(request, lambda: civic.law_item_save(actor=request.user, county_code=county, item=item,
                                                                  data=data), "扣分项已保存。")  # fmt: skip
        if saved:
            return redirect("civic:law_items")
    items = list(civic.law_items_for(county, active_only=False).order_by("aspect", "pk"))
    groups = [(value, label, [i for i in items if i.aspect == value]) for value, label in LawAspect.choices]
    return render(request, "civic/law_items.html", {
        "groups": groups, "can_edit": can_edit, "errors": errors, "aspects": LawAspect.choices,
        "county": Area.objects.filter(pk=county).first(), "posted": request.POST,
    }, status=400 if errors else 200)  # fmt: skip


@login_required
def offences(request):
    """违法犯罪记录: sensitive, HONOUR_ROLES only; every viewing of the list is audited."""
    _require(request.user, rules.HONOUR_ROLES)
    area, q = requested_area_code(request, OFFENCE_ROLES, default=False), request.GET.get("q", "").strip()
    page, querystring = _page(request, civic.offence_list(actor=request.user, area_code=area))
    people = []
    if q:
        codes = area_codes_for(request.user, roles=rules.HONOUR_ROLES)
        people = Person.objects.visible_to(request.user).filter(scope_q("area_id", codes), name__contains=q)[
            :20
        ]
    return render(request, "civic/offences.html",
                  {"page": page, "querystring": querystring, "area": area, "q": q, "people": people})  # fmt: skip


@login_required
def offence_new(request, person_id: int):
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("household"), pk=person_id
    )
    if not has_role(request.user, rules.HONOUR_ROLES, person.area_id):
        raise PermissionDenied("只有村、镇、县综治中心工作人员可以登记违法犯罪记录。")
    errors = {}
    if request.method == "POST":
        p = request.POST
        record, errors = _try(request, lambda: civic.offence_record(
            actor=request.user, person=person, occurred_on=_day(p.get("occurred_on", ""), "occurred_on"),
            kind=p.get("kind", ""), description=p.get("description", ""), authority=p.get("authority", ""),
        ), "已登记。该户如为法治家庭，资格已自动撤销。")  # fmt: skip
        if record:
            return redirect("civic:offences")
    return render(request, "civic/offence_new.html",
                  {"person": person, "errors": errors, "posted": request.POST, "kinds": civic.OFFENCE_KINDS},
                  status=400 if errors else 200)  # fmt: skip


# -- 红黑榜 --------------------------------------------------------------------------------------


@login_required
def reviews(request):
    _require(request.user, rules.READ_ROLES)
    f = {k: request.GET.get(k, "").strip() for k in ("area", "quarter", "stage")}
    qs = civic.reviews_for_staff(request.user).select_related("area")
    qs = qs.filter(prefix_q("area_id", f["area"])) if f["area"] else qs
    qs = qs.filter(quarter=f["quarter"]) if f["quarter"] else qs
    qs = qs.filter(stage=f["stage"]) if f["stage"] else qs
    errors = {}
    if request.method == "POST":
        area = Area.objects.visible_to(request.user).filter(pk=request.POST.get("area", "")).first()
        if area is None:
            errors = {"area": "请选择本辖区的村(社区)。"}
        else:
            review, errors = _try(request, lambda: civic.review_open(actor=request.user, area=area,
                                                                     quarter=request.POST.get("quarter", "")))  # fmt: skip
            if review:
                return redirect("civic:review", pk=review.pk)
    page, querystring = _page(request, civic.review_counts(qs).order_by("-quarter", "area_id"))
    villages = []
    if has_role(request.user, rules.HONOUR_ROLES):
        codes = area_codes_for(request.user, roles=rules.HONOUR_ROLES)
        villages = Area.objects.filter(scope_q("code", codes), level=Level.VILLAGE).order_by("code")[:400]
    return render(request, "civic/reviews.html", {
        "page": page, "querystring": querystring, "filters": f, "stages": ReviewStage.choices, "villages": villages,
        "errors": errors, "quarter": civic.quarter_of(timezone.localdate()), "posted": request.POST,
        "hide_law": not has_role(request.user, rules.HONOUR_ROLES),
    }, status=400 if errors else 200)  # fmt: skip


def _accounts_for(request, review, q: str = ""):
    qs = PointAccount.objects.visible_to(request.user).filter(prefix_q("area_id", review.area_id))
    qs = qs.exclude(subject=Subject.STAFF)
    return (qs.filter(name__contains=q) if q else qs).order_by("name")[:300]


@login_required
def review(request, pk: int):
    review = get_object_or_404(civic.reviews_for_staff(request.user).select_related("area"), pk=pk)
    noms = review.nominations.select_related("account", "nominated_by", "reviewed_by", "cleared_by")
    noms = noms.prefetch_related("photos").order_by("board", "pk")
    can_decide = has_role(request.user, civic.DECIDE_ROLES, review.area_id)
    return render(request, "civic/review.html", {
        "review": review, "red": [n for n in noms if n.board == BoardList.RED],
        "black": [n for n in noms if n.board == BoardList.BLACK], "can_decide": can_decide,
        "accounts": _accounts_for(request, review) if review.stage == ReviewStage.NOMINATING else [],
        "public": civic.public_lists(review), "in_window": civic.in_window(review),
        "hide_law": not has_role(request.user, rules.HONOUR_ROLES),
    })  # fmt: skip


@login_required
def review_accounts(request, pk: int):
    """htmx: the nominee options matching a name."""
    review = get_object_or_404(civic.reviews_for_staff(request.user), pk=pk)
    accounts = _accounts_for(request, review, request.GET.get("q", "").strip())
    return render(request, "civic/_account_options.html", {"accounts": accounts})


@login_required
@require_POST
def review_act(request, pk: int, action: str):
    review = get_object_or_404(civic.reviews_for_staff(request.user).select_related("area"), pk=pk)
    p, user = request.POST, request.user
    if action == "nominate":
        pick = p.get("account", "")
        account = PointAccount.objects.visible_to(user).filter(pk=int(pick) if pick.isdigit() else 0).first()
        if account is None or not account.area_id.startswith(review.area_id):
            messages.error(request, "请选择本村的被提名人（account）。")
            return redirect("civic:review", pk=pk)
        photos = [(f.name, f.read()) for f in request.FILES.getlist("photos")[:10]]
        call = lambda: civic.nominate(actor=user, review=review, board=p.get("board", ""), account=account,  # noqa: E731
                                      reason=p.get("reason", ""), evidence=p.get("evidence", ""), photos=photos)  # fmt: skip
        done = "提名已提交。"
    elif action == "start":
        call, done = (lambda: civic.review_start(actor=user, review=review)), "已截止提名，开始评议。"
    elif action == "publish":
        call = lambda: civic.review_publish(actor=user, review=review,  # noqa: E731
                                            publish_from=_day(p.get("publish_from", ""), "publish_from"),
                                            publish_until=_day(p.get("publish_until", ""), "publish_until"))  # fmt: skip
        done = "红黑榜已公示，已通知上榜人。"
    elif action == "close":
        call, done = (lambda: civic.review_close(actor=user, review=review)), "评议已结束。"
    else:
        raise Http404
    _, errors = _try(request, call, done)
    for message in errors.values():
        messages.error(request, message)
    return redirect("civic:review", pk=pk)


@login_required
@require_POST
def nomination_act(request, pk: int, action: str):
    scope = civic.reviews_for_staff(request.user).values("pk")
    n = get_object_or_404(
        MoralNomination.objects.filter(review__in=scope).select_related("review", "account"), pk=pk
    )
    p, user = request.POST, request.user
    if action in ("accept", "reject"):
        call = lambda: civic.nomination_decide(actor=user, nomination=n, accept=action == "accept",  # noqa: E731
                                               note=p.get("note", ""))  # fmt: skip
        done = f"「{n.account.name}」{'上榜' if action == 'accept' else '未上榜'}。"
    elif action == "clear":
        call, done = (
            (lambda: civic.black_clear(actor=user, nomination=n, reason=p.get("reason", ""))),
            "已整改销号。",
        )
    else:
        raise Http404
    _, errors = _try(request, call, done)
    for message in errors.values():
        messages.error(request, message)
    return redirect("civic:review", pk=n.review_id)


# -- resident -----------------------------------------------------------------------------------


@login_required
def my(request):
    """A resident's village: certified households and the 红黑榜 during its publication window."""
    villages = sorted(civic.resident_villages(request.user))
    places = []
    for code in villages:
        area = Area.objects.filter(pk=code).first()
        reviews = [
            (r, civic.public_lists(r)) for r in civic.public_reviews(request.user).filter(area_id=code)
        ]
        places.append(
            {"area": area, "households": civic.certified_households(village_code=code), "reviews": reviews}
        )
    return render(request, "civic/my.html", {"places": places})
