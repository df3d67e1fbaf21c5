"""A year of demo cases: timelines the workflow could have written, numbers that the next intake
continues, statistics in the range the seeds report, work in every demo queue, idempotent runs.

Runs against the session's 沙洋县 with the named personas (conftest), a 司法所 staff member and a
mediator of 贺集村, so the cases pinned to demo accounts land on them."""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from gongzhi.accounts.models import Department, ResidentLink, RoleGrant, User
from gongzhi.audit.models import AuditEvent
from gongzhi.cases import deadlines, rules
from gongzhi.cases.choices import OPEN_STATUSES, Action, Channel, Kind, Status
from gongzhi.cases.models import Case, CaseCounter, CaseEvent, CaseParty
from gongzhi.cases.selectors import case_stats, queue_counts
from gongzhi.cases.services import case_submit
from gongzhi.cases.sweep import cases_sweep
from gongzhi.demo.case_story import level_of
from gongzhi.demo.case_world import EAST, NORTH, SOUTH, WEST
from gongzhi.demo.cases import _number, seed_cases
from gongzhi.demo.people import seed_people
from gongzhi.kernel.roles import CENTRE_ROLES, Role

from ..conftest import COUNTY, GAOYANG, HEJI, HEJI_GRID1, make_user

pytestmark = pytest.mark.django_db
PEOPLE, CASES = 600, 400
NUMBER = re.compile(r"^420822-(\d{4})-(\d{6})$")
# Steps the workflow takes under rules.TRANSITIONS; the sweep's marks and a merge noted on the
# kept case leave the status as it is.
RULED = set(rules.TRANSITIONS)


@pytest.fixture
def staffed(personas):
    dept = Department.objects.get(name="高阳镇司法所")
    personas.sfs = make_user("sfs", "dept_staff", GAOYANG, department=dept, full_name="孙志强")
    personas.mediator = make_user("mediator", "mediator", HEJI, full_name="陈长林")
    return personas


@pytest.fixture
def seeded(staffed):
    seed_people(persons=PEOPLE)
    now = timezone.now().replace(microsecond=0)
    result = seed_cases(cases=CASES, now=now)
    result.now = now
    return result


def _assignees() -> dict:
    """Who an ASSIGN event named: accounts that can take cases, and departments."""
    staff = RoleGrant.objects.exclude(role=Role.RESIDENT).select_related("user")
    named = {g.user.display_name: ("user", g.user_id) for g in staff}
    named.update({d.name: ("dept", d.pk) for d in Department.objects.all()})
    return named


def test_every_timeline_is_one_the_workflow_could_have_written(seeded):
    """Events in order, each step allowed from the status before it (and, for demo accounts, by
    that person), deadlines as deadlines.due_dates gives them, fields as the last steps left them."""
    assignees, users = _assignees(), {u.pk: u for u in User.objects.all()}
    cases = Case.objects.filter(number__startswith="420822-").prefetch_related("events")
    assert cases.count() == CASES
    for case in cases:
        events = sorted(case.events.all(), key=lambda e: (e.created_at, e.pk))
        assert [e.pk for e in events] == sorted(e.pk for e in events), case.number  # written in time order
        first = events[0]
        assert (first.action, first.to_status, first.created_at) == (
            Action.SUBMIT,
            Status.SUBMITTED,
            case.created_at,
        )
        view = Case(pk=case.pk, kind=case.kind, urgency=case.urgency, status=Status.SUBMITTED,
                    handling_area_id=case.area_id[:12], reporter_user_id=case.reporter_user_id)  # fmt: skip
        accept_due, resolve_due = deadlines.due_dates(case.kind, case.urgency, "village", case.created_at)
        moves = 0
        for e in events[1:]:
            assert e.created_at <= seeded.now
            if e.action not in RULED or e.actor_name == "系统" or "merged" in e.data:
                assert e.from_status == e.to_status == view.status, (case.number, e.action)
                continue
            statuses, _ = rules.TRANSITIONS[e.action]
            assert e.from_status == view.status and view.status in statuses, (
                case.number,
                e.action,
                view.status,
            )
            actor = users.get(e.actor_id)
            if actor is not None and e.action != Action.RATE:
                assert rules.allowed(actor, view, e.action), (case.number, e.action, actor.username)
            if e.action == Action.RATE:
                assert e.actor_id == case.reporter_user_id is not None
            moves += 1
            view.status = e.to_status
            level = level_of(view.handling_area_id)
            if e.action == Action.ACCEPT:
                resolve_due = deadlines.due_dates(case.kind, case.urgency, level, e.created_at)[1]
            elif e.action in (Action.ESCALATE, Action.DELEGATE):
                view.handling_area_id = e.data["to"]
                view.assignee_user_id = None if e.action == Action.ESCALATE else view.assignee_user_id
                view.assignee_department_id = (
                    None if e.action == Action.ESCALATE else view.assignee_department_id
                )
                level = level_of(view.handling_area_id)
                accept_due, resolve_due = deadlines.due_dates(case.kind, case.urgency, level, e.created_at)
            elif e.action == Action.ASSIGN:
                how, pk = assignees[e.data["assignee"]]
                view.assignee_user_id, view.assignee_department_id = (
                    (pk, None) if how == "user" else (None, pk)
                )
            elif e.action == Action.RETURN:
                view.assignee_user_id = view.assignee_department_id = None
            elif e.action == Action.EXTEND_REQUEST:
                view.extension_until = datetime.fromisoformat(e.data["until"])
            elif e.action == Action.EXTEND_DECIDE:
                if e.data["approved"]:
                    resolve_due = view.extension_until
                view.extension_until = None
        assert view.status == case.status and moves == case.version, case.number
        assert view.handling_area_id == case.handling_area_id
        assert (case.accept_due, case.resolve_due) == (accept_due, resolve_due), case.number
        assert (case.closed_at is not None) == (
            case.status in (Status.CLOSED, Status.REJECTED, Status.MERGED)
        )
        if case.status == Status.CLOSED:
            assert (
                case.settled_level == level_of(case.handling_area_id) and case.resolved_at <= case.closed_at
            )
        if case.status == Status.MERGED:
            assert case.merged_into.events.filter(action=Action.MERGE, data__merged=case.number).exists()
        assert case.updated_at == events[-1].created_at


def test_the_deadline_sweep_finds_nothing_left_to_mark(seeded):
    """Overdue marks, automatic 督办, due-soon reminders and late emergency reports were replayed
    as the sweep would have made them, up to the moment of seeding."""
    assert cases_sweep(now=seeded.now) == dict.fromkeys(
        ["accept_overdue", "overdue", "supervised", "due_soon", "not_reported_up"], 0
    )
    urgent = Case.objects.filter(
        urgency__in=["urgent", "major"], created_at__lt=seeded.now - timedelta(hours=1)
    )
    assert urgent.exists()
    for case in urgent:
        assert case.reported_up_at or case.report_up_flagged_at
        if case.reported_up_at and not case.report_up_flagged_at:
            assert case.reported_up_at - case.created_at <= timedelta(hours=1)


def test_numbers_continue_into_the_next_intake(seeded, personas):
    numbers = Counter()
    for number, created in Case.objects.order_by("created_at", "pk").values_list("number", "created_at"):
        year, seq = NUMBER.match(number).groups()
        assert int(year) == timezone.localtime(created).year  # the Beijing year, as intake numbers
        numbers[int(year)] += 1
        assert int(seq) == numbers[int(year)]  # no gaps, in time order
    for year, count in numbers.items():
        assert CaseCounter.objects.get(county_code=COUNTY, year=year).last == count
    case = case_submit(actor=personas.resident, data={
        "kind": "sanitation", "description": "村口垃圾池满了好几天没人清运。", "area_code": HEJI_GRID1,
        "address": "贺集村一组村口"})  # fmt: skip
    year = timezone.localdate().year
    assert case.number == f"420822-{year}-{numbers[year] + 1:06d}"


def test_seeded_numbers_take_the_beijing_year_as_intake_does(db):
    """00:30 on 1 January in Beijing is still 31 December in UTC: the seeded case is numbered in the
    new year, as case_submit would number it, so the next intake continues the same counter."""
    late, early = (SimpleNamespace(created_at=datetime(2026, 12, 31, h, 30, tzinfo=UTC)) for h in (15, 16))
    _number([late, early], COUNTY)
    assert (late.number, early.number) == ("420822-2026-000001", "420822-2027-000001")
    with time_machine.travel(datetime(2026, 12, 31, 16, 45, tzinfo=UTC), tick=False):
        case = case_submit(actor=make_user("newyear", "resident", HEJI_GRID1), data={
            "kind": "sanitation", "description": "新年第一天村口垃圾池满了。", "area_code": HEJI_GRID1,
            "address": "贺集村一组村口"})  # fmt: skip
    assert case.number == "420822-2027-000002"


def test_statistics_read_like_the_seeds(seeded):
    """廊坊: response 100%, resolution 97.6%, satisfaction 97.8%; 小事不出村、大事不出镇."""
    stats = case_stats(area=COUNTY)
    counts = stats["counts"]
    assert counts["received"] >= CASES * 0.97  # merged duplicates are not counted twice
    assert 94 <= stats["response_rate"] <= 100
    # Lower than a full year would give: of only 400 cases, the ~50 pinned to demo queues are open.
    assert 80 <= stats["resolution_rate"] <= 99
    assert counts["rated"] >= 40 and 90 <= stats["satisfaction_rate"] < 100
    assert stats["settled_share"]["village"] >= 75
    assert 3 <= stats["settled_share"]["town"] <= 20 and stats["settled_share"]["county"] <= 6
    assert 0 < stats["rework_rate"] <= 6
    assert 85 <= stats["on_time_rate"] <= 100
    town = case_stats(area=GAOYANG)
    assert town["counts"]["received"] > 0 and town["counts"]["at_town"] > 0


def test_the_mix_of_channels_kinds_places_and_parties(seeded):
    cases = list(Case.objects.select_related("reporter_user"))
    assert {c.channel for c in cases} == set(Channel.values)
    assert {c.kind for c in cases} == set(Kind.values)
    categories = Counter(c.category for c in cases if c.kind == Kind.DISPUTE)
    common = {"neighbour", "family", "land", "homestead"}
    assert sum(categories[c] for c in common) > 0.55 * sum(categories.values())
    assert all(c.category == "" for c in cases if c.kind != Kind.DISPUTE)
    for c in cases:
        assert SOUTH <= c.lat <= NORTH and WEST <= c.lng <= EAST
        assert len(c.title) >= 4 and len(c.description) >= 10 and "{" not in c.description + c.title
        assert c.address and c.area.is_grid
        if c.channel in ("h5", "app"):
            assert c.reporter_user is not None
            grants = c.reporter_user.grants.all()
            assert [g.role for g in grants] == [Role.RESIDENT] and c.area_id.startswith(
                grants[0].area_id[:12]
            )
            if c.reporter_person_id:  # a registry person with the account phone sign-in would make
                assert ResidentLink.objects.get(user=c.reporter_user).person_id == c.reporter_person_id
                assert not c.reporter_user.has_usable_password()
        else:
            assert c.reporter_user is None
    parties = CaseParty.objects.filter(person__isnull=False).select_related("case", "person")
    assert parties.exists()
    for party in parties:
        assert party.person.area_id[:12] == party.case.area_id[:12]  # people of the same village
    assert not CaseParty.objects.exclude(case__kind=Kind.DISPUTE).exists()


def test_every_demo_account_has_work(seeded, staffed):
    """Pinned cases leave work in every queue of the accounts the demo hands out."""
    heji, gaoyang, wgy = queue_counts(staffed.heji), queue_counts(staffed.gaoyang), queue_counts(staffed.wgy)
    assert heji["pending"] >= 2 and heji["todo"] >= 5 and heji["overdue"] >= 1 and heji["supervised"] >= 1
    assert gaoyang["pending"] >= 2 and gaoyang["todo"] >= 3
    assert wgy["todo"] >= 4 and wgy["due_soon"] >= 1 and wgy["overdue"] >= 1
    assert Case.objects.filter(assignee_user=staffed.wgy, status=Status.ASSIGNED).count() >= 4
    assert queue_counts(staffed.sfs)["todo"] >= 3
    assert Case.objects.filter(assignee_user=staffed.mediator, status__in=OPEN_STATUSES).exists()
    assert queue_counts(staffed.county)["pending"] >= 1
    assert Case.objects.filter(handling_area_id=HEJI, extension_until__isnull=False).exists()
    mine = Case.objects.filter(reporter_user=staffed.resident)
    assert mine.count() >= 8 and mine.filter(status__in=OPEN_STATUSES).exists()
    assert any(Action.RATE in rules.available_actions(staffed.resident, c) for c in mine)
    # 贺集村 staff get verify and accept work.
    resolved = Case.objects.filter(handling_area_id=HEJI, status=Status.RESOLVED).first()
    assert resolved is not None and Action.VERIFY in rules.available_actions(staffed.heji, resolved)
    centre_users = RoleGrant.objects.filter(role__in=CENTRE_ROLES).values_list("user_id", flat=True)
    assert CaseEvent.objects.filter(actor_id__in=centre_users).exists()


def test_a_second_run_adds_nothing(seeded):
    before = (Case.objects.count(), CaseEvent.objects.count(), User.objects.count(),
              list(CaseCounter.objects.values_list("year", "last")))  # fmt: skip
    again = seed_cases(cases=CASES)
    assert (again.cases, again.total) == (0, CASES)
    after = (Case.objects.count(), CaseEvent.objects.count(), User.objects.count(),
             list(CaseCounter.objects.values_list("year", "last")))  # fmt: skip
    assert after == before
    event = AuditEvent.objects.get(action="demo.seed_cases")
    assert event.details["cases"] == CASES and event.area_code == COUNTY


def test_seed_demo_command_gives_the_demo_accounts_work(settings, capsys):
    settings.DEMO = True
    call_command("seed_demo", "--persons", "800", "--cases", "300")
    out = capsys.readouterr().out
    assert "事件：新增 300 件" in out
    for username in ("heji_staff", "gaoyang_staff", "wgy_heji", "sfs_gaoyang"):
        counts = queue_counts(User.objects.get(username=username))
        assert counts["todo"] > 0, (username, counts)
    assert queue_counts(User.objects.get(username="heji_staff"))["pending"] > 0
    call_command("seed_demo", "--persons", "800", "--cases", "300")
    assert "已有 300 件" in capsys.readouterr().out
    assert Case.objects.count() == 300
