"""What the demo accounts find when they sign in: 李秀英's year (approved, refused and waiting
declarations, orders, one waiting for pickup), declarations waiting in the review queues of
贺集村 and 郭店村 (two of them overdue), and deductions under appeal — decided and waiting."""

import random
from datetime import datetime, timedelta

from gongzhi.points import services
from gongzhi.points.choices import DeclarationStatus, Source, Subject
from gongzhi.points.shop import services as shops

from . import data, point_shop
from . import point_texts as texts
from .point_plan import Holder, Planner

# Items the queues show: everyday deeds a reviewer decides on the spot.
QUEUE_ITEMS = ("SD03", "HX28", "SD16", "SD19", "PA14", "HX27", "SD04", "HX31", "HX32", "SD07")
# (village, grid suffix or "", subject, declared days ago)
QUEUE = [
    (data.HEJI, "001", Subject.RESIDENT, 0.3), (data.HEJI, "001", Subject.RESIDENT, 1.6),
    (data.HEJI, "001", Subject.RESIDENT, 8.6), (data.HEJI, "002", Subject.RESIDENT, 2.2),
    (data.HEJI, "002", Subject.PARTY_MEMBER, 4.1), (data.HEJI, "", Subject.HOUSEHOLD, 3.5),
    (data.GUODIAN, "", Subject.RESIDENT, 0.8), (data.GUODIAN, "", Subject.RESIDENT, 2.9),
    (data.GUODIAN, "", Subject.HOUSEHOLD, 9.2),
]  # fmt: skip
# (village, deduction item, days ago, what becomes of the appeal: overturned, upheld or waiting)
APPEALS = [
    (data.HEJI, "KF09", 15, "overturn"),
    (data.HEJI, "KF12", 9, "wait"),
    (data.GUODIAN, "KF09", 20, "uphold"),
]
VERDICTS = {
    "overturn": "经走访邻居复核，倾倒垃圾的另有其人，撤销扣分。",
    "uphold": "经走访邻居核实，情况属实，维持扣分。",
}


class Showcase:
    """Plans the pinned declarations (drafts for the planner) and, once the year is booked, places
    the waiting order and books, files and decides the appealed deductions."""

    def __init__(self, holders: list[Holder], planner: Planner, demo_user, rng: random.Random, now: datetime):
        self.planner, self.rng, self.now = planner, rng, now
        self.drafts: dict = {}
        self.appealed: set = set()
        self.items = {i.code: i for i in planner.items_all}
        self.resident = next((h for h in holders if demo_user is not None and h.user == demo_user
                              and h.account.person_id), None)  # fmt: skip
        taken = {self.resident}
        if self.resident is not None:
            self._resident_year(self.resident)
        for village, grid, subject, days in QUEUE:
            holder = self._pick(holders, taken, village + grid, subject)
            if holder is not None:
                self._claim(holder, now - timedelta(days=days), DeclarationStatus.PENDING, QUEUE_ITEMS)
        self.holders = holders

    def _pick(self, holders, taken: set, prefix: str, subject: str):
        pool = [h for h in holders if h.account.subject == subject and h.account.area_id.startswith(prefix)
                and h not in taken]  # fmt: skip
        holder = self.rng.choice(pool) if pool else None
        taken.add(holder)
        return holder

    def _claim(self, holder: Holder, at: datetime, status: str, codes) -> None:
        items = [
            self.items[c]
            for c in codes
            if c in self.items and holder.account.subject in self.items[c].subjects
        ]
        if not items:
            return
        claim = self.planner.claim(holder, self.rng.choice(items), at, status=status)
        if status == DeclarationStatus.APPROVED and claim.reviewed_at > self.now - timedelta(hours=1):
            claim.reviewed_at = self.now - timedelta(hours=2)
        self.drafts.setdefault(holder, []).append((claim.reviewed_at or claim.declared_at, claim.item, claim))

    def _resident_year(self, holder: Holder) -> None:
        """李秀英: deeds approved through the year, one refused, one waiting for the grid worker."""
        for days in (300, 210, 150, 95, 60, 33, 12):
            self._claim(holder, self.now - timedelta(days=days + self.rng.random()), DeclarationStatus.APPROVED,
                        ("SD03", "SD04", "HX27", "HX31", "SD16", "SD19", "PA01", "HX05"))  # fmt: skip
        self._claim(holder, self.now - timedelta(days=40.3), DeclarationStatus.REJECTED, ("HX36", "SD27"))
        self._claim(holder, self.now - timedelta(days=0.9), DeclarationStatus.PENDING, ("SD07", "SD03"))

    def finish(self, counter) -> None:
        """After the year is booked: 李秀英's order waiting at the counter, and the appeals."""
        if self.resident is not None and self.resident.user is not None:
            holder, user = self.resident, self.resident.user
            # An order she changed her mind about (cancelled, points back), then the one waiting.
            order = point_shop.holder_order(
                holder, counter, at=self._after_last(holder, 2), key="demo-changed-mind"
            )
            if order is not None:
                shops.redemption_cancel(actor=user, redemption=order, reason="想换成别的商品",
                                        at=self._after_last(holder, 1))  # fmt: skip
                holder.account.refresh_from_db(fields=["balance", "entry_count"])
            point_shop.holder_order(
                holder, counter, at=self._after_last(holder, 0.1), key="demo-pending-order"
            )
        for village, code, days, verdict in APPEALS:
            self._appeal(village, code, days, verdict)

    def _after_last(self, holder: Holder, days: float) -> datetime:
        """`days` ago, or just after the account's last entry if that is later (time order)."""
        last = holder.account.entries.order_by("-seq").values_list("created_at", flat=True).first()
        at = self.now - timedelta(days=days)
        return min(max(at, last + timedelta(minutes=20)) if last else at, self.now)

    def _appeal(self, village: str, code: str, days: float, verdict: str) -> None:
        """A deduction of a household with points to lose, booked `days` ago (or just after its
        last entry, so its ledger stays in time order), then appealed and maybe decided."""
        item = self.items.get(code)
        clerks = self.planner.staff.village.get(village, [])
        pool = [h for h in self.holders if h.account.subject == Subject.HOUSEHOLD and h.village == village
                and h not in self.appealed]  # fmt: skip
        for holder in pool:
            holder.account.refresh_from_db(fields=["balance", "entry_count"])
        pool = [h for h in pool if item is not None and h.account.balance + item.points >= 0]
        if not pool or not clerks:
            return
        holder = max(pool, key=lambda h: (h.account.balance, -h.account.pk))
        self.appealed.add(holder)
        at = self._after_last(holder, days)
        actor = self.planner.staff.reviewer(self.rng, holder.account.area_id)
        entry = services.award_item(account=holder.account, item=item, actor=actor, source=Source.DIRECT,
                                    reason=texts.DEDUCTION_REASONS[code], at=at)  # fmt: skip
        filer = _member_user(holder) or actor
        appeal = services.appeal_file(actor=filer, entry=entry, reason=texts.APPEAL_REASONS[code])
        if verdict != "wait":
            services.appeal_decide(actor=clerks[0], appeal=appeal, overturn=verdict == "overturn",
                                   note=VERDICTS[verdict])  # fmt: skip


def _member_user(holder: Holder):
    """A member of the household who signs in with a phone, if any (they appeal for the household)."""
    from gongzhi.accounts.models import ResidentLink

    link = (
        ResidentLink.objects.filter(person__household_id=holder.account.household_id)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return link.user if link else None
