"""The demo year of the 积分制: a ledger points_verify finds sound, tallies equal to a recount,
declarations consistent with their review, work in the review queues, the demo resident's phone
page worth opening, honours through the services, and a second run that adds nothing.

Runs against the session's 沙洋县 (2 grids per village) with a small registry and case load; the
personas stand in for the demo accounts (`resident` is linked to the registry as 李秀英 would be)."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.cases.models import Case
from gongzhi.civic.models import LawFamilyRating, MoralReview
from gongzhi.demo.cases import seed_cases
from gongzhi.demo.people import seed_people
from gongzhi.demo.points import seed_points
from gongzhi.kernel.codes import prefix_q
from gongzhi.points import catalogue, ledger
from gongzhi.points.choices import SCORE_KINDS, DeclarationStatus, EntryKind, Source
from gongzhi.points.honours.models import SharingMeeting, StarAward
from gongzhi.points.models import (
    PointAccount,
    PointAppeal,
    PointCategory,
    PointDeclaration,
    PointEntry,
    PointItem,
    PointTally,
    own_account_ids,
)
from gongzhi.points.shop.models import Redemption, Shop

from ..conftest import COUNTY, GUODIAN, HEJI

pytestmark = pytest.mark.django_db
PEOPLE, CASES = 1500, 300


@pytest.fixture
def seeded(personas):
    seed_people(persons=PEOPLE)
    seed_cases(cases=CASES)
    result = seed_points(resident="resident", now=timezone.now())
    result.personas = personas
    return result


def test_the_catalogue_is_jingmen_like():
    from gongzhi.points.catalogue_data import load

    first = load(county_code=COUNTY)
    items = PointItem.objects.filter(area_id=COUNTY)
    good = items.filter(points__gt=0)
    assert PointCategory.objects.count() == 4 and good.count() == 191
    assert good.filter(category__code="PA").count() == 36
    assert (
        items.get(name="夫妻经常吵闹、影响邻里").points == -6 and items.get(name="邻里见难不帮").points == -2
    )
    assert not items.filter(points__lt=0, declarable=True).exists()
    assert items.filter(min_points__isnull=False).count() > 120
    assert {i.star for i in items if i.star} == {
        "filial",
        "neighbourly",
        "industrious",
        "public_service",
        "environment",
    }
    assert set(first.mappings) == {"case_report_useful", "mediation_success"}
    again = load(county_code=COUNTY)
    assert (again.created, again.existing, again.mappings) == (0, 215, {})


def test_a_year_that_points_verify_finds_sound(seeded):
    assert seeded.added > 150 and seeded.accounts > 50
    out = io.StringIO()
    call_command("points_verify", stdout=out)
    assert out.getvalue().strip() == f"OK {PointAccount.objects.count()} {PointEntry.objects.count()}"
    times = PointEntry.objects.values_list("created_at", flat=True)
    now = timezone.now()
    assert min(times) > now - timezone.timedelta(days=366) and max(times) <= now
    assert AuditEvent.objects.get(action="demo.seed_points").details["entries"] == seeded.added
    # The tallies (kept in bulk for the year, then by ledger.post) equal a recount of the entries.
    recount = defaultdict(lambda: [0, 0])
    accounts = {a.pk: a for a in PointAccount.objects.all()}
    for account_id, delta, kind, at in PointEntry.objects.values_list(
        "account_id", "delta", "kind", "created_at"
    ):
        for period in ledger.period_keys(at):
            recount[(account_id, period)][0] += delta if kind in SCORE_KINDS else 0
            recount[(account_id, period)][1] += 1
    tallies = {(t.account_id, t.period): [t.score, t.entries] for t in PointTally.objects.all()}
    assert tallies == dict(recount)
    for t in PointTally.objects.all()[:200]:
        assert (t.subject, t.area_code) == (accounts[t.account_id].subject, accounts[t.account_id].area_id)
    # Each ledger reads in time order.
    last = {}
    for account_id, seq, at in PointEntry.objects.order_by("account_id", "seq").values_list(
        "account_id", "seq", "created_at"
    ):
        assert at >= last.get(account_id, at), (account_id, seq)
        last[account_id] = at


def test_declarations_agree_with_their_review_and_the_ledger(seeded):
    declarations = PointDeclaration.objects.select_related("entry", "item", "account")
    statuses = {d.status for d in declarations}
    assert statuses == {DeclarationStatus.APPROVED, DeclarationStatus.REJECTED, DeclarationStatus.PENDING}
    for d in declarations:
        assert d.item.declarable and d.account.subject in d.item.subjects
        if d.status == DeclarationStatus.APPROVED:
            e = d.entry
            assert (e.source, e.source_id, e.idempotency_key) == (
                Source.DECLARATION,
                str(d.pk),
                f"declaration:{d.pk}",
            )
            assert e.account_id == d.account_id and e.delta == d.points and e.created_at == d.reviewed_at
            assert d.created_at < d.reviewed_at and d.reviewer_id
        elif d.status == DeclarationStatus.REJECTED:
            assert d.entry is None and d.reviewer_id and len(d.review_note) > 4
        else:
            assert d.entry is None and d.reviewer_id is None and d.reviewed_at is None
        if d.item.needs_evidence:
            assert d.photos.exists()
    # Approved declarations never pass the item's cap.
    for d in declarations.filter(status=DeclarationStatus.APPROVED, item__cap_times__isnull=False)[:300]:
        start = catalogue.period_start(d.item.cap_period, d.entry.created_at)
        counted = PointEntry.objects.filter(account_id=d.account_id, item=d.item, created_at__gte=start,
                                            created_at__lte=d.entry.created_at)  # fmt: skip
        assert counted.count() <= d.item.cap_times
    # What the one door awarded for verified reports, booked when the case was closed.
    entries = PointEntry.objects.filter(source=Source.CASE_REPORT).select_related("account")
    for e in entries:
        case = Case.objects.get(number=e.source_id)
        assert (
            case.status == "closed" and not case.anonymous and case.reporter_person_id == e.account.person_id
        )
        assert e.idempotency_key == f"case_report_useful:{case.number}" and e.created_at == case.closed_at


def test_the_demo_accounts_have_something_to_do(seeded):
    p = seeded.personas
    for reviewer in (p.wgy, p.heji, p.guodian):
        waiting = PointDeclaration.objects.visible_to(reviewer).filter(status=DeclarationStatus.PENDING)
        assert waiting.exists(), reviewer.username
    assert PointDeclaration.objects.filter(status="pending", due_at__lt=timezone.now()).exists()  # overdue
    appeals = {a.status: a for a in PointAppeal.objects.all()}
    assert set(appeals) == {"pending", "overturned", "upheld"}
    assert appeals["overturned"].reversal.delta == -appeals["overturned"].entry.delta
    assert PointAppeal.objects.visible_to(p.heji).filter(status="pending").exists()
    # The demo resident: points, a history, an order waiting with its pickup code, things to declare.
    resident = p.resident
    person = resident.resident_link.person
    assert person.area_id.startswith(HEJI)
    account = PointAccount.objects.get(person=person)
    assert account.pk in own_account_ids(resident)
    assert account.balance > 0 and account.entries.count() >= 6
    assert account.declarations.filter(status="approved").count() >= 5
    assert account.declarations.filter(status="rejected").exists() and account.declarations.filter(
        status="pending"
    )
    order = Redemption.objects.get(account=account, status="pending")
    assert len(order.pickup_code) == 6 and order.pickup_code.isdigit()
    assert catalogue.items_for(account, declarable=True)


def test_villages_shops_honours_and_a_second_run(seeded):
    heji = PointEntry.objects.filter(prefix_q("area_code", HEJI)).count()
    guodian = PointEntry.objects.filter(prefix_q("area_code", GUODIAN)).count()
    others = PointEntry.objects.exclude(prefix_q("area_code", HEJI)).exclude(prefix_q("area_code", GUODIAN))
    assert heji > 0 and guodian > 0 and others.exists()
    assert Shop.objects.filter(area_id=HEJI).exists() and Shop.objects.filter(area_id=GUODIAN).exists()
    assert Shop.objects.filter(area_id="420822110").exists()  # the town's
    statuses = set(Redemption.objects.values_list("status", flat=True))
    assert statuses == {"pending", "fulfilled", "cancelled"}
    for order in Redemption.objects.filter(status="cancelled"):
        assert order.refund_entry.delta == order.points and order.refund_entry.kind == EntryKind.REFUND
    assert (
        StarAward.objects.filter(area_id=HEJI).exists()
        and SharingMeeting.objects.filter(area_id=GUODIAN).exists()
    )
    assert {"certified", "vetoed"} <= set(LawFamilyRating.objects.values_list("status", flat=True))
    review = MoralReview.objects.get(area_id=HEJI)
    assert review.stage == "published" and review.nominations.filter(board="red", status="accepted").exists()
    # A second run adds nothing.
    before = (PointEntry.objects.count(), PointDeclaration.objects.count(), Redemption.objects.count(),
              PointAccount.objects.count(), PointItem.objects.count())  # fmt: skip
    again = seed_points(resident="resident")
    assert again.added == 0 and again.entries == before[0]
    after = (PointEntry.objects.count(), PointDeclaration.objects.count(), Redemption.objects.count(),
             PointAccount.objects.count(), PointItem.objects.count())  # fmt: skip
    assert after == before


def test_seed_demo_switch(settings, capsys):
    settings.DEMO = True
    call_command("seed_demo", "--persons", "600", "--cases", "150", "--no-points")
    assert not PointEntry.objects.exists() and "积分制" not in capsys.readouterr().out
    call_command("seed_demo", "--persons", "600", "--cases", "150")
    assert "积分制：积分账户" in capsys.readouterr().out and PointEntry.objects.exists()
    call_command("seed_demo", "--persons", "600", "--cases", "150")
    assert "积分制：已有积分流水" in capsys.readouterr().out
