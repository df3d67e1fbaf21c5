"""A year of the 积分制 in the demo county: seed_points(), idempotent and deterministic.

The county's catalogue is loaded (points.catalogue_data), accounts are opened for a share of the
people, households, organisations and village staff of the active villages, and a year of
declarations, awards, deductions and redemptions is planned (point_plan) and booked in time order
with backdated times. Awards and deductions are the entries services.award_item(at=…) would post,
appended in bulk by point_ledger (the one door's arithmetic, a hundred times faster than a call per
award; the tallies are rebuilt from the entries); orders, pickups and refunds go through
points.shop. Declarations are written as rows first, in the state their review left them (approved,
rejected or waiting); an approval's entry is booked at the moment of the review with the key and
source declaration_approve() uses — declaration_approve() itself books at the present, which a year
of history cannot. Then, through the services: the waiting order of the demo resident, appeals,
积分之星 and 分享大会, 法治家庭 and the 红黑榜 (point_showcase, point_honours).
`gongzhi points_verify` is OK afterwards.
"""

import heapq
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import ResidentLink, RoleGrant, User
from gongzhi.accounts.services import user_grant_role
from gongzhi.areas.models import Area
from gongzhi.audit.services import audit_record
from gongzhi.cases.models import Case, CaseEvent, CaseParty
from gongzhi.cases.points_hooks import RESIDENT_CHANNELS
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.roles import Role
from gongzhi.people.choices import PoliticalStatus, Relation, Tag
from gongzhi.people.models import Household, Organization, Person, PersonTag
from gongzhi.points import catalogue, subjects
from gongzhi.points.catalogue_data import load
from gongzhi.points.choices import AwardEvent, DeclarationStatus, Source
from gongzhi.points.models import AwardMapping, PointDeclaration, PointEntry, PointItem

from . import data, point_honours, point_photos, point_shop
from . import point_texts as texts
from .names import full_name
from .point_ledger import BulkLedger
from .point_plan import Claim, Holder, Planner, Staff, Step
from .point_showcase import Showcase

SEED = 2028


@dataclass
class PointsResult:
    accounts: int = 0
    entries: int = 0  # entries of the county after the run
    added: int = 0  # entries this run added
    declarations: dict = field(default_factory=dict)
    redemptions: dict = field(default_factory=dict)
    shops: int = 0
    seconds: float = 0.0


def seed_points(*, county: str = data.COUNTY, seed: int = SEED, now: datetime | None = None,
                resident: str = data.ACCOUNTS[0][0]) -> PointsResult:  # fmt: skip
    """Give the county a catalogue and its active villages a year of points, unless the county
    already has a ledger (a second run adds nothing)."""
    started = time.perf_counter()
    entries = PointEntry.objects.filter(prefix_q("area_code", county))
    result = PointsResult(entries=entries.count())
    if result.entries:
        load(county_code=county)  # a catalogue edited since stays as it is
        result.seconds = time.perf_counter() - started
        return result
    now = (now or timezone.now()).replace(microsecond=0)
    rng = random.Random(seed)
    with transaction.atomic():
        load(county_code=county)
        villages = [v for v in texts.ACTIVE if v.startswith(county) and Area.objects.filter(pk=v).exists()]
        _staff_for(villages)
        staff = Staff(villages)
        _adjust(staff)
        demo_user = _demo_resident(resident)
        holders = _holders(rng, villages, staff, demo_user)
        items = list(PointItem.objects.filter(area_id=county).order_by("code"))
        planner = Planner(rng, now, items, staff)
        showcase = Showcase(holders, planner, demo_user, rng, now)
        claims, steps = planner.year(holders, extra=showcase.drafts)
        steps += _deductions(holders, planner, rng, demo_user)
        steps += _case_reports(holders, staff, rng, county, planner)
        steps += [s for h in holders if h.account.subject != "staff" for s in planner.shopping(h)]
        counter = point_shop.open_shops(villages, staff, rng)
        _write_claims(claims, now)
        _play(steps, counter, rng, now)
        _link_entries(claims)
        showcase.finish(counter)
        point_honours.seed(villages, staff, rng, now, county)
        result.accounts = len(holders)
        result.shops = len(counter.shops)
        result.added = entries.count()
        result.entries = result.added
        result.declarations = dict(Counter(c.status for c in claims))
        result.redemptions = _orders(county)
        result.seconds = time.perf_counter() - started
        audit_record(actor=None, action="demo.seed_points", object_type="area", object_id=county, area_code=county,
                     details={"accounts": result.accounts, "entries": result.added, "shops": result.shops,
                              "declarations": result.declarations, "redemptions": result.redemptions,
                              "seconds": round(result.seconds, 1)})  # fmt: skip
    return result


# -- who takes part ---------------------------------------------------------------------------------


def _staff_for(villages) -> None:
    """Every active village has a village staff member and a grid worker (the demo accounts where
    there are some; otherwise a named cadre without a password, who cannot sign in)."""
    for village in villages:
        have = set(
            RoleGrant.objects.filter(prefix_q("area_id", village)).values_list("role", flat=True).distinct()
        )
        local = random.Random(f"staff:{village}")  # the same names whatever else changes
        if Role.VILLAGE_STAFF not in have:
            user_grant_role(username=f"cw{village}", role=Role.VILLAGE_STAFF, area_code=village,
                            full_name=full_name(local, local.choice("12"), local.randint(1966, 1985)))  # fmt: skip
        grid = village + "001"
        if Role.GRID_WORKER not in have and Area.objects.filter(pk=grid).exists():
            user_grant_role(username=f"wg{village}", role=Role.GRID_WORKER, area_code=grid,
                            full_name=full_name(local, local.choice("12"), local.randint(1978, 1995)))  # fmt: skip


def _adjust(staff: Staff) -> None:
    """A few village adjustments within the county's bounds, made by the village before the year."""
    for village, changes in texts.ADJUSTMENTS.items():
        clerks = staff.village.get(village)
        area = Area.objects.filter(pk=village).first()
        if not clerks or area is None:
            continue
        for code, points, reason in changes:
            item = PointItem.objects.get(area_id=village[:6], code=code)
            catalogue.item_adjust(actor=clerks[0], item=item, village=area, points=points, reason=reason)


def _demo_resident(username: str):
    """The demo resident account is 李秀英 of the registry: linked to a woman of her grid who is in
    no case yet, whose name becomes hers (the synthetic registry named her otherwise)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    if hasattr(user, "resident_link"):
        return user
    grant = RoleGrant.objects.filter(user=user, role=Role.RESIDENT).first()
    if grant is None:
        return None
    busy = set(CaseParty.objects.exclude(person=None).values_list("person_id", flat=True))
    busy |= set(Case.objects.exclude(reporter_person=None).values_list("reporter_person_id", flat=True))
    candidates = (
        Person.objects.filter(prefix_q("area_id", grant.area_id), gender="2", resident_link__isnull=True,
                              political_status=PoliticalStatus.MASSES, household__isnull=False,
                              relation__in=[Relation.HEAD, Relation.SPOUSE], birth_date__year__lte=1986,
                              birth_date__year__gte=1962)
        .order_by("pk")
    )  # fmt: skip
    person = next((p for p in candidates if p.pk not in busy), None)
    if person is None:
        return None
    if user.full_name and person.name != user.full_name:
        Person.objects.filter(pk=person.pk).update(name=user.full_name)
        person.name = user.full_name
    ResidentLink.objects.create(user=user, person=person)
    return User.objects.get(pk=user.pk)


def _holders(rng: random.Random, villages, staff: Staff, demo_user) -> list[Holder]:
    """Open the accounts: a share of adults and households per village (everyone who signs in with
    a phone among them), every organisation and every village worker."""
    holders = []
    adult = timezone.localdate().replace(month=1, day=1).year - 18
    users = {link.person_id: link.user for link in ResidentLink.objects.select_related("user")}
    volunteers = set()
    for village in villages:
        share, rate = texts.ACTIVE[village]
        people = list(
            Person.objects.filter(prefix_q("area_id", village), birth_date__year__lte=adult).order_by("pk")
        )
        volunteers |= set(
            PersonTag.objects.filter(person__in=people, tag=Tag.VOLUNTEER).values_list("person_id", flat=True)
        )
        for person in people:
            user = users.get(person.pk)
            if user is None and rng.random() > share:
                continue
            volunteer = person.pk in volunteers
            activity = rate * rng.choice((0.3, 0.6, 1, 1, 1.4, 2, 3)) * (1.5 if volunteer else 1)
            if user is not None and user == demo_user:
                activity = max(activity, 8)
            account = subjects.account_for_person(person)
            holders.append(Holder(account, village, user, volunteer, activity))
        for household in Household.objects.filter(prefix_q("area_id", village)).order_by("pk"):
            if rng.random() <= share:
                account = subjects.account_for_household(household)
                holders.append(Holder(account, village, None, False, rate * rng.choice((0.4, 0.7, 1, 1.5))))
        for org in Organization.objects.filter(prefix_q("area_id", village)).order_by("pk"):
            holders.append(Holder(subjects.account_for_organization(org), village, None, False, rate * 0.8))
        for user in staff.of_village(village):
            holders.append(Holder(subjects.account_for_staff(user), village, user, False, rate * 0.7))
    return holders


def _deductions(holders, planner: Planner, rng: random.Random, demo_user) -> list[Step]:
    """About one account in seventeen is deducted once in the year (never the demo resident)."""
    steps = []
    for holder in holders:
        if rng.random() < 0.06 and (demo_user is None or holder.user != demo_user):
            step = planner.deduction(holder)
            if step is not None:
                steps.append(step)
    return steps


def _case_reports(holders, staff: Staff, rng, county: str, planner: Planner) -> list[Step]:
    """What the one door awarded when a resident's report was verified (cases.points_hooks), booked
    when the case was closed, by whoever verified it, with the same key."""
    mapping = AwardMapping.objects.filter(area_id=county, event=AwardEvent.CASE_REPORT_USEFUL).first()
    if mapping is None:
        return []
    by_person = {h.account.person_id: h for h in holders if h.account.person_id}
    cases = Case.objects.filter(status="closed", anonymous=False, channel__in=RESIDENT_CHANNELS,
                                reporter_person_id__in=list(by_person), closed_at__gte=planner.start)  # fmt: skip
    rows = list(cases.order_by("closed_at").values_list("pk", "number", "reporter_person_id", "closed_at"))
    verifiers = dict(
        CaseEvent.objects.filter(case_id__in=[r[0] for r in rows], action="verify").values_list(
            "case_id", "actor"
        )
    )
    ids = {a for a in verifiers.values() if a}
    actors = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    steps, used = [], {}
    for pk, number, person_id, closed_at in rows:
        holder = by_person[person_id]
        if not planner.within_cap(used.setdefault(holder, {}), mapping.item, closed_at):
            continue
        actor = actors.get(verifiers.get(pk)) or staff.reviewer(rng, holder.account.area_id)
        steps.append(Step(closed_at, planner.n(), "award", holder, mapping.item, actor, source=Source.CASE_REPORT,
                          source_id=number, key=f"{AwardEvent.CASE_REPORT_USEFUL}:{number}",
                          reason=f"反映的问题经核查属实并结案（{number}）"))  # fmt: skip
    return steps


# -- writing ---------------------------------------------------------------------------------------


def _write_claims(claims: list[Claim], now: datetime) -> None:
    """Declarations as rows, in the state their review left them, with photos where the item asks."""
    rows = [_declaration(c, now) for c in claims]
    PointDeclaration.objects.bulk_create(rows, batch_size=500)
    # created_at is stamped by the clock on insert; the declaration was filed when it was filed.
    for claim, row in zip(claims, rows, strict=True):
        row.created_at, claim.row = claim.declared_at, row
    PointDeclaration.objects.bulk_update(rows, ["created_at"], batch_size=500)
    for claim, row in zip(claims, rows, strict=True):
        if claim.item.needs_evidence:
            point_photos.attach(row, claim.item)


def _declaration(c: Claim, now: datetime) -> PointDeclaration:
    account = c.holder.account
    due = catalogue.review_due(c.declared_at)
    overdue = c.status == DeclarationStatus.PENDING and due < now - timedelta(days=1)
    return PointDeclaration(
        account=account, item=c.item, area_id=account.area_id, text=c.text, status=c.status,
        points=catalogue.effective_points(c.item, account.area_id), occurred_on=timezone.localtime(c.declared_at).date(),
        # A resident with a phone account declared on the phone; the others on paper at the village.
        declared_by=c.holder.user if account.subject != "staff" else None,
        due_at=due, reviewer=c.reviewer, reviewed_at=c.reviewed_at, review_note=c.note[:300],
        created_at=c.declared_at, overdue_notified_at=due + timedelta(days=1) if overdue else None,
    )  # fmt: skip


def _play(steps: list[Step], counter, rng: random.Random, now: datetime) -> None:
    """Book everything in time order: awards and deductions as award_item() books them (in bulk,
    point_ledger), orders through the shop (whose pickups and cancellations join the queue as they
    are decided); the tallies are rebuilt from the entries at the end."""
    bulk = BulkLedger()
    heapq.heapify(steps)
    while steps:
        step = heapq.heappop(steps)
        account = step.holder.account
        if step.kind == "award":
            if step.item.points < 0 and account.balance + bulk.points(step.item, account.area_id) < 0:
                # The ledger's CHECK refuses any later award while a balance is below zero (see the
                # issue report), so the demo deducts only from what an account has.
                continue
            claim = step.claim
            step.entry = bulk.award(
                account=account, item=step.item, actor=step.actor, source=step.source,
                source_id=str(claim.row.pk) if claim else step.source_id, reason=step.reason,
                key=f"declaration:{claim.row.pk}" if claim else step.key, at=step.at,
            )  # fmt: skip
            if claim:
                claim.entry = step.entry
        elif step.kind == "redeem":
            balance = account.balance
            for later in point_shop.redeem(step, counter, rng, now, before=bulk.flush):
                heapq.heappush(steps, later)
            if account.balance != balance:  # an order was placed (the shop set the balance it left)
                bulk.sync(account)
        else:
            bulk.flush()
            point_shop.finish(step, rng)
            bulk.sync(account)
    bulk.retally()


def _link_entries(claims: list[Claim]) -> None:
    approved = [c for c in claims if c.status == DeclarationStatus.APPROVED]
    for c in approved:
        c.row.entry, c.row.points = c.entry, c.entry.delta
    PointDeclaration.objects.bulk_update([c.row for c in approved], ["entry", "points"], batch_size=500)


def _orders(county: str) -> dict:
    from gongzhi.points.shop.models import Redemption

    rows = Redemption.objects.filter(prefix_q("area_id", county)).values_list("status", flat=True)
    return dict(Counter(rows))
