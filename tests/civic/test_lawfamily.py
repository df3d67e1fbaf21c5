"""法治家庭 (宣城 法治家庭示范户): deductions and the pass mark, the 一票否决 of a member's offence,
two years of validity and the review list, revocation, the public list, and who may do what.

Who may do what (personas of tests/conftest.py):
- heji / gaoyang / county  rate 贺集村 households, record and read offences there (HONOUR_ROLES).
- wgy       grid worker: reads the registry but neither rates nor sees offences.
- guodian   staff of 郭店村: rates nothing in 贺集村 and sees none of its offences.
- resident  resident of 贺集村: sees the public list of certified households of 贺集村 only.
- county    edits the county's deduction items; village staff may not.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.civic import services as civic
from gongzhi.civic.choices import LawAspect, LawFamilyStatus
from gongzhi.civic.data import DEFAULT_LAW_ITEMS
from gongzhi.civic.law import add_years
from gongzhi.civic.models import LawDeductionItem, LawFamilyRating
from gongzhi.kernel.errors import Conflict, DomainError, Forbidden
from gongzhi.notices.models import Notice
from gongzhi.people.models import Person
from tests.conftest import COUNTY, GUODIAN, HEJI, HEJI_GRID1, make_user
from tests.people.factories import make_household, make_person

pytestmark = pytest.mark.django_db


def family(actor, area: str = HEJI_GRID1, no: str = "0101", head: str = "张大山", others=("李桂兰",)):
    """A household with a 户主 and members, as the registry links them."""
    household = make_household(actor, area, no=no)
    members = []
    for n, name in enumerate((head, *others)):
        p = make_person(actor, area, name=name)
        Person.objects.filter(pk=p.pk).update(household=household, relation="户主" if n == 0 else "配偶")
        p.refresh_from_db()
        members.append(p)
    return household, members


def items(*names: str) -> list[dict]:
    """Deductions by item name, as the rating form sends them."""
    return [{"item_id": LawDeductionItem.objects.get(area_id=COUNTY, name=n).pk, "note": ""} for n in names]


@pytest.fixture
def loaded(db):
    civic.law_items_load(county_code=COUNTY)


@pytest.fixture
def zhang(personas, loaded):
    return family(personas.heji)


def test_default_items_load_once_and_cover_the_eight_aspects(db):
    assert civic.law_items_load(county_code=COUNTY) == len(DEFAULT_LAW_ITEMS)
    assert civic.law_items_load(county_code=COUNTY) == 0
    for aspect in LawAspect:
        assert 3 <= LawDeductionItem.objects.filter(area_id=COUNTY, aspect=aspect).count() <= 5
    # 宣城's own two items keep their points.
    assert LawDeductionItem.objects.get(name="夫妻经常吵闹").points == 6
    assert LawDeductionItem.objects.get(name="邻里见难不帮").points == 2


def test_score_is_100_minus_deductions_and_80_passes(personas, zhang):
    household, _ = zhang
    at_mark = civic.household_rate(actor=personas.heji, household=household,
                                   deductions=items("不赡养、不孝敬老人", "被列入失信被执行人名单"))  # fmt: skip
    assert (at_mark.score, at_mark.status) == (80, LawFamilyStatus.CERTIFIED) and civic.PASS_SCORE == 80
    below = civic.household_rate(actor=personas.heji, household=household,
                                 deductions=items("夫妻经常吵闹", "不赡养、不孝敬老人", "邻里见难不帮", "索要高额彩礼"))  # fmt: skip
    assert (below.score, below.status) == (77, LawFamilyStatus.FAILED)
    # The rating keeps the names and points it was given, whatever the county edits later.
    item = LawDeductionItem.objects.get(name="夫妻经常吵闹")
    civic.law_item_save(
        actor=personas.county, county_code=COUNTY, item=item, data={"points": 9, "name": "夫妻常吵架"}
    )
    below.refresh_from_db()
    assert below.deductions[0] == {"item_id": item.pk, "aspect": "harmony", "aspect_label": "家庭和睦",
                                   "name": "夫妻经常吵闹", "points": 6, "note": ""}  # fmt: skip
    assert below.score == 77
    assert AuditEvent.objects.filter(action="points.law_rate", object_id=str(below.pk)).exists()


def test_a_members_offence_in_the_two_years_before_vetoes(personas, zhang):
    household, (head, wife) = zhang
    today = timezone.localdate()
    civic.offence_record(actor=personas.heji, person=wife, occurred_on=today - timedelta(days=400), kind="违法",
                         description="殴打他人被行政拘留五日", authority="沙洋县公安局")  # fmt: skip
    rating = civic.household_rate(actor=personas.heji, household=household, deductions=[])
    assert rating.score == 100 and rating.status == LawFamilyStatus.VETOED
    assert (
        "李桂兰" in rating.veto_reason and "殴打他人" in rating.veto_reason and "违法" in rating.veto_reason
    )


def test_an_offence_before_the_period_does_not_veto(personas, zhang):
    household, (head, _) = zhang
    rated_on = timezone.localdate() - timedelta(days=10)
    before = add_years(rated_on, -2) - timedelta(days=1)
    civic.offence_record(
        actor=personas.heji, person=head, occurred_on=before, kind="违法", description="酒后驾驶被处罚"
    )
    assert (
        civic.household_rate(actor=personas.heji, household=household, rated_on=rated_on).status
        == "certified"
    )
    # The first day of the period is inside it.
    civic.offence_record(actor=personas.heji, person=head, occurred_on=add_years(rated_on, -2), kind="违法",
                         description="再次酒后驾驶被处罚")  # fmt: skip
    assert (
        civic.household_rate(actor=personas.heji, household=household, rated_on=rated_on).status == "vetoed"
    )


def test_recording_an_offence_revokes_the_certification_and_tells_the_village(
    personas, zhang, django_capture_on_commit_callbacks
):
    household, (head, _) = zhang
    colleague = make_user("heji2", "village_staff", HEJI, full_name="贺集村综治专干")
    rating = civic.household_rate(actor=personas.heji, household=household)
    assert rating.status == LawFamilyStatus.CERTIFIED
    with django_capture_on_commit_callbacks(execute=True):
        civic.offence_record(actor=personas.gaoyang, person=head, occurred_on=timezone.localdate(), kind="犯罪",
                             description="盗窃被判处有期徒刑", authority="沙洋县人民法院")  # fmt: skip
    rating.refresh_from_db()
    assert rating.status == LawFamilyStatus.REVOKED and rating.revoked_at is not None
    assert "张大山" in rating.revoke_reason and "一票否决" in rating.revoke_reason
    notice = Notice.objects.get(recipient=colleague, kind="law_family")
    assert "张大山户" in notice.text and "盗窃" not in notice.text
    # Grid workers do not read offences, so they are not told about one.
    assert not Notice.objects.filter(recipient=personas.wgy, kind="law_family").exists()
    assert AuditEvent.objects.filter(action="points.law_revoke", object_id=str(rating.pk)).exists()
    assert civic.certified_households(village_code=HEJI) == []


def test_an_old_offence_does_not_revoke(personas, zhang):
    household, (head, _) = zhang
    rating = civic.household_rate(actor=personas.heji, household=household)
    old = add_years(timezone.localdate(), -3)
    civic.offence_record(
        actor=personas.heji, person=head, occurred_on=old, kind="违法", description="多年前的处罚"
    )
    rating.refresh_from_db()
    assert rating.status == LawFamilyStatus.CERTIFIED


def test_valid_two_years_and_listed_for_review_sixty_days_ahead(personas, loaded):
    today = timezone.localdate()
    due, _ = family(personas.heji, no="0201", head="王一")
    fresh, _ = family(personas.heji, no="0202", head="王二")
    failed, _ = family(personas.heji, no="0203", head="王三")
    old = civic.household_rate(actor=personas.heji, household=due, rated_on=today - timedelta(days=700))
    assert old.valid_until == add_years(old.rated_on, 2)
    civic.household_rate(actor=personas.heji, household=fresh)
    civic.household_rate(actor=personas.heji, household=failed, rated_on=today - timedelta(days=700),
                         deductions=items("被列入失信被执行人名单", "不赡养、不孝敬老人", "索要高额彩礼"))  # fmt: skip
    scope = civic.ratings_for_staff(personas.heji)
    assert [r.household_id for r in civic.ratings_due(scope)] == [due.pk]
    # A review (re-rating) supersedes the old rating and leaves the due list.
    civic.household_rate(actor=personas.heji, household=due)
    assert list(civic.ratings_due(scope)) == []
    with pytest.raises(DomainError, match="不能早于该户上次评定日期"):
        civic.household_rate(actor=personas.heji, household=due, rated_on=today - timedelta(days=5))


def test_expired_certification_leaves_the_public_list(personas, zhang):
    household, _ = zhang
    rating = civic.household_rate(actor=personas.heji, household=household)
    later = rating.valid_until + timedelta(days=1)
    assert [r["name"] for r in civic.certified_households(village_code=HEJI, today=rating.valid_until)] == [
        "张大山户"
    ]
    assert civic.certified_households(village_code=HEJI, today=later) == []


def test_revocation_after_public_review(personas, zhang, django_capture_on_commit_callbacks):
    household, (head, _) = zhang
    villager = make_user("zds", "resident", HEJI_GRID1, full_name="张大山")
    from gongzhi.accounts.models import ResidentLink

    ResidentLink.objects.create(user=villager, person=head)
    rating = civic.household_rate(actor=personas.heji, household=household)
    with pytest.raises(DomainError, match="撤销原因"):
        civic.household_revoke(actor=personas.heji, rating=rating, reason="不")
    with pytest.raises(Forbidden):
        civic.household_revoke(actor=personas.wgy, rating=rating, reason="经群众评议不符合标准")
    with django_capture_on_commit_callbacks(execute=True):
        civic.household_revoke(actor=personas.heji, rating=rating, reason="经群众评议不符合法治家庭标准")
    assert rating.status == LawFamilyStatus.REVOKED and rating.revoke_reason == "经群众评议不符合法治家庭标准"
    assert Notice.objects.filter(recipient=villager, kind="law_family", text__contains="已被取消").exists()
    with pytest.raises(Conflict, match="不是有效的法治家庭"):
        civic.household_revoke(actor=personas.heji, rating=rating, reason="经群众评议不符合法治家庭标准")
    assert LawFamilyRating.objects.filter(pk=rating.pk).exists()  # recorded, never erased


def test_public_list_names_households_and_places_only(personas, zhang):
    household, _ = zhang
    civic.household_rate(actor=personas.heji, household=household)
    vetoed, (v_head, _) = family(personas.heji, no="0102", head="赵四")
    civic.offence_record(actor=personas.heji, person=v_head, occurred_on=timezone.localdate(), kind="违法",
                         description="寻衅滋事被行政拘留")  # fmt: skip
    civic.household_rate(actor=personas.heji, household=vetoed)
    elsewhere, _ = family(personas.guodian, area=GUODIAN + "001", no="0901", head="郭五")
    civic.household_rate(actor=personas.guodian, household=elsewhere)
    rows = civic.certified_households(village_code=HEJI)
    assert [(r["name"], r["village"], r["grid"]) for r in rows] == [("张大山户", "贺集村", "贺集村第1网格")]
    assert set(rows[0]) == {"name", "village", "grid", "rated_on", "valid_until"}


def test_scope_of_rating_and_offences(personas, zhang):
    household, (head, _) = zhang
    for outsider in (personas.guodian, personas.wgy, personas.resident):
        with pytest.raises(Forbidden):
            civic.household_rate(actor=outsider, household=household)
        with pytest.raises(Forbidden):
            civic.offence_record(actor=outsider, person=head, occurred_on=timezone.localdate(), kind="违法",
                                 description="殴打他人被行政拘留")  # fmt: skip
    civic.household_rate(actor=personas.gaoyang, household=household)
    civic.offence_record(actor=personas.county, person=head, occurred_on=timezone.localdate(), kind="违法",
                         description="殴打他人被行政拘留")  # fmt: skip
    assert civic.offences_for_staff(personas.heji).count() == 1
    for blind in (personas.guodian, personas.wgy, personas.resident, personas.auditor):
        assert civic.offences_for_staff(blind).count() == 0
    listed = list(civic.offence_list(actor=personas.heji, area_code=HEJI))
    assert len(listed) == 1
    assert AuditEvent.objects.filter(action="points.offence_list", actor_username="heji").exists()


def test_bad_input_is_refused_clearly_and_writes_nothing(personas, zhang):
    household, (head, _) = zhang
    with pytest.raises(DomainError, match="扣分项 999999 不存在或不适用于本县") as exc:
        civic.household_rate(actor=personas.heji, household=household, deductions=[{"item_id": 999999}])
    assert exc.value.field == "deductions"
    twice = items("夫妻经常吵闹") * 2
    with pytest.raises(DomainError, match="重复"):
        civic.household_rate(actor=personas.heji, household=household, deductions=twice)
    with pytest.raises(DomainError, match="不能晚于今天"):
        civic.household_rate(actor=personas.heji, household=household,
                             rated_on=timezone.localdate() + timedelta(days=1))  # fmt: skip
    with pytest.raises(DomainError) as exc:
        civic.offence_record(actor=personas.heji, person=head, occurred_on=timezone.localdate(), kind="小事",
                             description="无")  # fmt: skip
    assert [f for f, _ in exc.value.errors] == ["kind", "description"]
    assert LawFamilyRating.objects.count() == 0


def test_county_edits_items_village_may_not(personas, loaded):
    item = civic.law_item_save(actor=personas.county, county_code=COUNTY,
                               data={"aspect": "customs", "name": "婚丧事宜不报备", "points": 3})  # fmt: skip
    assert item.area_id == COUNTY and civic.law_items_for(HEJI_GRID1).filter(pk=item.pk).exists()
    with pytest.raises(Forbidden):
        civic.law_item_save(
            actor=personas.heji, county_code=COUNTY, data={"aspect": "customs", "name": "某项", "points": 3}
        )
    with pytest.raises(DomainError) as exc:
        civic.law_item_save(
            actor=personas.county, county_code=COUNTY, data={"aspect": "x", "name": "", "points": 0}
        )
    assert [f for f, _ in exc.value.errors] == ["aspect", "name", "points"]
    civic.law_item_save(actor=personas.county, county_code=COUNTY, item=item, data={"active": False})
    assert not civic.law_items_for(HEJI_GRID1).filter(pk=item.pk).exists()
