"""The core points API: my accounts, accounts and ledgers, awards with Idempotency-Key,
declarations with photos, appeals and corrections — and a 郭店村 outsider gets 404 on each.

Personas as in tests/conftest.py; `villager` is a registry resident of 贺集村第1网格 who signs in.
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongzhi.accounts.services import token_issue
from gongzhi.points.models import EvidencePhoto, PointAccount, PointEntry
from tests.cases.test_loop import Api
from tests.conftest import GUODIAN, HEJI, HEJI_GRID1
from tests.people.factories import make_household, make_person

from .factories import item, resident_with_account

pytestmark = pytest.mark.django_db


class UserApi(Api):
    """An API client for a user who is not a persona (a resident signing in by phone)."""

    def __init__(self, client, user):
        self.client, self.headers = (
            client,
            {"Authorization": f"Bearer {token_issue(user=user, name='test')[1]}"},
        )


def jpeg() -> SimpleUploadedFile:
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(raw, format="JPEG")
    return SimpleUploadedFile("p.jpg", raw.getvalue(), content_type="image/jpeg")


@pytest.fixture
def world(personas):
    user, account = resident_with_account(personas.heji, HEJI_GRID1, phone="13912345678")
    return user, account, item(min_points=3, max_points=8)


def test_me_lists_my_accounts_without_identifiers(client, personas, world):
    user, account, _ = world
    me = UserApi(client, user).get("/points/me")
    assert me.status_code == 200
    names = {a["subject"]: a for a in me.json()}
    assert names["resident"]["id"] == account.pk and names["resident"]["balance"] == 0
    text = json.dumps(me.json(), ensure_ascii=False)
    person = account.person
    assert person.id_number_masked not in text and "139" not in text
    assert Api(client, "heji").get("/points/me").json() == []


def test_accounts_are_scoped_and_opened_once(client, personas, world):
    _, account, _ = world
    heji, guodian = Api(client, "heji"), Api(client, "guodian")
    listed = heji.get("/points/accounts", {"q": "李秀英"}).json()
    assert [a["id"] for a in listed["items"]] == [account.pk]
    assert guodian.get("/points/accounts", {"q": "李秀英"}).json()["count"] == 0
    assert guodian.get(f"/points/accounts/{account.pk}").status_code == 404
    assert guodian.get(f"/points/accounts/{account.pk}/entries").status_code == 404
    assert heji.get("/points/accounts", {"subject": "martian"}).status_code == 400
    detail = heji.get(f"/points/accounts/{account.pk}").json()
    assert detail["person_id"] == account.person_id and detail["tallies"][0]["period"] == "all"
    assert "id_number" not in json.dumps(detail)
    # Opening: a household without an account; twice gives the same account; the outsider gets 404.
    household = make_household(personas.heji, HEJI_GRID1, no="0099")
    assert guodian.post("/points/accounts", {"household_id": household.pk}).status_code == 404
    first = heji.post("/points/accounts", {"household_id": household.pk})
    assert first.status_code == 201 and first.json()["subject"] == "household"
    again = heji.post("/points/accounts", {"household_id": household.pk})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    both = heji.post("/points/accounts", {"household_id": household.pk, "person_id": account.person_id})
    assert both.status_code == 400
    person = make_person(personas.heji, HEJI_GRID1, name="赵四")
    assert heji.post("/points/accounts", {"person_id": person.pk}).json()["name"] == "赵四"


def test_award_with_idempotency_key_posts_once(client, personas, world):
    _, account, good = world
    heji = Api(client, "heji")
    body = {"item_id": good.pk, "reason": "照顾孤寡老人"}
    first = heji.post(f"/points/accounts/{account.pk}/awards", body, **{"Idempotency-Key": "award-1"})
    assert first.status_code == 201, first.content
    again = heji.post(f"/points/accounts/{account.pk}/awards", body, **{"Idempotency-Key": "award-1"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert PointAccount.objects.get(pk=account.pk).balance == 5
    unknown = heji.post(f"/points/accounts/{account.pk}/awards", {"item_id": 999999, "reason": "x理由"})
    assert unknown.status_code == 400 and "积分项目 999999 不存在" in unknown.json()["error"]["message"]
    assert unknown.json()["error"]["fields"][0]["field"] == "item_id"
    entries = heji.get(f"/points/accounts/{account.pk}/entries").json()
    assert entries["count"] == 1 and entries["items"][0]["balance_after"] == 5
    assert entries["items"][0]["reversed"] is False and entries["items"][0]["appeal_status"] is None
    assert Api(client, "guodian").post(f"/points/accounts/{account.pk}/awards", body).status_code == 404


def test_declare_upload_review_through_the_api(client, personas, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, account, good = world
    me = UserApi(client, user)
    created = me.post("/points/declarations", {"account_id": account.pk, "item_id": good.pk,
                                               "text": "帮邻居王奶奶收稻谷", "occurred_on": str(timezone.localdate())})  # fmt: skip
    assert created.status_code == 201, created.content
    d = created.json()
    assert d["status"] == "pending" and d["actions"] == ["withdraw"] and d["points"] == 5
    upload = client.post(f"/api/v1/points/declarations/{d['id']}/photos", {"photos": [jpeg(), jpeg()]},
                         headers=me.headers)  # fmt: skip
    assert upload.status_code == 200, upload.content
    photos = upload.json()["photos"]
    assert len(photos) == 2 and photos[0].startswith("/points/photos/")
    not_image = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    bad = client.post(
        f"/api/v1/points/declarations/{d['id']}/photos", {"photos": [not_image]}, headers=me.headers
    )
    assert bad.status_code == 400 and "不是有效的图片" in bad.json()["error"]["message"]
    outsider = client.post(f"/api/v1/points/declarations/{d['id']}/photos", {"photos": [jpeg()]},
                           headers=Api(client, "guodian").headers)  # fmt: skip
    assert outsider.status_code == 404
    heji = Api(client, "heji")
    queue = heji.get("/points/declarations", {"status": "pending", "area_code": HEJI}).json()
    assert queue["items"][0]["id"] == d["id"] and queue["items"][0]["actions"] == ["approve", "reject"]
    no_reason = heji.post(f"/points/declarations/{d['id']}/reject", {"reason": ""})
    assert no_reason.status_code == 400 and no_reason.json()["error"]["fields"][0]["field"] == "reason"
    approved = heji.post(f"/points/declarations/{d['id']}/approve", {"note": "属实"}).json()
    assert approved["status"] == "approved" and approved["entry_id"]
    assert me.post(f"/points/declarations/{d['id']}/withdraw").status_code == 409
    late = client.post(
        f"/api/v1/points/declarations/{d['id']}/photos", {"photos": [jpeg()]}, headers=me.headers
    )
    assert late.status_code == 409
    assert EvidencePhoto.objects.filter(declaration_id=d["id"]).count() == 2


def test_bad_declarations_are_refused_clearly(client, personas, world):
    user, account, good = world
    me = UserApi(client, user)
    org_only = item(code="O01", name="企业捐资助学", subjects=["organization"])
    fine = item(code="K01", name="邻里见难不帮", points=-2, declarable=False)
    cases = [
        ({"item_id": 424242}, "积分项目 424242 不存在", "item_id"),
        ({"item_id": org_only.pk}, "只适用于单位/社团", "item"),
        ({"item_id": fine.pk}, "不接受个人申报", "item"),
        ({"occurred_on": "2999-01-01"}, "发生日期不能晚于今天", "occurred_on"),
        ({"text": "好"}, "事迹", "text"),
    ]
    for change, message, field in cases:
        body = {"account_id": account.pk, "item_id": good.pk, "text": "帮邻居收稻谷两天", **change}
        response = me.post("/points/declarations", body)
        assert response.status_code == 400, (change, response.content)
        error = response.json()["error"]
        assert message in error["message"] and error["fields"][0]["field"] == field
    capped = item(code="A05", name="义务献血", cap_times=1, cap_period="year")
    body = {"account_id": account.pk, "item_id": capped.pk, "text": "在县血站献血 400 毫升"}
    assert me.post("/points/declarations", body).status_code == 201
    over = me.post("/points/declarations", body)
    assert over.status_code == 400 and "每年最多计 1 次" in over.json()["error"]["message"]
    bad_date = me.post("/points/declarations", {**body, "occurred_on": "昨天"})
    assert bad_date.status_code == 422 and bad_date.json()["error"]["fields"][0]["field"] == "occurred_on"
    # Someone else's account: 404, not a hint that it exists.
    other_user, other = resident_with_account(personas.guodian, GUODIAN + "001", username="gd", name="周大勇")
    assert me.post("/points/declarations", {**body, "account_id": other.pk}).status_code == 404


def test_appeal_once_overturn_and_correct_through_the_api(client, personas, world):
    user, account, good = world
    quarrel = item(code="K01", name="夫妻经常吵闹", points=-6, declarable=False)
    heji, me, guodian = Api(client, "heji"), UserApi(client, user), Api(client, "guodian")
    award = heji.post(
        f"/points/accounts/{account.pk}/awards", {"item_id": good.pk, "reason": "照顾老人"}
    ).json()
    deduction = Api(client, "wgy").post(f"/points/accounts/{account.pk}/awards",
                                        {"item_id": quarrel.pk, "reason": "邻居多次反映"}).json()  # fmt: skip
    assert deduction["delta"] == -6 and deduction["balance_after"] == -1
    assert (
        guodian.post(f"/points/entries/{deduction['id']}/appeal", {"reason": "不服这次扣分"}).status_code
        == 404
    )
    appeal = me.post(f"/points/entries/{deduction['id']}/appeal", {"reason": "只是一次口角"})
    assert appeal.status_code == 201, appeal.content
    appeal = appeal.json()
    twice = me.post(f"/points/entries/{deduction['id']}/appeal", {"reason": "再申诉一次"})
    assert twice.status_code == 409 and "已申诉过一次" in twice.json()["error"]["message"]
    assert [a["id"] for a in heji.get("/points/appeals", {"status": "pending"}).json()["items"]] == [
        appeal["id"]
    ]
    assert guodian.get("/points/appeals").json()["count"] == 0
    assert (
        guodian.post(f"/points/appeals/{appeal['id']}/decide", {"overturn": True, "note": "属实"}).status_code
        == 404
    )
    assert (
        me.post(f"/points/appeals/{appeal['id']}/decide", {"overturn": True, "note": "我说了算"}).status_code
        == 403
    )
    decided = heji.post(f"/points/appeals/{appeal['id']}/decide", {"overturn": True, "note": "经走访已和好"})
    assert decided.status_code == 200 and decided.json()["status"] == "overturned"
    assert PointAccount.objects.get(pk=account.pk).balance == 5
    reversal = PointEntry.objects.get(pk=decided.json()["reversal_id"])
    assert reversal.delta == 6 and reversal.reverses_id == deduction["id"]
    entries = {e["id"]: e for e in heji.get(f"/points/accounts/{account.pk}/entries").json()["items"]}
    assert entries[deduction["id"]]["reversed"] and entries[deduction["id"]]["appeal_status"] == "overturned"
    # Correction of the award.
    assert guodian.post(f"/points/entries/{award['id']}/correct", {"reason": "录错了人"}).status_code == 404
    assert me.post(f"/points/entries/{award['id']}/correct", {"reason": "录错了人"}).status_code == 403
    corrected = heji.post(f"/points/entries/{award['id']}/correct", {"reason": "录错了人，应为李秀兰"})
    assert corrected.status_code == 201 and corrected.json()["delta"] == -5
    assert (
        heji.post(f"/points/entries/{award['id']}/correct", {"reason": "录错了人，再来"}).status_code == 409
    )
    assert PointAccount.objects.get(pk=account.pk).balance == 0


def test_catalogue_reads_are_scoped(client, personas, world):
    user, _, good = world
    assert UserApi(client, user).get("/points/catalogue").json()["area_code"] == HEJI
    guodian = Api(client, "guodian")
    assert guodian.get("/points/catalogue", {"area_code": HEJI_GRID1}).status_code == 404
    assert guodian.get("/points/catalogue", {"area_code": "abc"}).status_code == 404
    county = guodian.get("/points/catalogue", {"area_code": GUODIAN[:6]})
    assert county.status_code == 200 and good.code in [i["code"] for i in county.json()["items"]]


def test_a_client_key_cannot_stand_in_for_an_event_award(client, personas, world):
    """A direct award's key is stored in its own namespace: a client sending the key an event's
    award uses ("declaration:<id>", "case_report_useful:<number>", "reverse:<id>") gets a direct
    award of its own, and the event's award still posts."""
    from gongzhi.points import services
    from gongzhi.points.choices import Source

    _, account, good = world
    body = {"item_id": good.pk, "reason": "照顾孤寡老人"}
    path = f"/points/accounts/{account.pk}/awards"
    sent = Api(client, "heji").post(path, body, **{"Idempotency-Key": "case_report_useful:X-1"})
    assert sent.status_code == 201
    event = services.award_item(account=account, item=good, actor=personas.heji, source=Source.CASE_REPORT,
                                idempotency_key="case_report_useful:X-1")  # fmt: skip
    assert event.pk != sent.json()["id"] and PointEntry.objects.filter(account=account).count() == 2
    assert PointEntry.objects.get(pk=sent.json()["id"]).idempotency_key == "direct:case_report_useful:X-1"
