"""The registry through pages, API and raw SQL: scope, masking, encryption at rest, audited reads.

Who sees whom: a person living in 贺集村第1网格 is seen by the 贺集村 grid worker, 贺集村 and
高阳镇 staff and the county; not by the 郭店村 officer, residents or auditors.
"""

from datetime import date

import pytest
from django.db import connection

from gongzhi.audit.models import AuditEvent
from gongzhi.people.models import Person

from ..conftest import GUODIAN, HEJI_GRID1, api_token
from .factories import id_number, make_household, make_person

pytestmark = pytest.mark.django_db
GUODIAN_GRID1 = GUODIAN + "001"


@pytest.fixture
def people(personas):
    heji = make_person(personas.heji, HEJI_GRID1, "李秀英", phone="13512342210", tags=["中心户长"])
    guodian = make_person(personas.guodian, GUODIAN_GRID1, "周大山")
    return {"heji": heji, "guodian": guodian}


def bearer(client, who):
    return {"Authorization": f"Bearer {api_token(client, who)}"}


@pytest.mark.parametrize(
    "who, visible", [("wgy", True), ("heji", True), ("gaoyang", True), ("county", True), ("guodian", False),
                     ("resident", False), ("auditor", False)],
)  # fmt: skip
def test_person_scope_by_page_and_api(client, personas, people, who, visible):
    person = people["heji"]
    assert personas.client(who).get(f"/people/{person.pk}/").status_code == (200 if visible else 404)
    response = client.get(f"/api/v1/people/{person.pk}", headers=bearer(client, who))
    assert response.status_code == (200 if visible else 404)


def test_grid_worker_lists_only_own_people(client, personas, people):
    body = client.get("/api/v1/people/", headers=bearer(client, "wgy")).json()
    assert [item["name"] for item in body["items"]] == ["李秀英"] and body["count"] == 1
    assert body["items"][0]["area_code"] == HEJI_GRID1
    page = personas.client("wgy").get("/people/").content.decode()
    assert "李秀英" in page and "周大山" not in page
    assert personas.client("resident").get("/people/").status_code == 404


def test_identifiers_are_masked_everywhere(client, personas, people):
    person = people["heji"]
    full_id = Person.objects.get(pk=person.pk)
    masked_id = full_id.id_number_masked
    assert len(masked_id) == 18 and masked_id[4:14] == "*" * 10
    item = client.get(f"/api/v1/people/{person.pk}", headers=bearer(client, "heji")).json()
    assert item["id_number"] == masked_id and item["phone"] == "135****2210"
    for url in ("/people/", f"/people/{person.pk}/", "/people/households/"):
        page = personas.client("heji").get(url).content.decode()
        assert "13512342210" not in page
    listing = client.get("/api/v1/people/", headers=bearer(client, "county")).json()
    assert all("*" in item["id_number"] for item in listing["items"])


def test_no_plaintext_identifier_in_the_database(personas):
    number = id_number(born=date(1975, 3, 9))
    make_person(personas.heji, HEJI_GRID1, "王五", id_number=number, phone="13800001111")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person")
        dump = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert number not in dump and "13800001111" not in dump
    assert number[6:14] not in dump.replace("1975-03-09", "")  # not even the birth digits of the ID


def test_exact_search_by_id_and_phone(client, personas, people):
    from gongzhi.kernel.crypto import decrypt

    number = decrypt(Person.objects.get(pk=people["heji"].pk).id_number_cipher)
    for q in (number, number.lower(), "13512342210", "135 1234 2210"):
        body = client.get("/api/v1/people/", {"q": q}, headers=bearer(client, "gaoyang")).json()
        assert [i["name"] for i in body["items"]] == ["李秀英"], q
    body = client.get("/api/v1/people/", {"q": "135"}, headers=bearer(client, "gaoyang")).json()
    assert body["count"] == 0  # partial numbers are not searchable: only exact identifiers
    page = personas.client("heji").get("/people/", {"q": "李秀"}).content.decode()
    assert "李秀英" in page


def test_filters(client, personas, people):
    auth = bearer(client, "county")
    assert client.get("/api/v1/people/", {"tag": "household_leader"}, headers=auth).json()["count"] == 1
    assert client.get("/api/v1/people/", {"area": GUODIAN}, headers=auth).json()["count"] == 1
    assert client.get("/api/v1/people/", {"kind": "floating"}, headers=auth).json()["count"] == 0


def test_detail_read_and_reveal_are_audited(client, personas, people):
    person = people["heji"]
    personas.client("heji").get(f"/people/{person.pk}/")
    assert AuditEvent.objects.filter(
        action="people.view", object_id=str(person.pk), actor_username="heji"
    ).exists()
    response = client.post(
        f"/api/v1/people/{person.pk}/reveal",
        {"field": "phone", "reason": "电话回访"},
        content_type="application/json",
        headers=bearer(client, "wgy"),
    )
    assert response.json()["value"] == "13512342210"
    event = AuditEvent.objects.filter(action="people.reveal").latest("seq")
    assert event.details == {"field": "phone", "reason": "电话回访"} and event.actor_username == "wgy"


def test_reveal_rules(client, personas, people):
    person = people["heji"]
    url = f"/api/v1/people/{person.pk}/reveal"
    # A grid worker may see phones but not ID numbers.
    response = client.post(url, {"field": "id_number", "reason": "核对身份"}, content_type="application/json",
                           headers=bearer(client, "wgy"))  # fmt: skip
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="people.reveal", result="denied").exists()
    response = client.post(url, {"field": "id_number", "reason": ""}, content_type="application/json",
                           headers=bearer(client, "heji"))  # fmt: skip
    assert response.status_code == 400 and "事由" in response.json()["error"]["message"]
    response = client.post(url, {"field": "id_number", "reason": "办理低保"}, content_type="application/json",
                           headers=bearer(client, "heji"))  # fmt: skip
    assert response.status_code == 200 and len(response.json()["value"]) == 18
    response = client.post(url, {"field": "id_number", "reason": "越权"}, content_type="application/json",
                           headers=bearer(client, "guodian"))  # fmt: skip
    assert response.status_code == 404


def test_reveal_on_the_page_through_htmx(personas, people):
    person = people["heji"]
    client = personas.client("heji")
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "查看完整" in page
    fragment = client.post(
        f"/people/{person.pk}/reveal/", {"field": "phone", "reason": "上门走访"}
    ).content.decode()
    assert "13512342210" in fragment and "已记入审计" in fragment
    fragment = client.post(f"/people/{person.pk}/reveal/", {"field": "phone", "reason": ""})
    assert fragment.status_code == 400 and "事由" in fragment.content.decode()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"id_number": "420822198005171234"}, "id_number", "校验位"),
        ({"id_number": "42082219800517123"}, "id_number", "18 位"),
        ({"birth_date": "1981-01-01"}, "id_number", "出生日期"),
        ({"gender": "2"}, "id_number", "性别"),
        ({"phone": "1234"}, "phone", "无效"),
        ({"area_code": "420822110209"}, "area_code", "须填写网格"),
        ({"area_code": "420822110209999"}, "area_code", "不存在"),
        ({"name": ""}, "name", "姓名不能为空"),
        ({"kind": "floating"}, "extra.inflow_reason", "流入原因"),
        ({"tags": ["皇帝"]}, "tags", "不在可选范围"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, personas, change, field, message):
    data = {"name": "赵六", "id_number": id_number(born=date(1980, 5, 17), male=True), "phone": "13900001111",
            "area_code": HEJI_GRID1, "address": "贺集村三组 5 号", **change}  # fmt: skip
    before = Person.objects.count()
    response = client.post(
        "/api/v1/people/", data, content_type="application/json", headers=bearer(client, "heji")
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in [f["field"] for f in error["fields"]] and message in error["message"]
    assert Person.objects.count() == before


def test_create_update_and_duplicates_by_api(client, personas):
    auth = bearer(client, "heji")
    number = id_number(born=date(1990, 2, 3), male=False)
    data = {
        "name": "钱七",
        "id_number": number,
        "phone": "13700001111",
        "area_code": HEJI_GRID1,
        "address": "x",
    }
    created = client.post("/api/v1/people/", data, content_type="application/json", headers=auth)
    assert created.status_code == 201
    body = created.json()
    assert body["gender"] == "2" and body["birth_date"] == "1990-02-03"  # derived from the ID number
    again = client.post("/api/v1/people/", data, content_type="application/json", headers=auth)
    assert again.status_code == 400 and "已登记" in again.json()["error"]["message"]
    # Update with blank identifiers keeps them.
    update = {**data, "id_number": "", "phone": "", "address": "贺集村新址 9 号"}
    response = client.put(
        f"/api/v1/people/{body['id']}", update, content_type="application/json", headers=auth
    )
    assert response.status_code == 200 and response.json()["address"] == "贺集村新址 9 号"
    assert response.json()["phone"] == "137****1111"
    # The 郭店村 officer cannot move a person into his village's scope from outside.
    response = client.put(f"/api/v1/people/{body['id']}", update, content_type="application/json",
                          headers=bearer(client, "guodian"))  # fmt: skip
    assert response.status_code == 404


def test_writing_into_another_village_is_refused(client, personas):
    data = {"name": "孙八", "id_number": id_number(), "area_code": GUODIAN_GRID1, "address": "x"}
    response = client.post(
        "/api/v1/people/", data, content_type="application/json", headers=bearer(client, "heji")
    )
    assert response.status_code == 403 and not Person.objects.filter(name="孙八").exists()


def test_two_books_hukou_village_sees_relocated_person(client, personas):
    # Lives in 郭店村, 户籍 still in 贺集村: both villages keep the record (两簿并行).
    person = make_person(personas.guodian, GUODIAN_GRID1, "搬迁户吴九", hukou_area_code="420822110209",
                         hukou_address="贺集村一组 3 号")  # fmt: skip
    assert personas.client("heji").get(f"/people/{person.pk}/").status_code == 200
    page = personas.client("heji").get(f"/people/{person.pk}/").content.decode()
    assert "户口簿" in page and "贺集村一组 3 号" in page
    # …but only the village of residence edits it.
    data = {"name": "搬迁户吴九", "area_code": GUODIAN_GRID1, "address": "新址"}
    response = client.put(f"/api/v1/people/{person.pk}", data, content_type="application/json",
                          headers=bearer(client, "heji"))  # fmt: skip
    assert response.status_code == 403


def test_household_members_and_colour(client, personas, people):
    auth = bearer(client, "heji")
    household = make_household(personas.heji, HEJI_GRID1, "0101")
    url = f"/api/v1/households/{household.pk}/members"
    response = client.post(url, {"person_id": people["heji"].pk, "relation": "户主"}, content_type="application/json",
                           headers=auth)  # fmt: skip
    assert response.status_code == 200 and response.json()["members"][0]["relation"] == "户主"
    other = make_person(personas.heji, HEJI_GRID1, "李小明", id_number=id_number(born=date(2012, 1, 1)))
    response = client.post(url, {"person_id": other.pk, "relation": "户主"}, content_type="application/json",
                           headers=auth)  # fmt: skip
    assert response.status_code == 409 and "已有户主" in response.json()["error"]["message"]
    data = {"household_no": "0101", "area_code": HEJI_GRID1, "address": "x", "care_colour": "red"}
    response = client.put(
        f"/api/v1/households/{household.pk}", data, content_type="application/json", headers=auth
    )
    assert response.status_code == 400 and "须写明原因" in response.json()["error"]["message"]
    data["care_reason"] = "家中老人独居且患病"
    response = client.put(
        f"/api/v1/households/{household.pk}", data, content_type="application/json", headers=auth
    )
    assert response.json()["care_colour"] == "red"
    body = client.get("/api/v1/households/", {"colour": "red"}, headers=auth).json()
    assert body["count"] == 1 and body["items"][0]["member_count"] == 1
    assert (
        client.get(f"/api/v1/households/{household.pk}", headers=bearer(client, "guodian")).status_code == 404
    )


def test_organizations(client, personas):
    auth = bearer(client, "heji")
    data = {"name": "贺集村农机合作社", "kind": "enterprise", "credit_code": "91110000600037341L",
            "area_code": HEJI_GRID1, "address": "贺集村", "contact_name": "刘强", "contact_phone": "13600001234"}  # fmt: skip
    response = client.post("/api/v1/organizations/", data, content_type="application/json", headers=auth)
    assert response.status_code == 201 and response.json()["contact_phone"] == "136****1234"
    bad = {**data, "credit_code": "91110000600037341X"}
    response = client.post("/api/v1/organizations/", bad, content_type="application/json", headers=auth)
    assert response.status_code == 400 and "统一社会信用代码" in response.json()["error"]["message"]
    body = client.get("/api/v1/organizations/", {"q": "91110000600037341L"}, headers=auth).json()
    assert body["count"] == 1
    assert client.get("/api/v1/organizations/", headers=bearer(client, "guodian")).json()["count"] == 0


def test_pages_forms_and_area_counts(personas, people):
    client = personas.client("heji")
    response = client.post("/people/new/", {"name": "", "id_type": "resident_id", "id_number": "123",
                                            "area_code": HEJI_GRID1, "kind": "registered", "ethnicity": "汉族",
                                            "political_status": "群众"})  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "姓名不能为空" in body and "应为 18 位" in body and "现住址不能为空" in body
    number = id_number(born=date(1966, 6, 6))
    response = client.post("/people/new/", {"name": "郑十", "id_type": "resident_id", "id_number": number,
                                            "area_code": HEJI_GRID1, "address": "贺集村", "kind": "registered",
                                            "ethnicity": "汉族", "political_status": "中共党员",
                                            "tags": ["five_elders"]})  # fmt: skip
    assert response.status_code == 302
    person = Person.objects.get(name="郑十")
    assert person.is_party_member and list(person.tags.values_list("tag", flat=True)) == ["five_elders"]
    page = personas.client("gaoyang").get("/areas/420822110209/").content.decode()
    assert "实有人口" in page and ">2<" in page  # 李秀英 and 郑十
    rows = client.get("/people/", {"q": "郑"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in rows and "郑十" in rows


def test_household_member_count_is_right_when_searching_by_member(client, personas):
    household = make_household(personas.heji, HEJI_GRID1, "0202")
    for name in ("甲", "乙", "丙"):
        person = make_person(personas.heji, HEJI_GRID1, name)
        client_auth = bearer(client, "heji")
        client.post(f"/api/v1/households/{household.pk}/members", {"person_id": person.pk, "relation": "其他"},
                    content_type="application/json", headers=client_auth)  # fmt: skip
    body = client.get("/api/v1/households/", {"q": "乙"}, headers=bearer(client, "heji")).json()
    assert body["count"] == 1 and body["items"][0]["member_count"] == 3


def test_lists_link_to_excel_in_and_out(personas):
    page = personas.client("heji").get("/people/", {"area": HEJI_GRID1}).content.decode()
    assert f"/people/export/people.xlsx?area={HEJI_GRID1}" in page and "/people/import/" in page
    page = personas.client("heji").get("/people/households/").content.decode()
    assert "/people/export/households.xlsx" in page
