"""The demo 积分制 year as a plan: who holds an account, what each declares or is awarded and when,
what the reviewer decides, who is deducted, who shops — drawn with a seeded random generator and
checked against the items' caps before anything is written."""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from gongzhi.accounts.models import RoleGrant
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.roles import Role
from gongzhi.points.catalogue import period_start
from gongzhi.points.choices import DeclarationStatus, Source, Subject
from gongzhi.points.models import PointAccount, PointItem

from . import point_texts as texts


@dataclass(eq=False)
class Holder:
    """One account of the demo, and how it lives."""

    account: PointAccount
    village: str
    user: object = None  # the resident's own sign-in (persons with a phone account)
    volunteer: bool = False
    rate: float = 0.0  # deeds a year


@dataclass(eq=False)
class Claim:
    """A declaration: filed, then approved, rejected or still waiting."""

    holder: Holder
    item: PointItem
    declared_at: datetime
    status: str
    reviewer: object
    reviewed_at: datetime | None
    text: str
    note: str = ""
    row: object = None  # the PointDeclaration once written
    entry: object = None  # its ledger entry once approved and booked


@dataclass(order=True)
class Step:
    """One thing that moves a balance, in time order: an award or deduction, a redemption, the
    pickup or cancellation of an order."""

    at: datetime
    n: int
    kind: str = field(compare=False)  # award | redeem | fulfil | cancel
    holder: Holder = field(compare=False)
    item: PointItem | None = field(default=None, compare=False)
    actor: object = field(default=None, compare=False)
    source: str = field(default="", compare=False)
    source_id: str = field(default="", compare=False)
    key: str = field(default="", compare=False)
    reason: str = field(default="", compare=False)
    claim: Claim | None = field(default=None, compare=False)
    order: object = field(default=None, compare=False)  # the Redemption, for fulfil / cancel
    entry: object = field(default=None, compare=False)  # what an award booked


class Staff:
    """Who reviews and awards in each village: its village staff and the grid workers of its grids
    (a grid worker also covers the 微网格 of their grid), and the staff of each town."""

    def __init__(self, villages):
        codes = list(villages)
        q = Q(pk__in=[])
        for code in codes:
            q |= prefix_q("area_id", code)
        grants = RoleGrant.objects.filter(q, role__in=[Role.VILLAGE_STAFF, Role.GRID_WORKER])
        towns = RoleGrant.objects.filter(role=Role.TOWN_STAFF, area_id__in={c[:9] for c in codes})
        self.village: dict[str, list] = {}
        self.grid: dict[str, list] = {}
        self.town: dict[str, list] = {}
        for g in grants.select_related("user").order_by("pk"):
            if g.role == Role.VILLAGE_STAFF and len(g.area_id) == 12:
                self.village.setdefault(g.area_id, []).append(g.user)
            elif g.role == Role.GRID_WORKER:
                self.grid.setdefault(g.area_id[:15], []).append(g.user)
        for g in towns.select_related("user").order_by("pk"):
            self.town.setdefault(g.area_id, []).append(g.user)

    def of_village(self, village: str) -> list:
        grid_workers = [u for code, us in sorted(self.grid.items()) if code.startswith(village) for u in us]
        return list(dict.fromkeys(self.village.get(village, []) + grid_workers))

    def reviewer(self, rng: random.Random, area_code: str):
        """The grid worker of the grid, or (as often as not) the village staff."""
        grid, village = self.grid.get(area_code[:15], []), self.village.get(area_code[:12], [])
        if grid and (not village or rng.random() < 0.6):
            return rng.choice(grid)
        return rng.choice(village or self.of_village(area_code[:12]))

    def other_than(self, rng: random.Random, village: str, user):
        """Someone of the village (or its town) who is not `user`: nobody awards themselves."""
        pool = [u for u in self.of_village(village) + self.town.get(village[:9], []) if u.pk != user.pk]
        return rng.choice(pool) if pool else None


class Planner:
    """Draws the year (the 365 days up to `now`) for a list of holders."""

    def __init__(self, rng: random.Random, now: datetime, items: list[PointItem], staff: Staff):
        self.rng, self.now, self.staff = rng, now, staff
        self.start = now - timedelta(days=365)
        self.items_all = items
        self.items = [i for i in items if i.points > 0 and i.code not in texts.RARE + texts.BY_EVENT]
        self.deductions = [i for i in items if i.points < 0 and i.code in texts.DEDUCTION_REASONS]
        self._n = 0
        jan = timezone.localtime(now).replace(month=1, day=8, hour=9, minute=0, second=0, microsecond=0)
        self.assessment = jan if self.start < jan < now else None

    def n(self) -> int:
        self._n += 1
        return self._n

    # -- time ---------------------------------------------------------------------------------

    def moment(self, months=(), *, recent: float = 1.3, hours=(7, 20)) -> datetime | None:
        """A moment of the year, more of them lately (participation grew); in `months` if given."""
        for _ in range(30):
            at = self.now - timedelta(days=365 * self.rng.random() ** recent)
            local = timezone.localtime(at)
            if months and local.month not in months:
                continue
            hour = self.rng.uniform(*hours)
            at = local.replace(hour=int(hour), minute=int(hour % 1 * 60), second=self.rng.randrange(60))
            return at if self.start < at < self.now else None
        return None

    def office_hours(self, at: datetime) -> datetime:
        local = timezone.localtime(at)
        if local.hour < 8:
            local = local.replace(hour=8, minute=self.rng.randrange(30, 60))
        elif local.hour >= 18:
            local = (local + timedelta(days=1)).replace(hour=9, minute=self.rng.randrange(60))
        return local

    # -- the year ---------------------------------------------------------------------------------

    def year(self, holders: list[Holder], extra: dict | None = None) -> tuple[list[Claim], list[Step]]:
        """Declarations and awards for every holder, capped as the catalogue caps them. `extra`
        holds drafts (when, item, claim) that must be part of a holder's year."""
        claims, steps = [], []
        for holder in holders:
            mine = [i for i in self.items if holder.account.subject in i.subjects]
            drafts = list((extra or {}).get(holder, []))
            if not mine or holder.rate <= 0:
                mine, count = [], 0
            else:
                count = self._poisson(holder.rate)
            weights = [self._weight(holder, i) for i in mine]
            for item in self.rng.choices(mine, weights=weights, k=count) if mine else []:
                draft = self._draft(holder, item)
                if draft is not None:
                    drafts.append(draft)
            if self.assessment is not None:
                drafts += self._assessed(holder)
            used: dict = {}
            for when, item, claim in sorted(drafts, key=lambda d: d[0]):
                counts = claim is None or claim.status == DeclarationStatus.APPROVED
                if counts and not self.within_cap(used, item, when):
                    if claim is None:
                        continue
                    claim.status, claim.note = DeclarationStatus.REJECTED, self._cap_note(item)
                if claim is not None:
                    claims.append(claim)
                    if claim.status != DeclarationStatus.APPROVED:
                        continue
                    steps.append(self._award(holder, item, when, claim=claim))
                else:
                    steps.append(self._award(holder, item, when, direct=True))
        return claims, steps

    def _weight(self, holder: Holder, item: PointItem) -> float:
        weight = 1 / item.points**0.9
        if item.star:
            weight *= 1.6
        if holder.volunteer and item.star == "public_service":
            weight *= 3
        if item.cap_period == "month":
            weight *= 1.5
        return weight

    def _poisson(self, lam: float) -> int:
        """Knuth's method: how many deeds in a year of `lam` on average."""
        limit, k, p = math.exp(-min(lam, 40)), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def _draft(self, holder: Holder, item: PointItem):
        """(when it counts, item, claim or None for a direct award) for one deed of the year."""
        if item.code in texts.YEARLY:
            return None
        at = self.moment(texts.SEASONS.get(item.code, ()))
        if at is None:
            return None
        declared = item.declarable and (holder.account.subject != Subject.STAFF) and self.rng.random() < 0.75
        if not declared:
            return self.office_hours(at), item, None
        claim = self.claim(holder, item, at)
        return (claim.reviewed_at or claim.declared_at), item, claim

    def claim(self, holder: Holder, item: PointItem, at: datetime, *, status: str = "") -> Claim:
        """A declaration filed at `at`; decided a few days later (or still waiting if that is now)."""
        delay = self.rng.uniform(7.5, 10) if self.rng.random() < 0.04 else self.rng.uniform(0.05, 3.5)
        reviewed = self.office_hours(at + timedelta(days=delay))
        if not status:
            status = DeclarationStatus.PENDING
            if reviewed < self.now - timedelta(hours=1):
                status = (
                    DeclarationStatus.REJECTED if self.rng.random() < 0.12 else DeclarationStatus.APPROVED
                )
        reviewer = self.staff.reviewer(self.rng, holder.account.area_id)
        note = self.rng.choice(texts.REJECT_REASONS) if status == DeclarationStatus.REJECTED else ""
        decided = status != DeclarationStatus.PENDING
        return Claim(holder, item, at, status, reviewer if decided else None, reviewed if decided else None,
                     self.words(item, at), note or ("审核通过" if decided else ""))  # fmt: skip

    def words(self, item: PointItem, at: datetime) -> str:
        local = timezone.localtime(at)
        deed = self.rng.choice(texts.WORDS.get(item.code) or [item.name]).format(
            elder=self.rng.choice(texts.ELDERS)
        )
        return f"{local.month}月{local.day}日在{self.rng.choice(texts.PLACES)}{deed}。{self.rng.choice(texts.DETAILS)}"

    def _assessed(self, holder: Holder) -> list:
        """The yearly assessments (全年无纠纷、按时缴费 …) in the January of the year."""
        out = []
        for code in texts.YEARLY:
            item = next((i for i in self.items_all if i.code == code), None)
            if item is not None and holder.account.subject in item.subjects and self.rng.random() < 0.25:
                at = self.assessment + timedelta(days=self.rng.randrange(8), minutes=self.rng.randrange(480))
                out.append((at, item, None))
        return out

    def within_cap(self, used: dict, item: PointItem, when: datetime) -> bool:
        if not item.cap_times or not item.cap_period:
            return True
        key = (item.pk, period_start(item.cap_period, when))
        if used.get(key, 0) >= item.cap_times:
            return False
        used[key] = used.get(key, 0) + 1
        return True

    @staticmethod
    def _cap_note(item: PointItem) -> str:
        return f"「{item.name}」本期已达计分上限。"

    def _award(self, holder: Holder, item: PointItem, when: datetime, *, claim=None, direct=False) -> Step:
        if claim is not None:
            return Step(when, self.n(), "award", holder, item, claim.reviewer, source=Source.DECLARATION,
                        reason=claim.text[:300], claim=claim)  # fmt: skip
        actor = self._awarder(holder)
        reason = f"{self.rng.choice(texts.DIRECT_REASONS)}：{item.name}"
        return Step(when, self.n(), "award", holder, item, actor, source=Source.DIRECT, reason=reason)

    def _awarder(self, holder: Holder):
        """The grid worker or the village staff; for a staff account, a colleague or the town."""
        account = holder.account
        if account.subject == Subject.STAFF:
            return self.staff.other_than(self.rng, holder.village, account.user)
        return self.staff.reviewer(self.rng, account.area_id)

    # -- deductions and shopping ----------------------------------------------------------------

    def deduction(self, holder: Holder, at: datetime | None = None) -> Step | None:
        mine = [i for i in self.deductions if holder.account.subject in i.subjects]
        if not mine:
            return None
        item = self.rng.choice(mine)
        at = at or self.moment(texts.SEASONS.get(item.code, ()), recent=1.0)
        if at is None:
            return None
        return Step(self.office_hours(at), self.n(), "award", holder, item, self._awarder(holder),
                    source=Source.DIRECT, reason=texts.DEDUCTION_REASONS[item.code])  # fmt: skip

    def shopping(self, holder: Holder) -> list[Step]:
        """Visits to the 积分超市: the reward is chosen at the time, from what the balance allows."""
        visits = min(self._poisson(holder.rate / 4), 3)
        steps = []
        for _ in range(visits):
            at = self.moment(recent=0.8, hours=(9, 17))
            if at is not None:
                steps.append(Step(at, self.n(), "redeem", holder))
        return steps


def between(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randrange(max((high - low).days, 0) + 1))
