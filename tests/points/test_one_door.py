"""The one door from the cases module: a resident's report verified as useful and a volunteer's
successful mediation award the items the county mapped, once, in the same transaction as the case
step; nothing (and no error) without a mapping, for an anonymous report or a staff mediator."""

import pytest
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import ResidentLink
from gongzhi.cases import workflow
from gongzhi.cases.mediation import services as ms
from gongzhi.cases.models import Case
from gongzhi.cases.services import case_submit
from gongzhi.people.choices import Tag
from gongzhi.people.models import PersonTag
from gongzhi.points.catalogue_data import load
from gongzhi.points.choices import AwardEvent, Source
from gongzhi.points.models import AwardMapping, PointAccount, PointEntry
from tests.conftest import COUNTY, HEJI, HEJI_GRID1, make_user
from tests.people.factories import make_person

from .factories import resident_with_account

pytestmark = pytest.mark.django_db

REPORT = {"channel": "h5", "kind": "sanitation", "description": "村口垃圾池满了好几天，垃圾堆到路边。",
          "area_code": HEJI_GRID1, "address": "贺集村一组路口"}  # fmt: skip
TERMS = "1. 张三于本月底前拆除越界围墙。\n2. 李四补偿青苗损失 800 元。"


@pytest.fixture
def mapped(db):
    return load(county_code=COUNTY)


@pytest.fixture
def villager(personas):
    """A resident signed in with their registry record linked (phone sign-in), and their account."""
    return resident_with_account(personas.heji, HEJI_GRID1)


def closed_case(personas, reporter, **change) -> Case:
    case = case_submit(actor=reporter, data={**REPORT, **change})
    case = workflow.case_accept(case=case, actor=personas.heji)
    case = workflow.case_resolve(case=case, actor=personas.heji, note="已清运")
    return workflow.case_verify(case=case, actor=personas.heji)


def report_entries():
    return PointEntry.objects.filter(source=Source.CASE_REPORT)


def test_verified_report_awards_the_mapped_item_once(personas, mapped, villager):
    user, account = villager
    case = closed_case(personas, user)
    entry = report_entries().get()
    item = AwardMapping.objects.get(area_id=COUNTY, event=AwardEvent.CASE_REPORT_USEFUL).item
    assert (entry.account_id, entry.item_id, entry.delta, entry.source_id) == (
        account.pk,
        item.pk,
        2,
        case.number,
    )
    assert entry.actor == personas.heji and entry.idempotency_key == f"case_report_useful:{case.number}"
    # 不满意 sends it back for rework; verified again, it awards nothing more.
    case = workflow.case_rate(case=case, actor=user, rating="dissatisfied", comment="垃圾又堆起来了")
    assert case.status != "closed" and case.rework_count == 1
    case = workflow.case_resolve(case=case, actor=personas.heji, note="再次清运并加装垃圾桶")
    workflow.case_verify(case=case, actor=personas.heji)
    assert report_entries().count() == 1
    account.refresh_from_db()
    assert account.balance == 2


def test_no_mapping_awards_nothing_and_opens_no_account(personas, villager):
    user, account = villager
    PointAccount.objects.filter(pk=account.pk).delete()
    case = closed_case(personas, user)
    assert case.status == "closed"
    assert not report_entries().exists() and not PointAccount.objects.exists()


def test_anonymous_report_awards_nothing(personas, mapped, villager):
    user, _ = villager
    case = closed_case(personas, user, anonymous=True)
    assert case.status == "closed" and case.reporter_person_id is not None
    assert not report_entries().exists()


def test_a_report_without_a_registry_person_awards_nothing(personas, mapped):
    closed_case(personas, personas.resident)  # signed in, but not linked to the registry
    assert not report_entries().exists()


def test_award_lands_or_not_with_the_case_step(personas, mapped, villager):
    user, _ = villager
    case = case_submit(actor=user, data=REPORT)
    case = workflow.case_accept(case=case, actor=personas.heji)
    case = workflow.case_resolve(case=case, actor=personas.heji, note="已清运")
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.case_verify(case=case, actor=personas.heji)
        assert report_entries().count() == 1
        raise RuntimeError("the request failed after the step")
    assert not report_entries().exists() and Case.objects.get(pk=case.pk).status == "resolved"


def mediate(personas, *, lead, helpers=(), parties=("张三", "李四")) -> None:
    """A dispute reported by the shared resident, mediated to an agreement by `lead` (+ helpers)."""
    case = case_submit(actor=personas.resident, data={**REPORT, "kind": "dispute", "category": "neighbour"})
    case = workflow.case_accept(case=case, actor=personas.heji)
    mediation = ms.mediation_open(case=case, actor=personas.heji, lead=lead, co_mediators=helpers)
    for side, name in zip(("申请人", "被申请人"), parties, strict=True):
        ms.mediation_add_party(mediation=mediation, actor=personas.heji, name=name, side=side)
    ms.mediation_add_session(mediation=mediation, actor=lead, held_on=timezone.localdate(),
                             place="贺集村义工调解室", attendees="张三、李四", notes="双方陈述经过，调解员释法说理。")  # fmt: skip
    return ms.mediation_conclude(mediation=mediation, actor=lead, result="success", agreed_terms=TERMS)


def volunteer_mediator(personas, username: str, name: str, *, volunteer: bool = True):
    """A 人民调解员 account linked to their registry record, tagged 志愿者 or not."""
    user = make_user(username, "mediator", HEJI, full_name=name)
    person = make_person(personas.heji, HEJI_GRID1, name=name)
    ResidentLink.objects.create(user=user, person=person)
    if volunteer:
        PersonTag.objects.create(person=person, tag=Tag.VOLUNTEER)
    return user, person


def test_volunteer_mediators_are_awarded_once_staff_mediators_not(personas, mapped):
    lead, lead_person = volunteer_mediator(personas, "laoliu", "刘和事")
    helper, helper_person = volunteer_mediator(personas, "laozhou", "周热心")
    not_volunteer, _ = volunteer_mediator(personas, "laowu", "吴调解", volunteer=False)
    mediation = mediate(personas, lead=lead, helpers=[helper, not_volunteer, personas.wgy])
    entries = PointEntry.objects.filter(source=Source.MEDIATION).select_related("account")
    assert sorted(e.account.person_id for e in entries) == sorted([lead_person.pk, helper_person.pk])
    item = AwardMapping.objects.get(area_id=COUNTY, event=AwardEvent.MEDIATION_SUCCESS).item
    assert {(e.item_id, e.delta, e.source_id) for e in entries} == {(item.pk, 5, mediation.case.number)}
    # The grid worker (staff, not a volunteer) and the untagged mediator have no account at all.
    assert PointAccount.objects.count() == 2
    # The case goes on to 核查结案: its reporter is not in the registry, so nothing more is awarded.
    workflow.case_verify(case=Case.objects.get(pk=mediation.case_id), actor=personas.heji)
    assert PointEntry.objects.count() == 2


def test_a_staff_mediator_alone_earns_nothing(personas, mapped):
    mediation = mediate(personas, lead=personas.wgy)
    assert mediation.status == "succeeded" and not PointEntry.objects.exists()


def test_mediation_without_a_mapping_awards_nothing(personas):
    lead, _ = volunteer_mediator(personas, "laoliu", "刘和事")
    mediation = mediate(personas, lead=lead)
    assert mediation.status == "succeeded" and not PointEntry.objects.exists()
    assert not PointAccount.objects.exists()


def test_over_the_cap_the_case_step_still_stands(personas, mapped, villager):
    """PA09 counts at most 10 times a month: the 11th verified report closes without points."""
    user, account = villager
    for _ in range(11):
        closed_case(personas, user)
    assert report_entries().count() == 10 and Case.objects.filter(status="closed").count() == 11
    account.refresh_from_db()
    assert account.balance == 20
