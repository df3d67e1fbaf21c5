"""Query counts that do not grow with the rows on the screen: each page and list is fetched with N
rows, then with 3N, and must issue the same number of queries (under an absolute ceiling too).

Who: 贺集村's staff (heji) read the work queue, a case, the registry and the boards; 沙洋县 (county)
reads the statistics; a villager with a points account browses the 积分超市.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts.models import Department
from gongzhi.areas.models import Area
from gongzhi.cases import workflow
from gongzhi.cases.mediation import services as mediation_services
from gongzhi.cases.services import case_submit
from gongzhi.people.models import PersonTag
from gongzhi.points import ledger
from gongzhi.points.choices import EntryKind, Source
from gongzhi.points.honours import services as honours
from gongzhi.points.shop import services as shop
from gongzhi.points.subjects import account_for_person
from tests.conftest import COUNTY, GAOYANG, HEJI, HEJI_GRID1, api_token
from tests.people.factories import make_household, make_person
from tests.points.factories import item, resident_with_account

pytestmark = pytest.mark.django_db

N = 4
REPORT = {"kind": "dispute", "category": "neighbour", "description": "邻居家的狗每天夜里狂叫，多次沟通无果。",
          "area_code": HEJI_GRID1, "address": "贺集村三组 12 号", "urgency": "normal"}  # fmt: skip


def count(fetch, shows: str, rows: int) -> int:
    """Queries of one fetch, after a first one has warmed what is fetched once per process; the
    response must show every row (`shows` is a text each row carries)."""
    assert fetch().status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = fetch()
    assert response.status_code == 200, response.content[:300]
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        body = json.dumps(response.json(), ensure_ascii=False)
    assert body.count(shows) >= rows, f"{rows} rows, {body.count(shows)} shown"
    return len(ctx)


@pytest.fixture
def assert_flat(django_assert_max_num_queries):
    def check(add_rows, fetch, *, shows: str, ceiling: int):
        """The same queries with N rows as with 3N, and no more than `ceiling`."""
        add_rows(N)
        small = count(fetch, shows, N)
        add_rows(2 * N)
        large = count(fetch, shows, 3 * N)
        assert large == small, f"{small} queries with {N} rows, {large} with {3 * N}: one query per row"
        with django_assert_max_num_queries(ceiling):
            fetch()

    return check


class Api:
    def __init__(self, client, who):
        self.client, self.headers = client, {"Authorization": f"Bearer {api_token(client, who)}"}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers)


# -- cases --------------------------------------------------------------------------------------


def cases_in_every_state(personas):
    """n cases reported by the resident: submitted, accepted, assigned to a person and to a department."""
    department = Department.objects.get(name="高阳镇司法所")

    def add(n):
        for i in range(n):
            case = case_submit(actor=personas.resident, data={**REPORT, "title": f"纠纷 {i}"})
            if i % 4 == 0:
                continue
            case = workflow.case_accept(case=case, actor=personas.heji)
            if i % 4 == 2:
                workflow.case_assign(case=case, actor=personas.heji, user=personas.wgy)
            elif i % 4 == 3:
                workflow.case_escalate(case=case, actor=personas.heji, reason="涉及两村")
                case = workflow.case_accept(case=case, actor=personas.gaoyang)
                workflow.case_assign(case=case, actor=personas.gaoyang, department=department)

    return add


def test_work_queue_page(client, personas, assert_flat):
    heji = personas.client("heji")
    assert_flat(cases_in_every_state(personas), lambda: heji.get("/cases/"), shows="纠纷 ", ceiling=14)


def test_work_queue_api(client, personas, assert_flat):
    api = Api(client, "heji")
    assert_flat(cases_in_every_state(personas), lambda: api.get("/cases/"), shows="纠纷 ", ceiling=6)


def a_busy_case(personas):
    """A dispute under mediation that gains n notes, parties and sessions each time."""
    case = case_submit(actor=personas.resident, data=REPORT)
    case = workflow.case_accept(case=case, actor=personas.heji)
    mediation = mediation_services.mediation_open(case=case, actor=personas.heji)
    today = timezone.localdate()

    def add(n):
        for i in range(n):
            workflow.case_note(case=case, actor=personas.heji, note=f"第 {i} 次回访，双方情绪平稳。")
            mediation_services.mediation_add_party(mediation=mediation, actor=personas.heji, name=f"当事人{i}",
                                                   side="申请人")  # fmt: skip
            mediation_services.mediation_add_session(
                mediation=mediation, actor=personas.heji, held_on=today,
                place="贺集村调解室", attendees="双方当事人", notes="调解员释法说理。",
            )  # fmt: skip

    return case, add


def test_case_detail_page(client, personas, assert_flat):
    case, add = a_busy_case(personas)
    heji = personas.client("heji")
    assert_flat(add, lambda: heji.get(f"/cases/{case.pk}/"), shows="次回访", ceiling=22)


def test_case_detail_api(client, personas, assert_flat):
    case, add = a_busy_case(personas)
    api = Api(client, "heji")

    def fetch():
        """The case, its timeline and its mediation (parties and sessions), as the app reads them."""
        detail, mediation = api.get(f"/cases/{case.pk}"), api.get(f"/cases/{case.pk}/mediation")
        assert detail.status_code == mediation.status_code == 200
        assert len(mediation.json()["sessions"]) == len(case.parties.all())
        return api.get(f"/cases/{case.pk}/timeline")

    assert_flat(add, fetch, shows="次回访", ceiling=20)


def child_areas(personas):
    """A town of its own under 沙洋县, given n more villages each time, each with a case."""
    town = Area.objects.create(code="420822199", name="测试镇", level="town", parent_id=COUNTY)
    made = []

    def add(n):
        for _ in range(n):
            code = f"{town.code}{len(made) + 1:03d}"
            made.append(Area.objects.create(code=code, name=f"测试{len(made) + 1}村", level="village",
                                            parent=town))  # fmt: skip
            grid = Area.objects.create(code=code + "001", name="第1网格", level="grid", parent_id=code)
            case_submit(actor=personas.county, data={**REPORT, "channel": "hotline", "area_code": grid.code})

    return town, add


def test_statistics_child_breakdown(client, personas, assert_flat):
    town, add = child_areas(personas)
    county = personas.client("county")
    assert_flat(
        add,
        lambda: county.get("/cases/stats/", {"area": town.code}),
        shows=f'href="?area={town.code}',
        ceiling=10,
    )


# -- people -------------------------------------------------------------------------------------


def people_with_tags(personas):
    """People of 贺集村第1网格, each in a household of their own and tagged 志愿者."""

    def add(n):
        for i in range(n):
            household = make_household(personas.heji, HEJI_GRID1, no=f"{PersonTag.objects.count() + 1:04d}")
            person = make_person(personas.heji, HEJI_GRID1, name=f"村民{i}", household=household)
            PersonTag.objects.create(person=person, tag="volunteer")

    return add


def test_people_list_page(client, personas, assert_flat):
    heji = personas.client("heji")
    assert_flat(people_with_tags(personas), lambda: heji.get("/people/"), shows="村民", ceiling=10)


def test_people_list_api(client, personas, assert_flat):
    api = Api(client, "heji")
    assert_flat(people_with_tags(personas), lambda: api.get("/people/"), shows="村民", ceiling=7)


# -- points -------------------------------------------------------------------------------------


def accounts_on_the_board(personas):
    good = item(code="Q01", name="照顾老人", points=5, area=HEJI)

    def add(n):
        for i in range(n):
            account = account_for_person(make_person(personas.heji, HEJI_GRID1, name=f"榜上{i}"))
            ledger.post(account=account, delta=5, kind=EntryKind.AWARD, source=Source.DIRECT, item=good)

    return add


def test_points_board_page(client, personas, assert_flat):
    heji = personas.client("heji")
    assert_flat(
        accounts_on_the_board(personas),
        lambda: heji.get("/points/boards/", {"area": HEJI}),
        shows="榜上",
        ceiling=16,
    )


def test_points_board_api(client, personas, assert_flat):
    api = Api(client, "heji")
    assert_flat(
        accounts_on_the_board(personas),
        lambda: api.get("/points/boards", {"area_code": HEJI}),
        shows="榜上",
        ceiling=7,
    )


def meetings_with_rolls(personas):
    heji_area = Area.objects.get(code=HEJI)
    account = account_for_person(make_person(personas.heji, HEJI_GRID1, name="李秀英"))

    def add(n):
        for i in range(n):
            meeting = honours.meeting_save(
                actor=personas.heji, area=heji_area,
                data={"title": f"第 {i} 次积分分享大会", "held_on": timezone.localdate().isoformat(),
                      "place": "村委会", "notes": ""},
            )  # fmt: skip
            honours.meeting_awardees_set(
                actor=personas.heji, meeting=meeting, rows=[{"account_id": account.pk, "honour": "好媳妇"}]
            )

    return add


def test_sharing_meetings_api(client, personas, assert_flat):
    api = Api(client, "heji")
    assert_flat(
        meetings_with_rolls(personas), lambda: api.get("/points/boards/meetings"), shows="好媳妇", ceiling=10
    )


def shops_of_the_village(personas):
    """Shops a 贺集村 villager may redeem at (贺集村's and 高阳镇's), with a reward each."""
    made = []

    def add(n):
        for _ in range(n):
            area = (HEJI, GAOYANG)[len(made) % 2]
            made.append(shop.shop_save(actor=personas.gaoyang, area=area,
                                       data={"name": f"积分超市{len(made) + 1}", "active": True}))  # fmt: skip
            shop.reward_save(actor=personas.gaoyang, shop=made[-1],
                             data={"kind": "goods", "name": "洗衣粉", "points": 1, "stock": 5, "active": True})  # fmt: skip

    return add


def test_shop_home_page(client, personas, assert_flat):
    user, _ = resident_with_account(personas.heji, HEJI_GRID1)
    villager = client
    villager.force_login(user)
    assert_flat(
        shops_of_the_village(personas), lambda: villager.get("/points/shop/"), shows="洗衣粉", ceiling=16
    )
