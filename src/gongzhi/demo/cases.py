"""A year of synthetic 事件 for the demo county: seed_cases(cases=N), idempotent.

Each case is planned (case_plan: channel, kind, words, parties from the people of its village,
place), played through the closed loop (case_script) on an in-memory timeline that obeys
rules.TRANSITIONS and replays the deadline sweep (case_story), then written in bulk: numbers from
the county's CaseCounter in the intake format 420822-YYYY-NNNNNN, the counter advanced so that
the next intake continues the sequence. A few cases around the demo accounts are pinned to
states that leave them work to do; residents who report through 随手拍 get an account.
"""

import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from gongzhi.accounts.models import ResidentLink, RoleGrant, User
from gongzhi.audit.services import audit_record
from gongzhi.cases.choices import Kind
from gongzhi.cases.models import Case, CaseCounter, CaseEvent, CaseParty
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.roles import Role

from . import data
from .case_plan import (
    CHANNELS,
    KINDS,
    SEASONS,
    STAFF_CHANNELS,
    Head,
    HeadMaker,
    Plan,
    day_and_hour,
    in_season,
    pick,
    random_plan,
)
from .case_script import Script
from .case_story import Actor, Deadlines, Story
from .case_world import World

BATCH = 1000
# Below this many new cases the pinned work-in-progress would crowd out the year.
PINNED_FROM = 150
DUPLICATES = 0.015  # share of reports that repeat an open case


@dataclass
class CasesResult:
    cases: int = 0
    events: int = 0
    parties: int = 0
    accounts: int = 0
    total: int = 0  # cases of the county after the run
    seconds: float = 0.0
    by_status: dict = field(default_factory=dict)


def seed_cases(
    *,
    cases: int = data.CASES,
    county: str = data.COUNTY,
    demo_village: str = data.HEJI,
    seed: int = data.CASES_SEED,
    now: datetime | None = None,
) -> CasesResult:
    """Bring the county up to `cases` cases over the last 365 days (never fewer, never twice)."""
    started = time.perf_counter()
    existing = Case.objects.filter(prefix_q("area_id", county)).count()
    result = CasesResult(total=existing)
    if existing >= cases:
        result.seconds = time.perf_counter() - started
        return result
    now = (now or timezone.now()).replace(microsecond=0)
    tz = ZoneInfo(settings.TIME_ZONE)
    rng = random.Random(seed if existing == 0 else f"{seed}+{existing}")
    with transaction.atomic():
        world = World(county, demo_village, now.astimezone(tz).date())
        if not world.leaves:
            raise DomainError(f"区划 {county} 下没有网格，请先建立网格。", field="county")
        maker = HeadMaker(world, rng)
        wanted = cases - existing
        heads = _pinned(world, maker, rng, now) if existing == 0 and wanted >= PINNED_FROM else []
        heads += _year(world, maker, rng, now, tz, wanted - len(heads))
        heads.sort(key=lambda h: h.created_at)
        result.accounts = _accounts(heads, world, rng)
        _number(heads, county)
        _play(heads, world, rng, tz, now)
        result.events, result.parties = _write(heads)
        result.cases = len(heads)
        result.total = existing + len(heads)
        result.by_status = dict(Counter(str(h.story.status) for h in heads).most_common())
        result.seconds = time.perf_counter() - started
        audit_record(
            actor=None,
            action="demo.seed_cases",
            object_type="area",
            object_id=county,
            area_code=county,
            details={
                "cases": result.cases,
                "events": result.events,
                "parties": result.parties,
                "accounts": result.accounts,
                "by_status": result.by_status,
                "total": result.total,
                "seconds": round(result.seconds, 1),
            },
        )
    return result


def _year(world: World, maker: HeadMaker, rng, now: datetime, tz, count: int) -> list[Head]:
    """`count` cases spread over the year, where people live, in the mix of channels and kinds."""
    cum = list(accumulate(world.weights()))
    repeated = round(count * DUPLICATES)
    heads = []
    for _ in range(max(count - repeated, 0)):
        leaf = rng.choices(world.leaves, cum_weights=cum)[0]
        channel = pick(rng, CHANNELS)
        stuck = rng.random() < 0.005  # left lying: overdue and 督办 by now
        created = day_and_hour(
            rng, now - timedelta(days=8) if stuck else now, channel, tz, 52 if stuck else 365
        )
        head = maker.make(leaf, created, channel=channel)
        if head.category in SEASONS and not in_season(head.category, created) and rng.random() < 0.5:
            head.created_at = day_and_hour(rng, now, head.channel, tz)
        head.plan = random_plan(rng, head)
        if stuck:
            head.plan = Plan(stop="assigned", supervise=rng.random() < 0.6, climb=head.plan.climb)
        heads.append(head)
    # Some things are reported twice (a blocked drain, a broken lamp): the second report comes in
    # while the first may still be open, and staff merge it.
    # Only public things (no names in the words) are reported again by someone else.
    repeatable = [h for h in heads if h.kind != Kind.DISPUTE and h.urgency == "normal" and not h.plan.stop
                  and not re.search(r"\{(p1|p2|me|org)\}", h.text.body)
                  and h.created_at < now - timedelta(hours=2)]  # fmt: skip
    for first in rng.sample(repeatable, min(len(repeatable), repeated)):
        hours = rng.uniform(1, min(40, (now - first.created_at).total_seconds() / 3600 - 0.5))
        second = maker.make(first.leaf, first.created_at + timedelta(hours=hours), kind=first.kind)
        second.repeat(first, rng)
        second.plan = random_plan(rng, second)
        heads.append(second)
    return heads


# Work in progress around each place with a demo account: (how many, days ago, plan, kind).
VILLAGE_WORK = [
    (2, (0.05, 0.3), {"stop": "submitted"}, "other"),  # 待受理
    (1, (1.2, 1.6), {"stop": "submitted"}, "dispute"),  # not accepted in time
    (3, (1, 4), {"stop": "assigned", "handler": "grid", "pace": 0.3}, "other"),  # the grid worker's tasks
    (1, (6.6, 6.6), {"stop": "assigned", "handler": "grid", "pace": 0.2}, "other"),  # due within a day
    (2, (1, 3), {"stop": "noted", "handler": "mediator", "notes": 1, "pace": 0.3}, "dispute"),  # mediating
    (2, (2, 4), {"stop": "resolved", "pace": 0.3, "resolve_share": 0.15}, "other"),  # to verify
    (1, (5.5, 5.5), {"stop": "extension", "extension": True, "notes": 1, "pace": 0.3}, "land"),  # to decide
    (1, (12, 12), {"stop": "assigned", "handler": "grid", "supervise": True}, "other"),  # overdue, 督办
]
TOWN_WORK = [
    (2, (0.5, 1.5), {"climb": 1, "stop": "escalated", "pace": 0.2}, "dispute"),  # sent up, to accept
    (3, (2, 5), {"climb": 1, "handler": "dept", "stop": "noted", "notes": 1, "pace": 0.3}, "dispute"),
    (
        1,
        (6, 6),
        {"climb": 1, "handler": "dept", "stop": "resolved", "pace": 0.3, "resolve_share": 0.2},
        "dispute",
    ),
    (1, (25, 25), {"climb": 1, "handler": "dept", "stop": "assigned", "supervise": True}, "security"),
]
COUNTY_WORK = [
    (1, (3, 3), {"climb": 2, "stop": "escalated", "pace": 0.3}, "labour"),
    (1, (9, 9), {"climb": 2, "handler": "dept", "stop": "noted", "notes": 1, "pace": 0.5}, "demolition"),
]
RESIDENT_WORK = [
    (8, (10, 360), {}, "other"),  # reported over the year: the usual life
    (1, (3, 3), {"stop": "closed", "pace": 0.3, "resolve_share": 0.2}, "other"),  # to rate
    (1, (1, 1), {"stop": "assigned", "handler": "grid", "pace": 0.3}, "other"),  # being handled
]


def _pinned(world: World, maker: HeadMaker, rng, now: datetime) -> list[Head]:
    """Cases left in progress for the centres, grid workers, mediators, departments and residents
    that have demo accounts, so that every queue has work: to accept, assign, verify, extend,
    rate, and some overdue and 督办."""
    staff, heads = world.staff, []
    by_village: dict[str, list] = {}
    for leaf in world.leaves:
        by_village.setdefault(leaf.village.code, []).append(leaf)

    def kind_of(what: str) -> dict:
        if what == "other":
            kinds = {k: w for k, w in KINDS["h5"].items() if k not in (Kind.DISPUTE, Kind.EMERGENCY)}
            return {"kind": pick(rng, kinds)}
        if what in (Kind.DISPUTE, Kind.SECURITY):
            return {"kind": what}
        return {"kind": Kind.DISPUTE, "category": what}

    def work(table, leaves, *, gridded=None, near=None, **extra) -> None:
        for count, (low, high), plan, what in table:
            for _ in range(count):
                pool = (
                    gridded
                    if plan.get("handler") == "grid"
                    else near
                    if plan.get("stop") == "escalated"
                    else None
                )
                created = now - timedelta(days=rng.uniform(low, high))
                head = maker.make(rng.choice(pool or leaves), created, **kind_of(what), **extra)
                head.plan = Plan(**plan) if plan else random_plan(rng, head)
                heads.append(head)

    for village, leaves in sorted(by_village.items()):
        if staff.real(village):
            # The grid tasks go to one grid worker (the first account), so that one queue is full.
            workers = [staff.grid_worker(leaf.area.code) for leaf in leaves]
            first = next((w for w in workers if w), None)
            work(
                VILLAGE_WORK,
                leaves,
                gridded=[leaf for leaf, w in zip(leaves, workers, strict=True) if w == first],
            )
            due_soon = next(h for h in reversed(heads) if h.plan.pace == 0.2)
            again = maker.make(due_soon.leaf, now - timedelta(hours=rng.uniform(0.5, 3)))
            again.repeat(due_soon, rng)  # a second report of it, waiting: the page suggests merging
            again.plan = Plan(stop="submitted")
            heads.append(again)
    for town in sorted({v[:9] for v in by_village if staff.real(v[:9])}):
        near = [leaf for v, ls in by_village.items() if v.startswith(town) and staff.real(v) for leaf in ls]
        work(
            TOWN_WORK, [leaf for v, ls in by_village.items() if v.startswith(town) for leaf in ls], near=near
        )
    county = world.leaves[0].area.code[:6]
    if staff.real(county):
        work(COUNTY_WORK, [leaf for ls in by_village.values() for leaf in ls])
    for area, resident in staff.residents:
        leaves = [leaf for leaf in world.leaves if leaf.area.code.startswith(area)]
        if leaves:
            work(RESIDENT_WORK, leaves, channel="h5", resident=resident)
    return heads


def _accounts(heads: list[Head], world: World, rng) -> int:
    """Everyone who reported through 随手拍/小程序 has the account phone sign-in would have made
    (people/resident_login.py: username r<person>, resident of their grid, linked to the registry
    person, no password); returns how many were made."""
    wanted = {h.reporter.pk: h.reporter for h in heads if h.needs_account}
    first: dict[int, datetime] = {}
    for h in heads:
        if h.needs_account:
            first.setdefault(h.reporter.pk, h.created_at)
    ids = dict(ResidentLink.objects.filter(person_id__in=wanted).values_list("person_id", "user_id"))
    taken = set(
        User.objects.filter(username__in=[f"r{pk}" for pk in wanted]).values_list("username", flat=True)
    )
    new = {
        pk: User(
            username=f"r{pk}",
            full_name=p.name,
            password=make_password(None),
            date_joined=first[pk] - timedelta(days=rng.uniform(1, 90)),
        )  # fmt: skip
        for pk, p in wanted.items()
        if pk not in ids and f"r{pk}" not in taken
    }
    User.objects.bulk_create(new.values(), batch_size=BATCH)
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role=Role.RESIDENT, area_id=wanted[pk].leaf) for pk, u in new.items()],
        batch_size=BATCH,
    )
    ResidentLink.objects.bulk_create(
        [ResidentLink(user=u, person_id=pk) for pk, u in new.items()], batch_size=BATCH
    )
    ids.update((pk, u.pk) for pk, u in new.items())
    for h in heads:
        if h.needs_account and h.reporter.pk not in ids:  # r<person> is someone else's: they phoned
            h.needs_account, h.channel, h.lead = False, "hotline", "来电人{r}反映："
            h.submitter, h.slots["me"] = world.staff.centre(h.village), "其"
        elif h.needs_account:
            h.reporter_user = Actor(name=h.reporter.name, user_id=ids[h.reporter.pk])
            h.submitter = h.reporter_user
    return len(new)


def _number(heads: list[Head], county: str) -> None:
    """Numbers in time order from the county's counters, which end where the next intake starts.
    The year is taken as intake takes it: the Beijing year (cases.services.case_submit)."""
    years = sorted({timezone.localtime(h.created_at).year for h in heads})
    last = {}
    for year in years:
        counter, _ = CaseCounter.objects.select_for_update().get_or_create(county_code=county, year=year)
        last[year] = counter.last
    for h in heads:
        year = timezone.localtime(h.created_at).year
        last[year] += 1
        h.number = f"{county}-{year}-{last[year]:06d}"
    for year in years:
        CaseCounter.objects.filter(county_code=county, year=year).update(last=last[year])


def _play(heads: list[Head], world: World, rng, tz, now: datetime) -> None:
    """Play every case in time order (a repeated report finds the first one already played)."""
    due = Deadlines()
    for h in heads:
        h.story = Story(kind=h.kind, urgency=h.urgency, village=h.village, created_at=h.created_at, now=now,
                        reporter_user_id=h.reporter_user.id if h.reporter_user else None, due=due)  # fmt: skip
        h.story.number = h.number
        Script(h, h.story, world, rng, tz).play()


def _write(heads: list[Head]) -> tuple[int, int]:
    """Insert cases, then their timelines and parties; returns (events, parties)."""
    rows = [_case(h) for h in heads]
    Case.objects.bulk_create(rows, batch_size=BATCH)
    pk_of = {id(h.story): row.pk for h, row in zip(heads, rows, strict=True)}
    for h, row in zip(heads, rows, strict=True):
        if h.story.merged_into is not None:
            Case.objects.filter(pk=row.pk).update(merged_into_id=pk_of[id(h.story.merged_into)])
    events = [
        CaseEvent(
            case_id=row.pk,
            action=e.action,
            actor_id=e.actor_id,
            actor_name=e.actor_name[:64],
            from_status=e.from_status,
            to_status=e.to_status,
            note=e.note,
            internal=e.internal,
            data=e.data,
            created_at=e.at,
        )  # fmt: skip
        for h, row in zip(heads, rows, strict=True)
        for e in h.story.ordered_events()
    ]
    CaseEvent.objects.bulk_create(events, batch_size=BATCH * 2)
    parties = [
        CaseParty(case_id=row.pk, person_id=person, organization_id=org, name=name[:128], side=side)
        for h, row in zip(heads, rows, strict=True)
        if h.kind == Kind.DISPUTE
        for person, org, name, side in h.parties
    ]
    CaseParty.objects.bulk_create(parties, batch_size=BATCH * 2)
    # bulk_create stamps updated_at with the clock; a case was last changed at its last event.
    last_event = (
        CaseEvent.objects.filter(case_id=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )
    Case.objects.filter(pk__gte=rows[0].pk, pk__lte=rows[-1].pk).update(updated_at=Subquery(last_event))
    return len(events), len(parties)


def _case(h: Head) -> Case:
    s = h.story
    contact = h.reporter if h.channel in STAFF_CHANNELS and not h.anonymous and h.reporter else None
    return Case(
        number=h.number, channel=h.channel, kind=h.kind, category=h.category, title=h.title,
        description=h.description, urgency=h.urgency, concern=h.concern, area_id=h.leaf.area.code,
        handling_area_id=s.handling_area, lat=h.lat, lng=h.lng, address=h.address,
        reporter_person_id=h.reporter.pk if h.needs_account else None,
        reporter_user_id=h.reporter_user.id if h.reporter_user else None, anonymous=h.anonymous,
        submitted_by_id=h.submitter.id,
        contact_name=contact.name if contact else "", contact_phone_cipher=contact.phone_cipher if contact else "",
        contact_phone_masked=contact.phone_masked if contact else "", status=s.status,
        assignee_user_id=s.assignee_user_id, assignee_department_id=s.assignee_department_id,
        supervision=s.supervision, accept_due=s.accept_due, resolve_due=s.resolve_due, accepted_at=s.accepted_at,
        resolved_at=s.resolved_at, closed_at=s.closed_at, overdue_at=s.overdue_at,
        accept_overdue_at=s.accept_overdue_at, due_soon_notified_at=s.due_soon_notified_at,
        report_up_flagged_at=s.report_up_flagged_at, reported_up_at=s.reported_up_at,
        extension_until=s.extension_until, extension_reason=s.extension_reason, rework_count=s.rework_count,
        settled_level=s.settled_level, rating=s.rating, rating_comment=s.rating_comment, rated_at=s.rated_at,
        revisited_at=s.revisited_at, version=s.version, created_at=h.created_at,
    )  # fmt: skip
