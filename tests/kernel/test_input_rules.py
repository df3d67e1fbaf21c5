"""The one set of input rules (kernel/text.py, docs/api.md "Input rules"): area codes are ASCII
digits, invisible control characters are refused at the edge, every text field has a declared
maximum that pages, the API, imports and the database agree on, and an oversized API body gets
the JSON error shape."""

from datetime import date

import pytest
from django.db import models
from django.utils import timezone

from gongzhi.areas.models import Area
from gongzhi.cases.models import Case
from gongzhi.cases.services import clean_intake
from gongzhi.kernel import registry, text
from gongzhi.kernel.errors import Invalid
from gongzhi.points.models import PointDeclaration
from tests.cases.test_loop import Api
from tests.conftest import HEJI_GRID1, api_token
from tests.people.factories import id_number
from tests.points.factories import item, resident_with_account

pytestmark = pytest.mark.django_db

REPORT = {
    "kind": "sanitation",
    "description": "村口垃圾池满了好几天。",
    "area_code": HEJI_GRID1,
    "address": "一组",
}


# --- the rules themselves -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, code",
    [
        ("a\x00b", "U+0000"),
        ("a\x1fb", "U+001F"),
        ("\x0b", "U+000B"),
        ("del\x7f", "U+007F"),
        ("c1\x85", "U+0085"),
        ("\x9f", "U+009F"),
        ("\ud800", "U+D800"),
        ("\ufdd0", "U+FDD0"),
        ("\ufffe", "U+FFFE"),
        ("\U0010ffff", "U+10FFFF"),
        ("行一\t行二\r\n行三", None),
        ("贺集村 ³ ٣ 😀 \u00a0", None),
    ],
)
def test_which_characters_are_refused(value, code):
    assert text.control_char(value) == code


def test_every_text_field_of_our_apps_declares_a_maximum():
    missing = [
        f"{model._meta.label}.{field.name}"
        for app in registry.gongzhi_apps()
        for model in app.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and not field.max_length
    ]
    assert missing == []


def test_every_save_refuses_an_over_long_or_invisible_value_naming_the_field(personas):
    """SQLite stores any length and PostgreSQL fails with a 500: the save guard makes both refuse."""
    grid = Area.objects.get(pk=HEJI_GRID1)
    grid.name = "网" * 65
    with pytest.raises(Invalid) as exc:
        grid.save()
    assert exc.value.errors[0][0] == "name" and "不能超过 64 个字（现有 65 个字）" in exc.value.message
    grid.name = "网格\x1f"
    with pytest.raises(Invalid) as exc:
        grid.save()
    assert "控制字符（U+001F）" in exc.value.message
    assert Area.objects.get(pk=HEJI_GRID1).name == "贺集村第1网格"


# --- area codes: ASCII digits only ----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people/",
        "/api/v1/households/",
        "/api/v1/organizations/",
        "/api/v1/cases/",
        "/api/v1/points/accounts",
        "/api/v1/mediation/workrooms",
        "/api/v1/stats/cases",
    ],
)
def test_a_unicode_digit_area_is_refused_or_empty_in_the_api(client, personas, path):
    for who in ("heji", "county"):
        response = Api(client, who).get(path, {"area": "³"})
        assert response.status_code < 500, (who, response.content)
        if response.status_code >= 400:
            assert response.json()["error"]["message"]
        else:
            body = response.json()
            assert body == [] or body.get("count", 0) == 0 or "items" not in body, body


@pytest.mark.parametrize(
    "path",
    ["/people/", "/people/households/", "/people/export/people.xlsx", "/cases/", "/cases/mediation/workrooms/",
     "/points/accounts/", "/areas/"],
)  # fmt: skip
def test_a_unicode_digit_area_is_refused_or_empty_on_pages(personas, path):
    for who in ("heji", "county"):
        response = personas.client(who).get(path, {"area": "³٣"})
        assert response.status_code < 500, (who, path)


# --- control characters at the edge ---------------------------------------------------------


def test_control_characters_in_an_api_body_or_query_are_refused_naming_the_field(client, personas):
    heji = Api(client, "heji")
    response = heji.post("/cases/", {**REPORT, "address": "一组\x1f路口"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["fields"][0]["field"] == "address" and "控制字符（U+001F）" in error["message"]
    nested = heji.post("/cases/", {**REPORT, "kind": "dispute", "parties": [{"name": "张\x85三"}]})
    assert nested.status_code == 422 and nested.json()["error"]["fields"][0]["field"] == "parties[0].name"
    surrogate = client.post(
        "/api/v1/cases/",
        '{"description": "a\\ud800b"}',
        content_type="application/json",
        headers=heji.headers,
    )
    assert surrogate.status_code == 422 and "U+D800" in surrogate.json()["error"]["message"]
    query = heji.get("/people/", {"q": "李\x7f"})
    assert query.status_code == 422 and query.json()["error"]["fields"][0]["field"] == "q"
    assert Case.objects.count() == 0


def test_control_characters_in_a_form_post_are_refused_naming_the_field(personas):
    client = personas.client("heji")
    form = {**REPORT, "channel": "hotline", "urgency": "normal", "concern": "low", "contact_name": "王\x01"}
    response = client.post("/cases/new/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "contact_name" in page and "控制字符（U+0001）" in page
    assert "事件办理" in page  # the signed-in user's own menu
    assert Case.objects.count() == 0
    form["contact_name"] = "王\t先生"  # tab, newline and CR are ordinary text
    assert client.post("/cases/new/", form).status_code == 302


def test_a_body_over_the_upload_limit_gets_the_json_error_shape(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048  # the 25 MB limit, scaled down
    response = client.post(
        "/api/v1/auth/token", '{"username": "' + "x" * 3000 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "too_large",
        "message": "请求体过大（上限 2 KB），请拆分后重试。",
        "fields": [],
    }


# --- lengths: refused with the field and the limit, never cut -------------------------------


def test_case_intake_refuses_over_long_text_instead_of_cutting_it(client, personas):
    heji = Api(client, "heji")
    for field, label, size in (("title", "标题", 100), ("address", "地点", 200), ("contact_name", "联系人", 64),
                               ("description", "内容", 5000)):  # fmt: skip
        response = heji.post("/cases/", {**REPORT, field: "长" * (size + 1)})
        assert response.status_code == 422, response.content
        error = response.json()["error"]
        assert error["fields"] == [{"field": field, "message": f"{field}：不能超过 {size} 个字"}]
        # Past the schema, the service refuses the same way (a caller that is not the API).
        with pytest.raises(Invalid) as exc:
            clean_intake({**REPORT, field: "长" * (size + 1)}, actor=personas.heji)
        assert exc.value.errors == [(field, f"{label}不能超过 {size} 个字（现有 {size + 1} 个字）。")]
    page = personas.client("heji").post(
        "/cases/new/",
        {**REPORT, "channel": "hotline", "urgency": "normal", "concern": "low", "title": "长" * 101},
    )
    assert page.status_code in (200, 400) and "100" in page.content.decode()
    assert Case.objects.count() == 0


def test_grid_name_over_its_limit_is_refused_by_api_and_page(client, personas):
    token = api_token(client, "heji")
    response = client.put(
        f"/api/v1/areas/{HEJI_GRID1}",
        {"name": "网" * 65},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (400, 422), response.content
    assert "64" in response.json()["error"]["message"] and "name" in str(response.json()["error"]["fields"])
    page = personas.client("heji").post(f"/areas/{HEJI_GRID1}/edit/", {"name": "网" * 65})
    assert page.status_code in (200, 400) and "64" in page.content.decode()
    assert Area.objects.get(pk=HEJI_GRID1).name == "贺集村第1网格"


def test_declaration_text_over_its_limit_is_refused_by_api_and_page(client, personas):
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    good = item(min_points=3, max_points=8)
    client.force_login(user)
    body = {
        "account_id": account.pk,
        "item_id": good.pk,
        "text": "好" * 2001,
        "occurred_on": str(timezone.localdate()),
    }
    response = client.post("/api/v1/points/declarations", body, content_type="application/json")
    assert response.status_code in (400, 422), response.content
    assert "2000" in response.json()["error"]["message"]
    page = client.post("/points/my/declare/", {"account": "person", "item": good.pk, "text": "好" * 2001,
                                               "occurred_on": str(timezone.localdate())})  # fmt: skip
    assert page.status_code in (200, 400) and "2000" in page.content.decode()
    assert PointDeclaration.objects.count() == 0


def test_person_name_over_its_limit_is_refused_by_api_and_page(client, personas):
    number = id_number(born=date(1990, 2, 3), male=False)
    data = {"name": "钱" * 65, "id_number": number, "area_code": HEJI_GRID1, "address": "x"}
    response = Api(client, "heji").post("/people/", data)
    assert response.status_code in (400, 422)
    error = response.json()["error"]
    assert "name" in [f["field"] for f in error["fields"]] and "64" in error["message"]
    page = personas.client("heji").post("/people/new/", {**data, "id_type": "resident_id", "kind": "registered",
                                                         "ethnicity": "汉族", "political_status": "群众"})  # fmt: skip
    assert page.status_code == 400 and "姓名不能超过 64 个字" in page.content.decode()
