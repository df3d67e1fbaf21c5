"""What each demo case is about and how its life goes: channel, kind, text, parties, place (a
Head), and the decisions of its closed loop (a Plan) that case_script.py then plays out."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gongzhi.cases import deadlines
from gongzhi.cases.choices import Channel, Kind

from .case_story import Actor, Story
from .case_texts import DISPUTES, LEADS, OTHER_KINDS, TAILS, Text
from .case_world import P, World, place_of, within
from .names import full_name
from .places import Leaf

# How people reach the centre, and what they bring through each door.
CHANNELS = {"h5": 24, "app": 8, "hotline": 16, "visit": 12, "grid": 28, "box": 5, "assigned": 7}
KINDS = {
    "h5": {"dispute": 20, "security": 8, "safety": 14, "sanitation": 24, "livelihood": 22, "advice": 10, "emergency": 2},
    "app": {"dispute": 20, "security": 8, "safety": 14, "sanitation": 24, "livelihood": 22, "advice": 10, "emergency": 2},
    "hotline": {"dispute": 30, "security": 10, "safety": 10, "sanitation": 10, "livelihood": 28, "advice": 10, "emergency": 2},
    "visit": {"dispute": 60, "security": 5, "safety": 3, "sanitation": 3, "livelihood": 22, "advice": 7},
    "grid": {"dispute": 34, "security": 14, "safety": 22, "sanitation": 16, "livelihood": 10, "advice": 1, "emergency": 3},
    "box": {"dispute": 30, "security": 10, "safety": 5, "sanitation": 15, "livelihood": 25, "advice": 15},
    "assigned": {"dispute": 50, "security": 10, "safety": 10, "sanitation": 5, "livelihood": 20, "emergency": 5},
}  # fmt: skip
# 邻里, 婚姻家庭 and 土地/宅基地 are most of what villages argue about.
CATEGORIES = {"neighbour": 26, "family": 20, "land": 15, "homestead": 12, "labour": 6, "contract": 6,
              "demolition": 3, "pollution": 3, "traffic": 4, "property": 2, "medical": 1, "other": 2}  # fmt: skip
# Months when a category comes up more (春耕 and 秋收 for land and water, 春节 for families).
SEASONS = {"land": {3, 4, 5, 9, 10}, "homestead": {3, 4, 10, 11}, "family": {1, 2}}
# 小事不出村、大事不出镇: the share sent up from the village, and from the town to the county.
UP_TO_TOWN = {"family": 0.07, "neighbour": 0.05, "land": 0.22, "homestead": 0.2, "demolition": 0.55, "labour": 0.4,
              "property": 0.15, "medical": 0.5, "contract": 0.12, "pollution": 0.35, "traffic": 0.25, "other": 0.1,
              "security": 0.1, "safety": 0.08, "sanitation": 0.03, "livelihood": 0.1, "advice": 0.02,
              "emergency": 0.45}  # fmt: skip
UP_TO_COUNTY = {"demolition": 0.35, "labour": 0.25, "medical": 0.3, "pollution": 0.3, "emergency": 0.15}
RATINGS = {"satisfied": 88.3, "basically": 9.5, "dissatisfied": 2.2}  # 廊坊: 满意率 97.8%
STAFF_CHANNELS = ("hotline", "visit", "grid", "box", "assigned")


def pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Plan:
    """Decisions taken when the case is planned; times are drawn while it is played."""

    stop: str = ""  # stop after: submitted, accepted, escalated, assigned, extension, resolved, closed
    reject: bool = False
    accept_late: bool = False
    report_late: bool = False
    climb: int = 0  # 0 settled in the village, 1 in the town, 2 in the county
    delegate_back: bool = False
    handler: str = ""  # grid, mediator, dept, self; chosen while playing when empty
    give_back: bool = False
    notes: int = 0
    extension: bool = False
    supervise: bool = False
    late: bool = False
    reopen: bool = False
    rating: str = ""
    revisit: bool = False
    pace: float = 1.0  # < 1 for the cases pinned to show work in progress
    resolve_share: float | None = None


@dataclass
class Head:
    """One case before its life is played: everything intake would record."""

    created_at: datetime
    leaf: Leaf
    channel: str
    kind: str
    category: str
    urgency: str
    concern: str
    text: Text
    slots: dict
    lead: str
    tail: str
    submitter: Actor
    reporter: P | None  # the resident who told us (for contact and 随手拍 accounts)
    reporter_user: Actor | None  # the resident account that reported it (随手拍/H5, 小程序)
    needs_account: bool
    anonymous: bool
    parties: list[tuple[int | None, int | None, str, str]]  # person, organisation, name, side
    lat: float
    lng: float
    address: str
    plan: Plan = field(default_factory=Plan)
    number: str = ""
    story: Story | None = None
    repeats: "Head | None" = None  # a second report of this earlier case, merged into it if still open

    @property
    def village(self) -> str:
        return self.leaf.village.code

    def repeat(self, first: "Head", rng: random.Random) -> None:
        """Become a second report of `first`: its words and place, told by someone else."""
        self.repeats = first
        for name in ("kind", "urgency", "category", "concern", "text", "leaf", "address", "parties"):
            setattr(self, name, getattr(first, name))
        self.slots = {**first.slots, "me": self.slots["me"], "r": self.slots["r"]}
        self.lat, self.lng = within(
            first.lat + rng.uniform(-3e-4, 3e-4), first.lng + rng.uniform(-3e-4, 3e-4)
        )

    @property
    def title(self) -> str:
        return self.text.title.format(**self.slots)[:100]

    @property
    def description(self) -> str:
        lead = self.lead.format(**self.slots)
        return (lead + self.text.body.format(**self.slots) + self.tail)[:5000]


def random_plan(rng: random.Random, head: Head) -> Plan:
    """The usual life: most settled in the village, a few sent up, rejected, late, reworked."""
    key = head.category or head.kind
    urgent = deadlines.must_report_up(head.kind, head.urgency)
    plan = Plan()
    plan.reject = not urgent and rng.random() < 0.015
    plan.accept_late = rng.random() < 0.006
    plan.report_late = urgent and rng.random() < 0.05
    if rng.random() < UP_TO_TOWN[key]:
        plan.climb = 2 if rng.random() < UP_TO_COUNTY.get(key, 0.08) else 1
        plan.delegate_back = plan.climb == 1 and rng.random() < 0.04
    dispute = head.kind == Kind.DISPUTE
    plan.notes = rng.choice([1, 1, 2, 2, 3]) if dispute else rng.choice([0, 0, 1, 1, 2])
    plan.extension = rng.random() < (0.04 if dispute and plan.climb else 0.008)
    plan.give_back = rng.random() < 0.04
    plan.late = rng.random() < 0.03
    plan.supervise = rng.random() < 0.008
    plan.reopen = rng.random() < 0.01
    if (head.reporter_user is not None or head.needs_account) and rng.random() < 0.8:
        plan.rating = pick(rng, RATINGS)
    plan.revisit = rng.random() < (0.35 if dispute else 0.08)
    return plan


class HeadMaker:
    """Composes heads: who tells what, where, in which words."""

    def __init__(self, world: World, rng: random.Random):
        self.w, self.rng = world, rng
        self.h5_reporters: dict[str, list[P]] = {}

    def make(self, leaf: Leaf, created_at: datetime, *, channel: str = "", kind: str = "", category: str = "",
             resident: Actor | None = None) -> Head:  # fmt: skip
        rng, people = self.rng, self.w.people
        channel = channel or pick(rng, CHANNELS)
        kind = kind or pick(rng, KINDS[channel])
        text, category = self._text(leaf, kind, category)
        village = leaf.village.code
        p1, p2, org, parties = self._parties(text, leaf, category)
        if kind != Kind.DISPUTE:
            pool = people.by_leaf.get(leaf.area.code) or people.by_village.get(village) or []
            elders = people.elders_by_village.get(village) or pool
            p1 = rng.choice(elders if "{age}" in text.body else pool) if pool else None
            heads = people.heads_by_leaf.get(leaf.area.code) or pool
            p2 = rng.choice(heads) if heads else None
        reporter = p1 if kind == Kind.DISPUTE else self._reporter(leaf, channel)
        reporter_user, needs_account = None, False
        if channel in ("h5", "app"):
            if resident is not None:
                reporter_user, reporter = resident, None
            elif reporter is not None and reporter.pk:
                if kind != Kind.DISPUTE:
                    reporter = self._h5_reporter(leaf, reporter)
                needs_account = True  # made, with the others, before the story is played
            else:
                channel = "hotline"  # nobody of the registry to hold a 随手拍 account: they phoned
        group, door = place_of(p1 or reporter, leaf, rng)
        names = {"p1": _name(p1, rng), "p2": _name(p2, rng, p1)}
        r = reporter_user.name if reporter is None and reporter_user else _name(reporter, rng)
        lead = rng.choice(LEADS[channel])
        me = "我" if channel in ("h5", "app") else ("其" if "{r}" in lead else names["p1"])
        if parties and reporter_user is not None and reporter is None:
            parties[0] = (None, None, reporter_user.name, parties[0][3])  # the account holder applies
            names["p1"] = reporter_user.name
        slots = {
            **names, "me": me, "r": r, "g": group, "no": door, "cun": "社区" if leaf.urban else "村",
            "office": "社区居委会" if leaf.urban else "村委会", "road": "小区道路" if leaf.urban else "村道", "org": org or "某建筑工地", "age": p1.age if p1 else 76,
            "n": rng.randint(3, 12), "mu": rng.randint(3, 12) * 10, "crowd": rng.randint(2, 6) * 10,
        }  # fmt: skip
        urgency, concern = self._urgency(kind, category)
        anonymous = (channel == "box" and rng.random() < 0.4) or (
            channel in ("h5", "app") and rng.random() < 0.05
        )
        lat, lng = self.w.map.point(leaf.area.code, rng)
        spot = (text.spot.replace("{no}号", "{no}室") if leaf.urban else text.spot).format(**slots)
        address = f"{leaf.town_label}{leaf.village_label}{group}{spot}"[:200]
        return Head(
            created_at=created_at, leaf=leaf, channel=channel, kind=kind, category=category, urgency=urgency,
            concern=concern, text=text, slots=slots, lead=lead, tail=rng.choice(TAILS.get(channel, [""])),
            submitter=self._submitter(channel, leaf, reporter_user), reporter=reporter, reporter_user=reporter_user,
            needs_account=needs_account, anonymous=anonymous, parties=parties, lat=lat, lng=lng, address=address,
        )  # fmt: skip

    def _text(self, leaf: Leaf, kind: str, category: str) -> tuple[Text, str]:
        rng = self.rng
        while True:
            if kind == Kind.DISPUTE:
                cat = category or pick(rng, CATEGORIES)
                pool = DISPUTES[cat]
            else:
                cat, pool = "", OTHER_KINDS[kind]
            fitting = [t for t in pool if t.urban in (None, leaf.urban) and self._cast(t, leaf.village.code)]
            if fitting:
                return rng.choice(fitting), cat
            category = ""  # a 社区 has no 宅基地 disputes: draw another category

    def _cast(self, text: Text, village: str) -> bool:
        """Whether the village has the people the story needs (an old parent, a married couple)."""
        people = self.w.people
        if text.parties == "elder_child" or "{age}" in text.body:
            return bool(people.elders_by_village.get(village))
        if text.parties == "spouses":
            return bool(people.spouses.get(village))
        return True

    def _reporter(self, leaf: Leaf, channel: str) -> P | None:
        if channel == "grid":
            return None
        pool = self.w.people.by_leaf.get(leaf.area.code) or self.w.people.by_village.get(leaf.village.code)
        if not pool:
            return None
        grown = [p for p in pool if 22 <= p.age <= 75 and p.phone_cipher] or pool
        return self.rng.choice(grown)

    def _h5_reporter(self, leaf: Leaf, person: P) -> P:
        """随手拍 users come back: a third of reports are by someone who has reported before."""
        seen = self.h5_reporters.setdefault(leaf.area.code, [])
        if seen and self.rng.random() < 0.35:
            return self.rng.choice(seen)
        if person not in seen:
            seen.append(person)
        return person

    def _submitter(self, channel: str, leaf: Leaf, reporter_user: Actor | None) -> Actor:
        staff, rng, village, town = self.w.staff, self.rng, leaf.village.code, leaf.village.code[:9]
        if channel in ("h5", "app"):
            return reporter_user or Actor(name="")  # filled in when the account is made
        if channel == "grid":
            return staff.grid_worker_name(leaf.area.code)
        if channel == "hotline":
            return staff.centre(rng.choice([village, village, town, town[:6]]))
        if channel == "visit":
            return staff.centre(village if rng.random() < 0.85 else town)
        if channel == "assigned":
            return staff.centre(town if rng.random() < 0.6 else town[:6])
        return staff.centre(village)

    def _urgency(self, kind: str, category: str) -> tuple[str, str]:
        rng = self.rng
        if kind == Kind.EMERGENCY:
            return ("urgent" if rng.random() < 0.7 else "major"), ("high" if rng.random() < 0.6 else "medium")
        if kind == Kind.DISPUTE:
            concern = pick(rng, {"low": 72, "medium": 22, "high": 6})
            return ("urgent" if concern == "high" and rng.random() < 0.15 else "normal"), concern
        urgent = kind in (Kind.SECURITY, Kind.SAFETY) and rng.random() < 0.05
        return ("urgent" if urgent else "normal"), pick(rng, {"low": 90, "medium": 9, "high": 1})

    def _parties(self, text: Text, leaf: Leaf, category: str):
        """(p1, p2, organisation name, party rows) for a dispute, from the people of the village."""
        rng, people, village = self.rng, self.w.people, leaf.village.code
        heads_here = people.heads_by_leaf.get(leaf.area.code) or []
        heads = people.heads_by_village.get(village) or []
        adults = people.by_village.get(village) or []

        def two(pool):
            pool = pool if len(pool) >= 2 else heads
            if len(pool) < 2:
                return None, None
            a, b = rng.sample(pool, 2)
            return (a, b) if a.household != b.household else (a, None)

        kind, org, p1, p2 = text.parties, None, None, None
        if kind == "neighbours":
            p1, p2 = two(heads_here)
        elif kind == "villagers":
            p1, p2 = two(heads)
        elif kind == "spouses" and people.spouses.get(village):
            p1, p2 = rng.choice(people.spouses[village])
        elif kind == "elder_child":
            elders = people.elders_by_village.get(village) or []
            p1 = rng.choice(elders) if elders else None
            sons = [h for h in heads if p1 and h.gender == "1" and 20 <= p1.age - h.age <= 45
                    and (p1.gender == "2" or h.surname == p1.surname) and h.household != p1.household]  # fmt: skip
            p2 = rng.choice(sons) if sons else None
        elif kind == "siblings":
            men = [h for h in heads if h.gender == "1" and 30 <= h.age <= 70]
            p1 = rng.choice(men) if men else None
            brothers = [
                h for h in men if p1 and h is not p1 and h.surname == p1.surname and abs(h.age - p1.age) <= 12
            ]
            p2 = rng.choice(brothers) if brothers else None
        elif kind == "exspouse":
            women = [a for a in adults if a.gender == "2" and 25 <= a.age <= 50]
            divorced = [a for a in women if a.marital == "离婚"]
            p1 = rng.choice(divorced or women) if women else None
        elif kind in ("org", "group", "named"):
            p1 = rng.choice(heads_here or heads) if (heads_here or heads) else None
        if kind == "org" or "{org}" in text.body or "{org}" in text.title:
            kinds = {"medical": ("hospital",), "pollution": ("enterprise",)}.get(
                category, ("enterprise", "individual")
            )
            org = self.w.orgs.pick(rng, village[:9], kinds)
        if not category:
            return p1, p2, org[1] if org else None, []
        female = kind in ("spouses", "exspouse")
        rows = [_row(p1, rng, "申请人", "2" if female else "1")]
        if kind == "org":
            rows.append((None, org[0], org[1], "被申请人") if org else (None, None, "某企业", "被申请人"))
        elif kind == "group":
            rows.append(
                (None, None, "社区居委会" if leaf.urban else f"{leaf.village_label}村民小组", "被申请人")
            )
        elif kind == "named":
            company = f"沙洋县{rng.choice(['恒安', '居安', '锦华', '万家'])}物业服务有限公司"
            rows.append((None, None, company, "被申请人"))
        else:
            kin = p1.surname if p1 and kind in ("siblings", "elder_child") and p1.gender == "1" else None
            p2 = p2 or _someone(full_name(rng, "1", rng.randint(1965, 1995), kin))
            rows.append(_row(p2, rng, "被申请人"))
        return p1 or _someone(rows[0][2], "2" if female else "1"), p2, org[1] if org else None, rows


def _someone(name: str, gender: str = "1") -> P:
    """A person the story names who is not in the registry (an ex-husband from elsewhere)."""
    return P(0, name, gender, 40, "", None, "", "", "", "", "")


def _name(person: P | None, rng: random.Random, other: P | None = None) -> str:
    if person is not None:
        return person.name
    return full_name(rng, "1", rng.randint(1960, 1995), other.surname if other else None)


def _row(person: P | None, rng: random.Random, side: str, gender: str = "1"):
    if person is None or not person.pk:
        return (None, None, person.name if person else full_name(rng, gender, rng.randint(1960, 1995)), side)
    return (person.pk, None, person.name, side)


def in_season(category: str, moment: datetime) -> bool:
    return category not in SEASONS or moment.month in SEASONS[category]


def day_and_hour(rng: random.Random, now: datetime, channel: str, tz, days: float = 365) -> datetime:
    """A moment in the last `days` days at an hour people use that channel."""
    moment = (now - timedelta(days=rng.random() * days)).astimezone(tz)
    if channel in ("h5", "app"):
        hour = rng.choice([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22])
    elif channel == "hotline":
        hour = rng.randint(8, 20)
    elif channel in ("visit", "assigned", "box"):
        hour = rng.choice([8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17])
        if moment.weekday() >= 5 and rng.random() < 0.7:
            moment -= timedelta(days=moment.weekday() - 4)  # offices are quieter at weekends
    else:
        hour = rng.randint(8, 17)
    moment = moment.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59), microsecond=0)
    while moment > now:
        moment -= timedelta(days=1)
    return moment


def channel_label(channel: str) -> str:
    return Channel(channel).label
