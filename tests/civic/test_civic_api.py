"""API /api/v1/points/civic and the pages under /points/civic/: 法治家庭 and 红黑榜 end to end,
the one error shape for bad input, and a 404 for everyone outside 贺集村 on every endpoint and page.

Who may do what: see test_lawfamily.py and test_moral.py; here guodian (郭店村) is the outsider,
wgy the grid worker who reads but does not rate, and resident the villager of 贺集村.
"""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from gongzhi.areas.models import Area
from gongzhi.audit.models import AuditEvent
from gongzhi.civic import services as civic
from gongzhi.civic.models import LawDeductionItem, LawFamilyRating, MoralNomination, MoralReview
from gongzhi.civic.moral import quarter_of
from tests.cases.test_loop import Api
from tests.conftest import COUNTY, HEJI, HEJI_GRID1
from tests.points.factories import resident_with_account

from .test_lawfamily import family

pytestmark = pytest.mark.django_db
BASE = "/points/civic"


@pytest.fixture
def setup(personas):
    civic.law_items_load(county_code=COUNTY)
    household, members = family(personas.heji)
    return household, members


def item_id(name: str) -> int:
    return LawDeductionItem.objects.get(area_id=COUNTY, name=name).pk


def test_law_family_through_the_api(client, personas, setup):
    household, (head, _) = setup
    heji, resident = Api(client, "heji"), Api(client, "resident")
    listed = heji.get(f"{BASE}/law-items", {"area": HEJI})
    assert listed.status_code == 200 and len(listed.json()) == 27
    created = heji.post(f"{BASE}/law-families", {"household_id": household.pk,
                        "deductions": [{"item_id": item_id("夫妻经常吵闹"), "note": "多次争吵"}]})  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["score"], body["status"], body["household_name"]) == (94, "certified", "张大山户")
    assert body["deductions"][0]["name"] == "夫妻经常吵闹" and body["deductions"][0]["note"] == "多次争吵"
    assert heji.get(f"{BASE}/law-families", {"status": "certified"}).json()["count"] == 1
    assert heji.get(f"{BASE}/law-families", {"due": True}).json()["count"] == 0
    public = resident.get(f"{BASE}/law-families/public").json()
    assert public == [{"name": "张大山户", "village": "贺集村", "grid": "贺集村第1网格",
                       "rated_on": body["rated_on"], "valid_until": body["valid_until"]}]  # fmt: skip
    offence = heji.post(f"{BASE}/offences", {"person_id": head.pk, "occurred_on": timezone.localdate().isoformat(),
                                             "kind": "违法", "description": "殴打他人被行政拘留", "authority": "派出所"})  # fmt: skip
    assert offence.status_code == 201, offence.content
    detail = heji.get(f"{BASE}/law-families/{body['id']}").json()
    assert detail["status"] == "revoked" and "一票否决" in detail["revoke_reason"]
    assert resident.get(f"{BASE}/law-families/public").json() == []
    rows = heji.get(f"{BASE}/offences", {"area": HEJI}).json()
    assert [r["description"] for r in rows] == ["殴打他人被行政拘留"]
    assert AuditEvent.objects.filter(action="points.offence_list", actor_username="heji").exists()
    # Re-rated: the member's offence vetoes; a manual revocation needs a standing certification.
    again = heji.post(f"{BASE}/law-families", {"household_id": household.pk}).json()
    assert again["status"] == "vetoed" and "张大山" in again["veto_reason"]
    refused = heji.post(f"{BASE}/law-families/{again['id']}/revoke", {"reason": "经群众评议不符合"})
    assert refused.status_code == 409


def test_county_edits_items_through_the_api(client, personas, setup):
    county, heji = Api(client, "county"), Api(client, "heji")
    made = county.post(f"{BASE}/law-items", {"county_code": COUNTY, "aspect": "customs", "name": "婚事新办不报备",
                                             "points": 3})  # fmt: skip
    assert made.status_code == 201, made.content
    changed = client.put(f"/api/v1{BASE}/law-items/{made.json()['id']}", {"aspect": "customs", "name": "婚事不报备",
                         "points": 4, "active": False}, content_type="application/json", headers=county.headers)  # fmt: skip
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert (
        heji.post(
            f"{BASE}/law-items", {"county_code": COUNTY, "aspect": "customs", "name": "某项", "points": 3}
        ).status_code
        == 403
    )
    put = client.put(f"/api/v1{BASE}/law-items/{made.json()['id']}", {"aspect": "customs", "name": "x1", "points": 1},
                     content_type="application/json", headers=heji.headers)  # fmt: skip
    assert put.status_code == 404


def test_bad_input_gets_a_clear_message(client, personas, setup):
    household, _ = setup
    heji = Api(client, "heji")
    r = heji.post(f"{BASE}/law-families", {"household_id": household.pk, "deductions": [{"item_id": 999999}]})
    assert r.status_code == 400
    assert r.json()["error"]["fields"] == [
        {"field": "deductions", "message": "第 1 条扣分：扣分项 999999 不存在或不适用于本县。"}
    ]
    r = heji.post(f"{BASE}/reviews", {"area_code": HEJI, "quarter": "2026Q5"})
    assert r.status_code == 400 and r.json()["error"]["fields"][0]["field"] == "quarter"
    assert "YYYYQn" in r.json()["error"]["message"]
    r = heji.get(f"{BASE}/law-families", {"status": "gold"})
    assert r.status_code == 400 and r.json()["error"]["fields"][0]["field"] == "status"
    r = heji.post(f"{BASE}/offences", {"person_id": setup[1][0].pk, "occurred_on": "2026-01-01", "kind": "小事",
                                       "description": "无"})  # fmt: skip
    assert r.status_code == 400 and [f["field"] for f in r.json()["error"]["fields"]] == [
        "kind",
        "description",
    ]
    assert LawFamilyRating.objects.count() == 0 and MoralReview.objects.count() == 0


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_red_and_black_list_through_the_api(client, personas):
    (lxy, good), (wxe, bad) = (resident_with_account(personas.heji, HEJI_GRID1, username=u, name=n)
                               for u, n in (("lxy", "李秀英"), ("wxe", "王小二")))  # fmt: skip
    heji, wgy, resident = Api(client, "heji"), Api(client, "wgy"), Api(client, "resident")
    opened = heji.post(f"{BASE}/reviews", {"area_code": HEJI, "quarter": quarter_of(timezone.localdate())})
    assert opened.status_code == 201, opened.content
    rid = opened.json()["id"]
    black = {
        "board": "black",
        "account_id": bad.pk,
        "reason": "乱倒建筑垃圾屡劝不改",
        "evidence": "巡查记录 3 次",
    }
    assert resident.post(f"{BASE}/reviews/{rid}/nominations", black).status_code == 403
    red = resident.post(
        f"{BASE}/reviews/{rid}/nominations", {"board": "red", "account_id": good.pk, "reason": "照顾孤寡老人"}
    )
    assert red.status_code == 201, red.content
    nb = wgy.post(f"{BASE}/reviews/{rid}/nominations", black)
    assert nb.status_code == 201, nb.content
    upload = client.post(f"/api/v1{BASE}/nominations/{nb.json()['id']}/photos",
                         {"photos": [io.BytesIO(png())]}, headers=wgy.headers)  # fmt: skip
    assert upload.status_code == 200, upload.content
    assert len(upload.json()["photos"]) == 1
    assert resident.get(f"{BASE}/reviews/{rid}/public").status_code == 404  # nothing published yet
    assert heji.post(f"{BASE}/nominations/{nb.json()['id']}/decide", {"accept": True}).status_code == 409
    assert heji.post(f"{BASE}/reviews/{rid}/start").json()["stage"] == "reviewing"
    assert wgy.post(f"{BASE}/reviews/{rid}/nominations", {**black, "board": "red"}).status_code == 409
    for n in (red.json()["id"], nb.json()["id"]):
        assert (
            heji.post(f"{BASE}/nominations/{n}/decide", {"accept": True, "note": "属实"}).json()["status"]
            == "accepted"
        )
    published = heji.post(f"{BASE}/reviews/{rid}/publish", {})
    assert published.status_code == 200 and published.json()["stage"] == "published"
    lists = resident.get(f"{BASE}/reviews/{rid}/public").json()
    assert lists["red"] == [{"name": "李秀英", "reason": "照顾孤寡老人"}]
    assert lists["black"] == [{"name": "王*", "reason": "乱倒建筑垃圾屡劝不改"}]
    assert [r["id"] for r in resident.get(f"{BASE}/reviews").json()] == [rid]
    assert (
        heji.post(f"{BASE}/nominations/{red.json()['id']}/clear", {"reason": "红榜不能销号的"}).status_code
        == 400
    )
    cleared = heji.post(f"{BASE}/nominations/{nb.json()['id']}/clear", {"reason": "已清理并签订承诺书"})
    assert cleared.status_code == 200 and cleared.json()["status"] == "cleared"
    assert resident.get(f"{BASE}/reviews/{rid}/public").json()["black"] == []
    detail = heji.get(f"{BASE}/reviews/{rid}").json()
    assert {n["status"] for n in detail["nominations"]} == {"accepted", "cleared"}  # recorded, not erased
    assert heji.post(f"{BASE}/reviews/{rid}/close").json()["stage"] == "closed"
    assert resident.get(f"{BASE}/reviews/{rid}/public").status_code == 404


def test_outsiders_get_404_on_every_endpoint(client, personas, setup):
    household, (head, _) = setup
    rating = civic.household_rate(actor=personas.heji, household=household)
    civic.offence_record(actor=personas.heji, person=head, occurred_on=timezone.localdate() - timedelta(days=900),
                         kind="违法", description="多年前的处罚")  # fmt: skip
    account = resident_with_account(personas.heji, HEJI_GRID1)[1]
    review = civic.review_open(actor=personas.heji, area=Area.objects.get(code=HEJI),
                               quarter=quarter_of(timezone.localdate()))  # fmt: skip
    n = civic.nominate(
        actor=personas.heji, review=review, board="red", account=account, reason="热心帮助邻居"
    )
    guodian = Api(client, "guodian")
    for path, body in [
        (f"{BASE}/law-families", {"household_id": household.pk}),
        (f"{BASE}/law-families/{rating.pk}/revoke", {"reason": "经群众评议不符合"}),
        (
            f"{BASE}/offences",
            {"person_id": head.pk, "occurred_on": "2026-01-01", "kind": "违法", "description": "某事某事"},
        ),
        (f"{BASE}/reviews", {"area_code": HEJI, "quarter": "2026Q1"}),
        (f"{BASE}/reviews/{review.pk}/start", {}),
        (
            f"{BASE}/reviews/{review.pk}/nominations",
            {"board": "red", "account_id": account.pk, "reason": "热心帮助邻居"},
        ),
        (f"{BASE}/nominations/{n.pk}/decide", {"accept": True}),
        (f"{BASE}/reviews/{review.pk}/publish", {}),
        (f"{BASE}/reviews/{review.pk}/close", {}),
        (f"{BASE}/nominations/{n.pk}/clear", {"reason": "已整改到位了"}),
    ]:
        assert guodian.post(path, body).status_code == 404, path
    for path, params in [
        (f"{BASE}/law-families/{rating.pk}", {}),
        (f"{BASE}/law-families/public", {"village": HEJI}),
        (f"{BASE}/reviews/{review.pk}", {}),
        (f"{BASE}/reviews/{review.pk}/public", {}),
        (f"{BASE}/law-items", {"area": HEJI}),
    ]:
        assert guodian.get(path, params).status_code == 404, path
    assert guodian.get(f"{BASE}/law-families").json()["count"] == 0
    assert guodian.get(f"{BASE}/offences").json() == []
    assert guodian.get(f"{BASE}/reviews").json() == []
    # The grid worker reads the registry but does not rate or see offences.
    wgy = Api(client, "wgy")
    assert wgy.post(f"{BASE}/law-families", {"household_id": household.pk}).status_code == 403
    assert wgy.get(f"{BASE}/offences").json() == []
    assert MoralNomination.objects.count() == 1


# -- pages --------------------------------------------------------------------------------------


def test_staff_pages_rate_revoke_and_record(personas, setup):
    household, (head, _) = setup
    heji = personas.client("heji")
    assert heji.get(f"{BASE}/").url == f"{BASE}/law/"
    page = heji.get(f"{BASE}/law/", {"q": "张大山"})
    assert page.status_code == 200 and "张大山户" in page.content.decode()
    form = heji.get(f"{BASE}/law/rate/{household.pk}/")
    assert (
        form.status_code == 200
        and "夫妻经常吵闹" in form.content.decode()
        and "家庭和睦" in form.content.decode()
    )
    ids = [item_id("夫妻经常吵闹"), item_id("不赡养、不孝敬老人")]
    total = heji.get(f"{BASE}/law/rate/{household.pk}/total/", {"item": ids})
    assert "扣 16 分" in total.content.decode() and "得分 <strong>84</strong>" in total.content.decode()
    bad = heji.post(f"{BASE}/law/rate/{household.pk}/", {"item": ids, "rated_on": "2099-01-01"})
    assert bad.status_code == 400 and "评定日期不能晚于今天" in bad.content.decode()
    done = heji.post(f"{BASE}/law/rate/{household.pk}/", {"item": ids, f"note_{ids[0]}": "常吵架"})
    rating = LawFamilyRating.objects.get()
    assert done.status_code == 302 and done.url == f"{BASE}/law/{rating.pk}/"
    assert rating.score == 84 and rating.deductions[0]["note"] == "常吵架"
    detail = heji.get(done.url).content.decode()
    assert "撤销资格" in detail and "常吵架" in detail
    assert heji.get(f"{BASE}/law/", {"status": "certified"}).content.decode().count("张大山户") >= 1
    heji.post(f"{BASE}/law/{rating.pk}/revoke/", {"reason": "经群众评议不符合法治家庭标准"})
    rating.refresh_from_db()
    assert rating.status == "revoked"
    assert heji.get(f"{BASE}/law/items/").status_code == 200
    offences = heji.get(f"{BASE}/offences/", {"q": "李桂兰"})
    assert offences.status_code == 200 and "李桂兰" in offences.content.decode()
    wrong = heji.post(
        f"{BASE}/offences/new/{head.pk}/", {"occurred_on": "", "kind": "违法", "description": "短"}
    )
    assert wrong.status_code == 400 and "请填写处理日期" in wrong.content.decode()
    ok = heji.post(f"{BASE}/offences/new/{head.pk}/", {"occurred_on": timezone.localdate().isoformat(), "kind": "违法",
                                                      "description": "殴打他人被行政拘留", "authority": "派出所"})  # fmt: skip
    assert ok.status_code == 302
    county = personas.client("county")
    added = county.post(f"{BASE}/law/items/", {"aspect": "study", "name": "不参加法治讲座", "points": "2"})
    assert added.status_code == 302 and LawDeductionItem.objects.filter(name="不参加法治讲座").exists()
    assert (
        heji.post(f"{BASE}/law/items/", {"aspect": "study", "name": "某项", "points": "2"}).status_code == 403
    )


def test_review_pages_and_the_residents_view(personas, setup):
    household, _ = setup
    civic.household_rate(actor=personas.heji, household=household)
    good = resident_with_account(personas.heji, HEJI_GRID1, username="lxy", name="李秀英")[1]
    heji = personas.client("heji")
    opened = heji.post(f"{BASE}/reviews/", {"area": HEJI, "quarter": quarter_of(timezone.localdate())})
    review = MoralReview.objects.get()
    assert opened.status_code == 302 and opened.url == f"{BASE}/reviews/{review.pk}/"
    page = heji.get(opened.url).content.decode()
    assert "李秀英" in page  # among the nominees to choose from
    options = heji.get(f"{BASE}/reviews/{review.pk}/accounts/", {"q": "李秀"}).content.decode()
    assert f'value="{good.pk}"' in options
    heji.post(
        f"{BASE}/reviews/{review.pk}/nominate/",
        {"board": "red", "account": good.pk, "reason": "照顾孤寡老人"},
    )
    n = MoralNomination.objects.get()
    heji.post(f"{BASE}/reviews/{review.pk}/start/")
    heji.post(f"{BASE}/nominations/{n.pk}/accept/", {"note": ""})
    heji.post(f"{BASE}/reviews/{review.pk}/publish/", {})
    review.refresh_from_db()
    assert review.stage == "published"
    assert personas.client("wgy").get(f"{BASE}/reviews/{review.pk}/").status_code == 200
    mine = personas.client("resident").get(f"{BASE}/my/")
    text = mine.content.decode()
    assert mine.status_code == 200 and "张大山户" in text and "李秀英" in text and "照顾孤寡老人" in text
    assert "4208" not in text.replace(HEJI, "")  # no identifiers on the public page
    # Staff pages are not for residents; 郭店村 sees nothing of 贺集村.
    resident, guodian = personas.client("resident"), personas.client("guodian")
    for path in (f"{BASE}/law/", f"{BASE}/offences/", f"{BASE}/reviews/", f"{BASE}/reviews/{review.pk}/"):
        assert resident.get(path).status_code == 404, path
    rating = LawFamilyRating.objects.get()
    for path in (f"{BASE}/law/{rating.pk}/", f"{BASE}/law/rate/{household.pk}/", f"{BASE}/reviews/{review.pk}/",
                 f"{BASE}/offences/new/{household.members.first().pk}/", f"{BASE}/reviews/{review.pk}/accounts/"):  # fmt: skip
        assert guodian.get(path).status_code == 404, path
    for path in (
        f"{BASE}/law/{rating.pk}/revoke/",
        f"{BASE}/nominations/{n.pk}/clear/",
        f"{BASE}/reviews/{review.pk}/close/",
    ):
        assert guodian.post(path, {"reason": "经群众评议不符合"}).status_code == 404, path
    assert "张大山户" not in guodian.get(f"{BASE}/my/").content.decode()
