"""Who sees which part of the area tree, by page and by API. Out of scope is a 404."""

import pytest

from gongzhi.areas.models import Area

from ..conftest import COUNTY, GAOYANG, GUODIAN, HEJI, HEJI_GRID1, JISHAN, api_token

pytestmark = pytest.mark.django_db

# (persona, area code, visible?)
CASES = [
    ("wgy", HEJI_GRID1, True),
    ("wgy", HEJI, False),  # a grid worker sees their grid, not the whole village
    ("wgy", GUODIAN, False),
    ("heji", HEJI, True),
    ("heji", HEJI_GRID1, True),
    ("heji", GAOYANG, False),
    ("heji", GUODIAN, False),
    ("gaoyang", HEJI, True),
    ("gaoyang", GAOYANG, True),
    ("gaoyang", GUODIAN, False),
    ("gaoyang", JISHAN, False),
    ("gaoyang", COUNTY, False),
    ("county", GUODIAN, True),
    ("county", HEJI_GRID1, True),
    ("guodian", HEJI, False),
    ("guodian", GUODIAN, True),
    ("resident", HEJI_GRID1, True),
    ("resident", HEJI + "002", False),
]


@pytest.mark.parametrize("who, code, visible", CASES)
def test_area_page_scope(personas, who, code, visible):
    response = personas.client(who).get(f"/areas/{code}/")
    assert response.status_code == (200 if visible else 404)
    if not visible:
        assert "不在您的管辖范围内" in response.content.decode()


@pytest.mark.parametrize("who, code, visible", CASES)
def test_area_api_scope(client, personas, who, code, visible):
    token = api_token(client, who)
    for path in (f"/api/v1/areas/{code}", f"/api/v1/areas/{code}/children"):
        response = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == (200 if visible else 404), path
        if not visible:
            assert response.json()["error"]["code"] == "not_found"


def test_area_api_detail_and_children(client, personas):
    token = api_token(client, "gaoyang")
    auth = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/areas/{GAOYANG}", headers=auth).json()
    assert body["name"] == "高阳镇" and body["level"] == "town"
    assert [p["name"] for p in body["path"]] == ["湖北省", "荆门市", "沙洋县"]
    children = client.get(f"/api/v1/areas/{GAOYANG}/children", headers=auth).json()
    assert len(children) == Area.objects.filter(parent_id=GAOYANG).count() == body["child_count"]
    heji = next(c for c in children if c["code"] == HEJI)
    assert heji["name"] == "贺集村" and heji["child_count"] == 2
    roots = client.get("/api/v1/areas/", headers=auth).json()
    assert [r["code"] for r in roots] == [GAOYANG]


def test_grid_detail_names_its_grid_workers(client, personas):
    token = api_token(client, "heji")
    body = client.get(f"/api/v1/areas/{HEJI_GRID1}", headers={"Authorization": f"Bearer {token}"}).json()
    assert body["level"] == "grid" and body["grid_workers"] == ["王建国"]
    page = personas.client("heji").get(f"/areas/{HEJI_GRID1}/").content.decode()
    assert "王建国" in page


def test_area_page_shows_child_counts(personas):
    page = personas.client("county").get(f"/areas/{COUNTY}/").content.decode()
    assert "高阳镇" in page and "纪山镇" in page
    assert "下辖村(社区)" in page and ">286<" in page


def test_area_search_stays_in_scope(personas):
    page = personas.client("gaoyang").get("/areas/", {"q": "郭店"}).content.decode()
    assert "没有找到" in page
    page = personas.client("gaoyang").get("/areas/", {"q": "贺集"}).content.decode()
    assert f"/areas/{HEJI}/" in page


def test_anonymous_gets_login_or_401(client):
    assert client.get(f"/areas/{HEJI}/").status_code == 302
    response = client.get(f"/api/v1/areas/{HEJI}")
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith("未登录")


def test_children_filter_serves_the_htmx_fragment(personas):
    client = personas.client("gaoyang")
    response = client.get(f"/areas/{GAOYANG}/", {"q": "贺集"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "贺集村" in body and "辛巷村" not in body
    body = client.get(f"/areas/{GAOYANG}/", {"q": "纽约"}, headers={"HX-Request": "true"}).content.decode()
    assert "没有名称或代码匹配「纽约」" in body


def test_area_page_lists_departments_with_their_staff(personas):
    from gongzhi.accounts.models import Department

    from ..conftest import make_user

    make_user(
        "sfs",
        "dept_staff",
        GAOYANG,
        full_name="孙志强",
        department=Department.objects.get(name="高阳镇司法所"),
    )
    page = personas.client("gaoyang").get(f"/areas/{GAOYANG}/").content.decode()
    assert "高阳镇司法所" in page and "孙志强" in page
    # A 郭店村 officer sees neither 高阳镇 nor its departments.
    assert personas.client("guodian").get(f"/areas/{GAOYANG}/").status_code == 404
