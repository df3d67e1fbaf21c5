"""The synthetic registry of the demo county: valid and sealed identifiers, believable households,
idempotent runs. Runs against the session's 沙洋县 (2 grids per village, 贺集村 grids in 微网格)."""

import random
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from stdnum.cn import ric, uscc

from gongzhi.audit.models import AuditEvent
from gongzhi.demo import families
from gongzhi.demo.people import seed_people
from gongzhi.demo.places import allocate, chinese_number
from gongzhi.kernel.codes import prefix_q
from gongzhi.kernel.crypto import blind_index, decrypt
from gongzhi.kernel.identity import check_id_number, id_birth_and_gender
from gongzhi.kernel.masking import mask_id_number, mask_phone
from gongzhi.people.choices import IdType, OrgKind, PersonKind, Relation, Tag
from gongzhi.people.models import Household, Organization, Person, PersonTag

from ..conftest import COUNTY, HEJI_GRID1

pytestmark = pytest.mark.django_db
N = 300


def years_between(older: date, younger: date) -> int:
    return younger.year - older.year - ((younger.month, younger.day) < (older.month, older.day))


@pytest.fixture
def seeded(db):
    return seed_people(persons=N)


def test_first_run_creates_the_people_households_and_organisations(seeded):
    assert (seeded.people, seeded.total) == (N, N)
    assert Person.objects.filter(prefix_q("area_id", COUNTY)).count() == N
    assert Household.objects.count() == seeded.households > N // 6
    assert Organization.objects.count() == seeded.organizations > 0
    event = AuditEvent.objects.get(action="demo.seed_people")
    assert event.details["people"] == N and event.details["households"] == seeded.households
    assert event.area_code == COUNTY


def test_resident_id_numbers_are_valid_unique_and_match_the_record(seeded):
    seen = set()
    for person in Person.objects.all():
        number = decrypt(person.id_number_cipher)
        assert number not in seen
        seen.add(number)
        # Sealed exactly as the registry does it.
        assert person.id_number_index == blind_index(number)
        assert person.id_number_masked == mask_id_number(number)
        if person.id_type != IdType.RESIDENT_ID:
            assert 5 <= len(number) <= 30
            continue
        assert check_id_number(number, birth_date=person.birth_date, gender=person.gender) == number
        assert number[-1] == ric.calc_check_digit(number)
        assert id_birth_and_gender(number) == (person.birth_date, person.gender)
        # The 17th digit is odd for men, even for women.
        assert int(number[16]) % 2 == (1 if person.gender == "1" else 0)
    regions = Counter(decrypt(c)[:6] for c in Person.objects.filter(id_type=IdType.RESIDENT_ID).values_list(
        "id_number_cipher", flat=True
    ))  # fmt: skip
    assert regions.most_common(1)[0][0] == "420822"


def test_phones_are_plausible_mobiles_and_children_have_none(seeded):
    today = date.today()
    for person in Person.objects.exclude(phone_cipher=""):
        phone = decrypt(person.phone_cipher)
        assert len(phone) == 11 and phone[:2] in {"13", "15", "17", "18", "19"}
        assert person.phone_masked == mask_phone(phone)
        assert years_between(person.birth_date, today) >= 13


def test_households_have_one_head_and_ages_that_fit_the_relations(seeded):
    for household in Household.objects.prefetch_related("members"):
        members = list(household.members.all())
        assert 1 <= len(members) <= 6
        heads = [m for m in members if m.relation == Relation.HEAD]
        assert len(heads) == 1, household
        head = heads[0]
        assert years_between(head.birth_date, date.today()) >= 18
        for m in members:
            assert m.area_id == household.area_id and m.address == household.address
            if m.relation in (Relation.SON, Relation.DAUGHTER):
                assert years_between(head.birth_date, m.birth_date) >= 15, (head, m)
            elif m.relation == Relation.GRANDCHILD:
                assert years_between(head.birth_date, m.birth_date) >= 30, (head, m)
            elif m.relation in (Relation.PARENT, Relation.GRANDPARENT):
                gap = 15 if m.relation == Relation.PARENT else 30
                assert years_between(m.birth_date, head.birth_date) >= gap, (head, m)
        if household.care_colour != "green":
            assert household.care_reason


def test_kinds_carry_their_items(seeded):
    kinds = Counter(Person.objects.values_list("kind", flat=True))
    assert kinds[PersonKind.REGISTERED] > 0.8 * N and kinds[PersonKind.FLOATING] > 0
    for person in Person.objects.select_related("area"):
        if person.kind == PersonKind.REGISTERED:
            assert person.hukou_area_id == person.area_id[:12]  # their village
        elif person.kind == PersonKind.FLOATING:
            assert person.hukou_area_id is None and not person.hukou_address.startswith("沙洋县")
            assert date.fromisoformat(person.extra["registered_on"]) > person.birth_date
            assert person.extra["inflow_reason"]
        elif person.kind == PersonKind.FOREIGN:
            assert person.id_type == IdType.PASSPORT and person.extra["nationality"]
        age = years_between(person.birth_date, date.today())
        if person.marital_status == "已婚":
            assert age >= (22 if person.gender == "1" else 20)  # 婚姻法 marriage ages
        if age < 18:
            assert person.marital_status == "未婚" and person.political_status in ("群众", "共青团员")


def test_no_plaintext_identifier_in_the_database(seeded):
    plain = set()
    for id_cipher, phone_cipher in Person.objects.values_list("id_number_cipher", "phone_cipher"):
        plain.add(decrypt(id_cipher))
        if phone_cipher:
            plain.add(decrypt(phone_cipher))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person")
        rows = cursor.fetchall()
    assert len(rows) == N
    text = "\n".join("|".join(str(v) for v in row) for row in rows)
    leaked = [p for p in plain if p in text]
    assert not leaked


def test_every_area_with_households_has_one_household_leader(seeded):
    leaders = Counter(
        PersonTag.objects.filter(tag=Tag.HOUSEHOLD_LEADER).values_list("person__area_id", flat=True)
    )
    assert set(leaders.values()) == {1}
    assert set(leaders) <= set(Household.objects.values_list("area_id", flat=True))


def test_credit_codes_are_valid_and_unique(seeded):
    codes = list(Organization.objects.values_list("credit_code", flat=True))
    assert all(uscc.is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert Organization.objects.filter(kind=OrgKind.HOSPITAL, name="沙洋县高阳镇卫生院").exists()
    assert Organization.objects.filter(kind=OrgKind.SCHOOL, name="沙洋县高阳镇中心学校").exists()
    for org in Organization.objects.all():
        assert org.area.is_grid and org.contact_name and decrypt(org.contact_phone_cipher)


def test_second_run_adds_nothing_and_more_adds_the_difference(seeded):
    households, orgs = Household.objects.count(), Organization.objects.count()
    again = seed_people(persons=N)
    assert (again.people, again.households, again.total) == (0, 0, N)
    assert (Household.objects.count(), Organization.objects.count()) == (households, orgs)
    assert AuditEvent.objects.filter(action="demo.seed_people").count() == 1

    more = seed_people(persons=N + 150)
    assert (more.people, more.total, more.organizations) == (150, N + 150, 0)
    assert Person.objects.count() == N + 150 and Organization.objects.count() == orgs
    numbers = list(Household.objects.values_list("area_id", "household_no"))
    assert len(numbers) == len(set(numbers)) == households + more.households
    assert AuditEvent.objects.filter(action="demo.seed_people").count() == 2
    # Still one 中心户长 per area after the top-up.
    leaders = Counter(
        PersonTag.objects.filter(tag=Tag.HOUSEHOLD_LEADER).values_list("person__area_id", flat=True)
    )
    assert set(leaders.values()) == {1}


def test_the_same_seed_makes_the_same_people(db):
    def snapshot():
        return list(
            Person.objects.order_by("pk").values_list("name", "birth_date", "id_number_masked", "address")
        )

    with transaction.atomic():
        seed_people(persons=120)
        first = snapshot()
        transaction.set_rollback(True)
    seed_people(persons=120)
    assert snapshot() == first


def test_families_are_consistent_in_many_draws():
    rng = random.Random(7)
    for _ in range(3000):
        family = families.make_family(rng, rng.random() < 0.3)
        head = family.members[0]
        assert head.relation == Relation.HEAD and 1 <= len(family.members) <= 6
        assert all(m.age >= 0 for m in family.members)
        for m in family.members:
            if m.marital == families.MARRIED:
                assert m.age >= (22 if m.gender == families.MALE else 20)
        for m in family.members[1:]:
            assert m.relation != Relation.HEAD
            if m.relation in (Relation.SON, Relation.DAUGHTER):
                assert head.age - m.age >= 15
            if Tag.LEFT_BEHIND_CHILD in m.tags:
                assert m.age < 16 and m.relation == Relation.GRANDCHILD


def test_allocation_and_numerals():
    assert sum(allocate(1000, [1, 1.6, 0.3, 5])) == 1000
    assert allocate(3, [1, 1, 1, 1]) == [1, 1, 1, 0]
    assert allocate(0, [1, 2]) == [0, 0]
    assert [chinese_number(n) for n in (3, 10, 12, 20, 31)] == ["三", "十", "十二", "二十", "三十一"]


def test_seed_demo_command_fills_the_demo_residents_grid(settings, capsys):
    settings.DEMO = True
    call_command("seed_demo", "--persons", "2000")
    out = capsys.readouterr().out
    assert "实有人口：新增 2000 人" in out and "演示账号" in out
    assert Household.objects.filter(prefix_q("area_id", HEJI_GRID1)).count() >= 5
    call_command("seed_demo", "--persons", "2000")
    assert "已有 2000 人" in capsys.readouterr().out
    assert Person.objects.count() == 2000
