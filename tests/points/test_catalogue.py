"""The catalogue: the county sets items and the bounds within which a village may adjust them;
a village adds local items. Pages and API refuse out-of-bounds and out-of-level edits clearly.

Who may do what:
- county   staff of 沙洋县: county items, bounds, award mappings.
- heji     staff of 贺集村: 贺集村's own items and its adjustments of county items.
- wgy      grid worker of 贺集村: reads the effective catalogue, changes nothing.
- guodian  staff of 郭店村: neither sees nor changes 贺集村's local items (404).
"""

import pytest

from gongzhi.areas.models import Area
from gongzhi.kernel.errors import DomainError, Forbidden, Invalid
from gongzhi.points import catalogue
from gongzhi.points.choices import AwardEvent
from gongzhi.points.models import AwardMapping, PointItem, PointItemAdjustment
from tests.cases.test_loop import Api as LoopApi
from tests.conftest import COUNTY, GUODIAN, HEJI, HEJI_GRID1

from .factories import category, item, resident_with_account

pytestmark = pytest.mark.django_db


class Api(LoopApi):
    def put(self, path, data):
        return self.client.put(f"/api/v1{path}", data, content_type="application/json", headers=self.headers)


def area(code: str) -> Area:
    return Area.objects.get(pk=code)


def item_data(**change) -> dict:
    data = {"category_id": category().pk, "code": "B01", "name": "参加环境整治", "points": 4,
            "subjects": ["resident", "party_member"], "min_points": 2, "max_points": 6}  # fmt: skip
    return {**data, **change}


def test_county_sets_an_item_with_bounds(personas):
    it = catalogue.item_save(actor=personas.county, area=area(COUNTY), data=item_data())
    assert (it.points, it.min_points, it.max_points, it.declarable) == (4, 2, 6, True)
    with pytest.raises(Invalid) as err:
        catalogue.item_save(
            actor=personas.county, area=area(COUNTY), data=item_data(code="B02", min_points=5)
        )
    assert err.value.errors == [("min_points", "县级分值须在村级可调范围之内。")]
    with pytest.raises(Invalid, match="加分项变成扣分项"):
        catalogue.item_save(
            actor=personas.county, area=area(COUNTY), data=item_data(code="B02", min_points=-1)
        )
    with pytest.raises(Invalid) as err:
        catalogue.item_save(actor=personas.county, area=area(COUNTY),
                            data=item_data(code="B02", star="bogus", award_roles=["auditor"], cap_times=5000))  # fmt: skip
    assert {f for f, _ in err.value.errors} == {"star", "award_roles", "cap_times", "cap_period"}
    # A 扣分项 is never declarable, whatever the form says.
    fine = catalogue.item_save(actor=personas.county, area=area(COUNTY),
                               data=item_data(code="K01", name="乱倒垃圾", points=-2, min_points=-4, max_points=-1,
                                              declarable=True))  # fmt: skip
    assert fine.declarable is False


def test_village_adjusts_within_bounds_only(personas):
    it = item(min_points=3, max_points=8)
    with pytest.raises(DomainError, match="村级分值须在 3 到 8 之间，填写的是 12") as err:
        catalogue.item_adjust(actor=personas.heji, item=it, village=area(HEJI), points=12, reason="鼓励")
    assert err.value.field == "points"
    with pytest.raises(DomainError, match="须在 3 到 8 之间，填写的是 1"):
        catalogue.item_adjust(actor=personas.heji, item=it, village=area(HEJI), points=1, reason="鼓励")
    with pytest.raises(DomainError, match="调整理由"):
        catalogue.item_adjust(actor=personas.heji, item=it, village=area(HEJI), points=7, reason="")
    with pytest.raises(Forbidden):  # a grid worker does not set the village's points
        catalogue.item_adjust(actor=personas.wgy, item=it, village=area(HEJI), points=7, reason="鼓励")
    catalogue.item_adjust(actor=personas.heji, item=it, village=area(HEJI), points=7, reason="本村鼓励")
    assert catalogue.effective_points(it, HEJI_GRID1) == 7
    assert catalogue.effective_points(it, GUODIAN) == 5
    fixed = item(code="A02", name="义务献血")
    with pytest.raises(DomainError, match="县里未允许村级调整「义务献血」"):
        catalogue.item_adjust(actor=personas.heji, item=fixed, village=area(HEJI), points=6, reason="鼓励")
    catalogue.item_adjust(actor=personas.heji, item=it, village=area(HEJI), points=None)
    assert catalogue.effective_points(it, HEJI_GRID1) == 5


def test_narrowed_bounds_lapse_adjustments_outside_them(personas):
    it = item(min_points=3, max_points=8)
    catalogue.item_adjust(actor=personas.heji, item=it, village=area(HEJI), points=8, reason="本村鼓励")
    data = item_data(
        code=it.code, name=it.name, points=5, min_points=4, max_points=6, category_id=it.category_id
    )
    catalogue.item_save(actor=personas.county, area=area(COUNTY), data=data, item=it)
    assert not PointItemAdjustment.objects.filter(item=it).exists()
    assert catalogue.effective_points(it, HEJI_GRID1) == 5


def test_village_staff_cannot_edit_a_county_item(client, personas):
    it = item(min_points=3, max_points=8)
    with pytest.raises(Forbidden, match="县综治中心"):
        catalogue.item_save(actor=personas.heji, area=area(COUNTY), data=item_data(code=it.code), item=it)
    response = Api(client, "heji").put(f"/points/catalogue/items/{it.pk}", item_data(code=it.code))
    assert response.status_code == 403 and "维护县级积分目录" in response.json()["error"]["message"]
    page = personas.client("heji").post(
        f"/points/catalogue/items/{it.pk}/", {**item_data(), "category_id": str(it.category_id)}
    )
    assert page.status_code == 403
    assert PointItem.objects.get(pk=it.pk).name == "照顾孤寡老人"


def test_village_local_items_stay_in_the_village(client, personas):
    local = catalogue.item_save(actor=personas.heji, area=area(HEJI),
                                data=item_data(code="HJ01", name="参加贺集村龙舟赛"))  # fmt: skip
    assert local.min_points is None and local.max_points is None  # bounds are the county's business
    with pytest.raises(Forbidden):
        catalogue.item_save(actor=personas.guodian, area=area(HEJI), data=item_data(code="HJ02"))
    heji = Api(client, "heji").get("/points/catalogue", {"area_code": HEJI, "limit": 500}).json()
    assert "HJ01" in [i["code"] for i in heji["items"]]
    guodian = Api(client, "guodian")
    theirs = guodian.get("/points/catalogue", {"area_code": GUODIAN, "limit": 500}).json()
    assert "HJ01" not in [i["code"] for i in theirs["items"]]
    assert guodian.get("/points/catalogue", {"area_code": HEJI}).status_code == 404
    assert guodian.put(f"/points/catalogue/items/{local.pk}", item_data(code="HJ01")).status_code == 404
    assert guodian.put(f"/points/catalogue/items/{local.pk}/adjustment",
                       {"area_code": HEJI, "points": 3, "reason": "x"}).status_code == 404  # fmt: skip


def test_adjustment_api_names_the_bounds(client, personas):
    it = item(min_points=3, max_points=8)
    heji = Api(client, "heji")
    refused = heji.put(
        f"/points/catalogue/items/{it.pk}/adjustment", {"area_code": HEJI, "points": 10, "reason": "鼓励"}
    )
    assert refused.status_code == 400
    body = refused.json()["error"]
    assert "3 到 8" in body["message"] and "10" in body["message"] and body["fields"][0]["field"] == "points"
    ok = heji.put(
        f"/points/catalogue/items/{it.pk}/adjustment", {"area_code": HEJI, "points": 6, "reason": "鼓励互助"}
    )
    assert ok.status_code == 200 and ok.json()["effective_points"] == 6 and ok.json()["points"] == 5
    listed = {i["code"]: i for i in heji.get("/points/catalogue", {"area_code": HEJI_GRID1}).json()["items"]}
    assert listed[it.code]["effective_points"] == 6 and listed[it.code]["min_points"] == 3
    # The county edits, creates and maps; a village officer does not map.
    county = Api(client, "county")
    created = county.post("/points/catalogue/items", {**item_data(code="B09"), "area_code": COUNTY})
    assert created.status_code == 201, created.content
    assert heji.put(f"/points/catalogue/mappings/{AwardEvent.CASE_REPORT_USEFUL}",
                    {"item_id": it.pk, "area_code": COUNTY}).status_code == 403  # fmt: skip
    mapped = county.put(f"/points/catalogue/mappings/{AwardEvent.CASE_REPORT_USEFUL}", {"item_id": it.pk})
    assert mapped.status_code == 200, mapped.content
    assert AwardMapping.objects.get(area_id=COUNTY, event=AwardEvent.CASE_REPORT_USEFUL).item_id == it.pk
    assert county.put("/points/catalogue/mappings/bogus", {"item_id": it.pk}).status_code == 422


def test_catalogue_pages(personas):
    it = item(min_points=3, max_points=8)
    fixed = item(code="A02", name="义务献血")
    heji = personas.client("heji")
    page = heji.get("/points/catalogue/").content.decode()
    assert (
        "照顾孤寡老人" in page
        and "3 ~ 8" in page
        and "不可调" in page
        and f"/points/catalogue/items/{it.pk}/adjust/" in page
    )
    refused = heji.post(f"/points/catalogue/items/{it.pk}/adjust/", {"area": HEJI, "points": "9", "reason": "鼓励"},
                        follow=True).content.decode()  # fmt: skip
    assert "村级分值须在 3 到 8 之间，填写的是 9" in refused
    heji.post(f"/points/catalogue/items/{it.pk}/adjust/", {"area": HEJI, "points": "7", "reason": "鼓励"})
    assert catalogue.effective_points(it, HEJI) == 7
    assert (
        heji.post(f"/points/catalogue/items/{fixed.pk}/adjust/", {"area": GUODIAN, "points": "6"}).status_code
        == 404
    )
    created = heji.post(f"/points/catalogue/items/new/?area={HEJI}",
                        {"category_id": str(it.category_id), "code": "HJ01", "name": "参加龙舟赛", "points": "3",
                         "subjects": ["resident"], "declarable": "on", "active": "on"})  # fmt: skip
    assert created.status_code == 302, created.content.decode()[:2000]
    assert PointItem.objects.get(area_id=HEJI, code="HJ01").points == 3
    bad = heji.post(
        f"/points/catalogue/items/new/?area={HEJI}", {"category_id": str(it.category_id), "code": "HJ02"}
    )
    assert bad.status_code == 400 and "请填写项目名称" in bad.content.decode()
    county = personas.client("county")
    page = county.get("/points/catalogue/").content.decode()
    assert "新增县级项目" in page and "联动积分" in page
    assert (
        county.post("/points/catalogue/mappings/", {"event": "mediation_success", "item": it.pk}).status_code
        == 302
    )
    assert AwardMapping.objects.get(event="mediation_success").item_id == it.pk
    # Residents and outsiders: nothing to see.
    user, _ = resident_with_account(personas.heji, HEJI_GRID1)
    from django.test import Client

    c = Client()
    c.force_login(user)
    assert c.get("/points/catalogue/").status_code == 404
    assert personas.client("guodian").get(f"/points/catalogue/?area={HEJI}").status_code == 404
