"""Pages of rankings and honours: boards (htmx), participation, 积分之星, 积分分享大会 with the
roll of honour, and the .xlsx exports. Residents read their own village's and town's boards."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area, Level
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import DomainError, Forbidden
from gongzhi.kernel.jurisdiction import area_codes_for, has_role
from gongzhi.kernel.office import docx_response, xlsx_response
from gongzhi.kernel.pages import run_action, run_form_service

from .. import export, rules
from ..choices import Star, Subject
from ..models import PointAccount, PointTally, own_account_ids
from . import selectors
from . import services as honours
from .docx import roll_of_honour_docx
from .models import SharingMeeting, StarAward

PAGE = 50
DEFAULT_PERIOD = "year"
# How deep the area picker goes below a grant: a county lists towns and villages, a town or
# village also lists its grids.
_PICKER_LEVELS = {6: (Level.TOWN, Level.VILLAGE), 9: (Level.VILLAGE, Level.GRID), 12: (Level.GRID,)}


def _area_options(user) -> list[Area]:
    codes = selectors.board_areas(user)
    found = {a.code: a for a in Area.objects.filter(code__in=codes)}
    for code in area_codes_for(user, roles=rules.READ_ROLES):
        levels = _PICKER_LEVELS.get(len(code), ())
        if levels:
            found.update((a.code, a) for a in Area.objects.filter(prefix_q("code", code), level__in=levels))
    return sorted(found.values(), key=lambda a: a.code)


def _area(request) -> Area:
    """The board area asked for (or the user's first); out of the user's boards is a 404."""
    return get_object_or_404(Area, code=selectors.requested_board_area_code(request))


def _period(request, default: str = DEFAULT_PERIOD) -> str:
    try:
        return selectors.parse_period(request.GET.get("period") or request.POST.get("period") or default)
    except DomainError:
        return selectors.parse_period(default)


def _period_options(current: str) -> list[tuple[str, str]]:
    """本月/本季度/本年度/累计, then the twelve months, four quarters and three years before."""
    now = timezone.localtime()
    keys = [selectors.parse_period(w) for w in ("month", "quarter", "year", "all")]
    for back in range(1, 13):
        index = now.year * 12 + now.month - 1 - back
        keys.append(f"{index // 12}-{index % 12 + 1:02d}")
    quarter = (now.month - 1) // 3
    for back in range(1, 5):
        index = now.year * 4 + quarter - back
        keys.append(f"{index // 4}Q{index % 4 + 1}")
    keys += [str(now.year - back) for back in range(1, 4)]
    if current not in keys:
        keys.append(current)
    return [(k, selectors.period_label(k)) for k in keys]


def _base(request, area: Area, period: str, tab: str) -> dict:
    return {
        "area": area,
        "period": period,
        "period_label": selectors.period_label(period),
        "period_options": _period_options(period),
        "areas": _area_options(request.user),
        "is_staff": selectors.is_board_staff(request.user, area.code),
        "may_honour": has_role(request.user, rules.HONOUR_ROLES, area.code),
        "tab": tab,
    }


# -- boards -------------------------------------------------------------------------------------


@login_required
def boards(request):
    area, period = _area(request), _period(request)
    subject = request.GET.get("subject") or Subject.RESIDENT
    if subject not in Subject.values:
        subject = Subject.RESIDENT
    count = selectors.board_count(area_code=area.code, period=period, subject=subject)
    page = Paginator(range(count), PAGE).get_page(request.GET.get("page"))
    offset = (page.number - 1) * PAGE
    rows = selectors.board(area_code=area.code, period=period, subject=subject, limit=PAGE, offset=offset)
    names = dict(Area.objects.filter(code__in={r.area_code for r in rows}).values_list("code", "name"))
    mine = set(own_account_ids(request.user))
    mine_ranks = [
        (account, selectors.rank_of(account=account, period=period, area_code=area.code))
        for account in PointAccount.objects.filter(pk__in=mine, subject=subject)
    ]
    context = {
        **_base(request, area, period, "boards"),
        "subject": subject,
        "subjects": Subject.choices,
        "rows": [(r, names.get(r.area_code, r.area_code), r.account_id in mine) for r in rows],
        "page": page,
        "mine_ranks": mine_ranks,
        "querystring": f"area={area.code}&period={period}&subject={subject}",
    }
    template = (
        "points/honours/_board.html" if request.headers.get("HX-Request") else "points/honours/boards.html"
    )
    return render(request, template, context)


@login_required
def participation(request):
    area, period = _area(request), _period(request)
    if not selectors.is_board_staff(request.user, area.code):
        raise Http404
    rows = selectors.participation(area_code=area.code, period=period)
    active = sum(r.active for r in rows)
    total = sum(r.total for r in rows)
    return render(request, "points/honours/participation.html", {
        **_base(request, area, period, "participation"),
        "rows": rows,
        "overall": {"active": active, "total": total, "rate": selectors.rate(active, total)},
        "children": _child_participation(area, period),
    })  # fmt: skip


def _child_participation(area: Area, period: str) -> list[dict]:
    """Participation of each area one level down, in two grouped queries."""
    children = list(Area.objects.filter(parent_id=area.code).order_by("code"))
    if not children:
        return []
    width = len(children[0].code)
    active = dict(
        PointTally.objects.filter(prefix_q("area_code", area.code), period=period)
        .annotate(child=Substr("area_code", 1, width)).values("child").annotate(n=Count("pk"))
        .values_list("child", "n")
    )  # fmt: skip
    total = dict(
        PointAccount.objects.filter(prefix_q("area_id", area.code))
        .annotate(child=Substr("area_id", 1, width)).values("child").annotate(n=Count("pk"))
        .values_list("child", "n")
    )  # fmt: skip
    return [
        {"area": c, "active": active.get(c.code, 0), "total": total.get(c.code, 0),
         "rate": selectors.rate(active.get(c.code, 0), total.get(c.code, 0))}
        for c in children
    ]  # fmt: skip


# -- 积分之星 -------------------------------------------------------------------------------------


@login_required
def stars(request):
    area, period = _area(request), _period(request)
    context = _base(request, area, period, "stars")
    if area.level != Level.VILLAGE:
        villages = Area.objects.filter(prefix_q("code", area.code), level=Level.VILLAGE).order_by("code")
        return render(request, "points/honours/stars.html", {**context, "villages": villages[:400]})
    chosen = {}
    for award in StarAward.objects.visible_to(request.user).filter(area=area, period=period):
        chosen.setdefault(award.star, set()).add(award.account_id)
    star_boards = []
    for star in Star:
        rows = selectors.star_board(area_code=area.code, period=period, star=star.value, limit=10)
        ticked = chosen.get(star.value) or {r.account_id for r in rows if r.rank == 1}
        star_boards.append(
            {"star": star, "rows": rows, "chosen": chosen.get(star.value, set()), "ticked": ticked}
        )
    return render(request, "points/honours/stars.html", {**context, "star_boards": star_boards})


@login_required
@require_POST
def stars_choose(request):
    area, period = _area(request), _period(request)
    star = request.POST.get("star", "")
    ids = [a for a in request.POST.getlist("account_ids") if a.isdigit()]
    run_action(
        request,
        lambda: honours.star_awards_choose(
            actor=request.user, area=area, period=period, star=star, account_ids=ids
        ),
        lambda awards: f"已评选{honours.star_honour(star)}：{'、'.join(a.account.name for a in awards)}。",
    )
    return redirect(f"{reverse('points:honours_stars')}?area={area.code}&period={period}")


# -- 积分分享大会 ---------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    title = forms.CharField(label="大会名称", max_length=100, initial="积分分享大会")
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=100)
    notes = forms.CharField(label="会议情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))


def _meeting(request, pk: int) -> SharingMeeting:
    return get_object_or_404(SharingMeeting.objects.visible_to(request.user).select_related("area"), pk=pk)


@login_required
def meetings(request):
    qs = SharingMeeting.objects.visible_to(request.user).select_related("area").order_by("-held_on", "-pk")
    area_code = request.GET.get("area", "").strip()
    if area_code:
        qs = qs.filter(prefix_q("area_id", area_code))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    honour_codes = area_codes_for(request.user, roles=rules.HONOUR_ROLES)
    return render(request, "points/honours/meetings.html", {
        "page": page, "may_create": bool(honour_codes) or request.user.is_superuser, "tab": "meetings",
        "querystring": f"area={area_code}",
    })  # fmt: skip


def _honour_villages(user):
    codes = area_codes_for(user, roles=rules.HONOUR_ROLES)
    q = prefix_q("code", codes[0]) if codes else None
    for code in codes[1:]:
        q |= prefix_q("code", code)
    if q is None:
        return Area.objects.filter(level=Level.VILLAGE) if user.is_superuser else Area.objects.none()
    return Area.objects.filter(q, level=Level.VILLAGE).order_by("code")


@login_required
def meeting_new(request):
    villages = list(_honour_villages(request.user)[:500])
    if not villages:
        raise PermissionDenied("只有村(社区)、镇(街道)、县综治中心可以登记积分分享大会。")
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    chosen = request.POST.get("area") or request.GET.get("area") or villages[0].code
    area = next((v for v in villages if v.code == chosen), None)
    if request.method == "POST" and area is None:
        raise Http404
    meeting = (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            form, lambda: honours.meeting_save(actor=request.user, area=area, data=form.cleaned_data)
        )
    )
    if meeting:
        messages.success(request, "已登记积分分享大会，请填写光荣榜。")
        return redirect("points:honours_meeting_awardees", pk=meeting.pk)
    return render(request, "points/honours/meeting_form.html", {
        "form": form, "villages": villages, "chosen": chosen, "meeting": None, "tab": "meetings",
    }, status=400 if form.errors else 200)  # fmt: skip


@login_required
def meeting_edit(request, pk: int):
    meeting = _meeting(request, pk)
    if not has_role(request.user, rules.HONOUR_ROLES, meeting.area_id):
        raise PermissionDenied("只有村(社区)、镇(街道)、县综治中心可以修改积分分享大会。")
    initial = {f: getattr(meeting, f) for f in ("title", "held_on", "place", "notes")}
    form = MeetingForm(request.POST or None, initial=initial)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            form, lambda: honours.meeting_save(actor=request.user, meeting=meeting, data=form.cleaned_data)
        )  # fmt: skip
    )
    if saved:
        messages.success(request, "已保存。")
        return redirect("points:honours_meeting", pk=meeting.pk)
    return render(request, "points/honours/meeting_form.html", {"form": form, "meeting": meeting, "tab": "meetings"},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    return render(request, "points/honours/meeting_detail.html", {
        "meeting": meeting,
        "awardees": meeting.awardees.select_related("account"),
        "stars": meeting.stars.select_related("account").order_by("star", "-score"),
        "may_honour": has_role(request.user, rules.HONOUR_ROLES, meeting.area_id),
        "tab": "meetings",
    })  # fmt: skip


@login_required
def meeting_awardees(request, pk: int):
    """The roll of honour as rows of (who, honour, prize); pre-filled from stars or a board."""
    meeting = _meeting(request, pk)
    if not has_role(request.user, rules.HONOUR_ROLES, meeting.area_id):
        raise PermissionDenied("只有村(社区)、镇(街道)、县综治中心可以编辑光荣榜。")
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        rows = _posted_rows(request.POST)
        try:
            honours.meeting_awardees_set(actor=request.user, meeting=meeting, rows=rows)
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None
        except DomainError as exc:
            for field, message in getattr(exc, "errors", None) or [(exc.field or "", exc.message)]:
                parts = (field or "").split(".")
                errors.setdefault(int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0, []).append(
                    message
                )
        else:
            messages.success(request, "光荣榜已保存。")
            return redirect("points:honours_meeting", pk=meeting.pk)
    else:
        rows = _prefill(request, meeting)
    period = _period(request, "quarter")
    accounts = list(
        PointAccount.objects.filter(prefix_q("area_id", meeting.area_id)).order_by("subject", "name")
        .values_list("pk", "name", "subject")[:3000]
    )  # fmt: skip
    labels = dict(Subject.choices)
    lines = [{**row, "errors": errors.get(n, [])} for n, row in enumerate(rows + [{}] * 5, start=1)]
    return render(request, "points/honours/meeting_awardees.html", {
        "meeting": meeting, "lines": lines, "general_errors": errors.get(0, []),
        "accounts": [(pk, f"{name}（{labels.get(s, s)}）") for pk, name, s in accounts],
        "period": period, "period_options": _period_options(period), "subjects": Subject.choices,
        "star_honours": [honours.star_honour(s) for s in Star], "tab": "meetings",
    }, status=400 if errors else 200)  # fmt: skip


def _posted_rows(post) -> list[dict]:
    rows = []
    for n in range(1, 400):
        if f"account_{n}" not in post:
            break
        row = {k: post.get(f"{k}_{n}", "").strip() for k in ("account", "honour", "prize")}
        if row["account"] or row["honour"] or row["prize"]:
            rows.append({"account_id": row["account"], "honour": row["honour"], "prize": row["prize"]})
    return rows


def _prefill(request, meeting: SharingMeeting) -> list[dict]:
    source = request.GET.get("prefill", "")
    current = [{"account_id": a.account_id, "name": a.account.name, "honour": a.honour, "prize": a.prize}
               for a in meeting.awardees.select_related("account")]  # fmt: skip
    if source not in ("stars", "board"):
        return current
    try:
        rows = honours.awardee_suggestions(
            meeting=meeting, source=source, period=request.GET.get("period") or "quarter",
            subject=request.GET.get("subject") or Subject.RESIDENT, top=int(request.GET.get("top") or 10),
        )  # fmt: skip
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "预填条件无效。"))
        return current
    if not rows:
        messages.warning(request, "所选周期没有可预填的获奖人。")
    return current + [r for r in rows if (r["account_id"], r["honour"]) not in
                      {(c["account_id"], c["honour"]) for c in current}]  # fmt: skip


@login_required
def meeting_roll(request, pk: int):

    meeting = _meeting(request, pk)
    name = f"{meeting.area.name}{meeting.title}光荣榜{meeting.held_on:%Y%m%d}.docx"
    return docx_response(name, roll_of_honour_docx(meeting))


# -- exports ------------------------------------------------------------------------------------


def _run_export(call):
    try:
        return call()
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None


@login_required
def export_board(request):
    area, period = _area(request), _period(request)
    subject = request.GET.get("subject") or Subject.RESIDENT
    data = _run_export(lambda: export.board_xlsx(actor=request.user, area_code=area.code, period=period,
                                                 subject=subject))  # fmt: skip
    return xlsx_response(f"{area.name}积分排行{period}.xlsx", data)


@login_required
def export_entries(request):
    area, period = _area(request), _period(request)
    if not selectors.is_board_staff(request.user, area.code):
        raise Http404
    data = _run_export(
        lambda: export.area_entries_xlsx(actor=request.user, area_code=area.code, period=period)
    )
    return xlsx_response(f"{area.name}积分流水{period}.xlsx", data)


@login_required
def export_ledger(request, account_id: int):
    account = get_object_or_404(PointAccount.objects.visible_to(request.user), pk=account_id)
    data = _run_export(lambda: export.account_ledger_xlsx(actor=request.user, account=account))
    return xlsx_response(f"{account.name}积分明细.xlsx", data)
