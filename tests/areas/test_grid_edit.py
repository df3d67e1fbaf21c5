"""Editing a grid's name, centre and boundary: 综治中心 staff of the area only, bad input refused."""

import pytest

from gongzhi.areas.models import Area
from gongzhi.audit.models import AuditEvent

from ..conftest import HEJI, HEJI_GRID1, api_token

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[112.59, 30.70], [112.60, 30.70], [112.60, 30.71], [112.59, 30.71], [112.59, 30.70]]],
}


def put(client, who, payload, code=HEJI_GRID1):
    token = api_token(client, who)
    return client.put(
        f"/api/v1/areas/{code}",
        payload,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_village_staff_sets_centre_and_boundary(client, personas):
    response = put(client, "heji", {"name": "贺集一组网格", "center": [30.705, 112.595], "boundary": SQUARE})
    assert response.status_code == 200, response.content
    assert response.json()["center"] == [30.705, 112.595]
    grid = Area.objects.get(pk=HEJI_GRID1)
    assert grid.name == "贺集一组网格" and grid.boundary == SQUARE
    assert AuditEvent.objects.filter(action="areas.update_grid", object_id=HEJI_GRID1).exists()
    page = personas.client("heji").get(f"/areas/{HEJI_GRID1}/").content.decode()
    assert 'id="area-map"' in page and "area-map-data" in page


def test_town_staff_may_edit_too(client, personas):
    assert put(client, "gaoyang", {"name": "一网格"}).status_code == 200


def test_grid_worker_sees_but_may_not_edit(client, personas):
    response = put(client, "wgy", {"name": "我的网格"})
    assert response.status_code == 403
    assert "综治中心" in response.json()["error"]["message"]
    assert Area.objects.get(pk=HEJI_GRID1).name == "贺集村第1网格"


def test_outsider_gets_404(client, personas):
    assert put(client, "guodian", {"name": "x"}).status_code == 404


@pytest.mark.parametrize(
    "payload, field, message",
    [
        ({"name": "  "}, "name", "不能为空"),
        ({"name": "a", "center": [30.7]}, "center", "纬度, 经度"),
        ({"name": "a", "center": [130.7, 112.5]}, "center", "超出范围"),
        ({"name": "a", "boundary": {"type": "Point", "coordinates": [1, 2]}}, "boundary", "Polygon"),
        (
            {"name": "a", "boundary": {"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]}},
            "boundary",
            "至少 4 个",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(client, personas, payload, field, message):
    response = put(client, "heji", payload)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"][0]["field"] == field and message in error["message"]
    assert Area.objects.get(pk=HEJI_GRID1).name == "贺集村第1网格"


def test_villages_are_not_edited_here(client, personas):
    response = put(client, "heji", {"name": "x"}, code=HEJI)
    assert response.status_code == 400 and "只有网格" in response.json()["error"]["message"]


def test_page_form_saves_and_reports_errors(personas):
    client = personas.client("heji")
    page = client.get(f"/areas/{HEJI_GRID1}/").content.decode()
    assert "编辑网格信息" in page
    response = client.post(f"/areas/{HEJI_GRID1}/edit/", {"name": "新名", "boundary": "{not json"})
    assert response.status_code == 400 and "不是合法的 JSON" in response.content.decode()
    response = client.post(f"/areas/{HEJI_GRID1}/edit/", {"name": "新名", "center_lat": "30.7"})
    assert response.status_code == 400 and "同时给出纬度和经度" in response.content.decode()
    assert Area.objects.get(pk=HEJI_GRID1).name == "贺集村第1网格"
    response = client.post(
        f"/areas/{HEJI_GRID1}/edit/", {"name": "新名", "center_lat": "30.7", "center_lng": "112.6"}
    )
    assert response.status_code == 302
    assert Area.objects.get(pk=HEJI_GRID1).center_lng == 112.6


def test_grid_worker_gets_no_edit_form(personas):
    page = personas.client("wgy").get(f"/areas/{HEJI_GRID1}/").content.decode()
    assert "编辑网格信息" not in page
    assert personas.client("wgy").post(f"/areas/{HEJI_GRID1}/edit/", {"name": "x"}).status_code == 403
    assert Area.objects.get(pk=HEJI_GRID1).name == "贺集村第1网格"
