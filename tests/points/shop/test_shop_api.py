"""API /api/v1/points/shop: shops and rewards, redemptions with an Idempotency-Key, pickup and
cancellation, the one error shape, and scope (郭店村 gets a 404 on 贺集村's orders).

villager (贺集村) holds the account and alone sees the pickup code; heji runs 贺集村's shop;
guodian (郭店村) is the outsider."""

import pytest
from django.test import Client

from gongzhi.points import ledger
from gongzhi.points.choices import EntryKind, Source
from gongzhi.points.models import PointAccount
from gongzhi.points.shop.models import Redemption, Reward
from tests.conftest import HEJI, HEJI_GRID1, api_token
from tests.points.factories import resident_with_account
from tests.points.factories import reward as make_reward
from tests.points.factories import shop as make_shop

pytestmark = pytest.mark.django_db
BASE = "/api/v1/points/shop"


class Api:
    def __init__(self, who: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {api_token(self.client, who)}"}

    def get(self, path, params=None):
        return self.client.get(BASE + path, params or {}, headers=self.headers)

    def post(self, path, data=None, **headers):
        return self.client.post(BASE + path, data or {}, content_type="application/json",
                                headers={**self.headers, **headers})  # fmt: skip

    def put(self, path, data):
        return self.client.put(BASE + path, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def world(personas):
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    ledger.post(account=account, delta=100, kind=EntryKind.AWARD, source=Source.DIRECT)
    s = make_shop(HEJI)
    soap = make_reward(s, name="洗衣粉", points=10, stock=5)
    return {"account": account, "shop": s, "soap": soap, "villager": Api("villager"), "heji": Api("heji"),
            "guodian": Api("guodian")}  # fmt: skip


def redeem(api, account, reward, key=""):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post("/redemptions", {"account_id": account.pk, "reward_id": reward.pk}, **headers)


def test_shops_and_rewards(world):
    heji, villager, guodian = world["heji"], world["villager"], world["guodian"]
    created = heji.post("/shops", {"area_code": HEJI, "name": "贺集村二组超市", "hours": "周六上午"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["area_code"] == HEJI and body["can_edit"] is True
    changed = heji.put(f"/shops/{body['id']}", {"name": "贺集村二组超市", "monthly_points_limit": 100})
    assert changed.status_code == 200 and changed.json()["monthly_points_limit"] == 100
    assert {s["name"] for s in villager.get("/shops").json()} >= {"贺集村积分超市", "贺集村二组超市"}
    assert guodian.get("/shops").json() == []
    refused = guodian.post("/shops", {"area_code": HEJI, "name": "越权超市"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert guodian.put(f"/shops/{body['id']}", {"name": "改名"}).status_code == 404

    rid = heji.post(
        f"/shops/{body['id']}/rewards", {"kind": "goods", "name": "大米", "points": 30, "stock": 10}
    )
    assert rid.status_code == 201, rid.content
    rice = rid.json()
    bad = heji.post(f"/shops/{body['id']}/rewards", {"kind": "goods", "name": "毛巾", "points": 5})
    assert bad.status_code == 400 and bad.json()["error"]["fields"][0]["field"] == "stock"
    hidden = heji.put(f"/rewards/{rice['id']}", {"kind": "goods", "name": "大米", "points": 30, "stock": 10,
                                                  "active": False})  # fmt: skip
    assert hidden.status_code == 200 and hidden.json()["active"] is False
    assert [r["name"] for r in villager.get(f"/shops/{body['id']}/rewards").json()] == []
    assert [r["name"] for r in heji.get(f"/shops/{body['id']}/rewards").json()] == ["大米"]
    restocked = heji.post(f"/rewards/{rice['id']}/restock", {"quantity": 5})
    assert restocked.json()["stock"] == 15
    assert guodian.get(f"/shops/{body['id']}/rewards").status_code == 404
    assert guodian.post(f"/rewards/{rice['id']}/restock", {"quantity": 5}).status_code == 404
    assert villager.post(f"/rewards/{rice['id']}/restock", {"quantity": 5}).status_code == 403


def test_redeem_with_key_once_then_fulfil(world):
    villager, heji, account, soap = world["villager"], world["heji"], world["account"], world["soap"]
    first = redeem(villager, account, soap, key="tap-1")
    assert first.status_code == 201, first.content
    order = first.json()
    assert order["status"] == "pending" and len(order["pickup_code"]) == 6
    again = redeem(villager, account, soap, key="tap-1")
    assert again.status_code == 200 and again.json()["id"] == order["id"]
    assert PointAccount.objects.get(pk=account.pk).balance == 90 and Reward.objects.get(pk=soap.pk).stock == 4

    # Staff see the order, never its code.
    seen = heji.get(f"/redemptions/{order['id']}").json()
    assert seen["pickup_code"] is None and seen["account_name"] == "李秀英"
    listed = heji.get("/redemptions", {"status": "pending"}).json()
    assert listed["count"] == 1 and listed["items"][0]["pickup_code"] is None
    assert (
        villager.get("/redemptions", {"mine": True}).json()["items"][0]["pickup_code"] == order["pickup_code"]
    )

    assert (
        villager.post(f"/redemptions/{order['id']}/fulfil", {"code": order["pickup_code"]}).status_code == 403
    )
    wrong = heji.post(f"/redemptions/{order['id']}/fulfil", {"code": "12345x"})
    assert wrong.status_code == 400 and wrong.json()["error"]["fields"] == [
        {"field": "code", "message": "取货码不正确，请核对居民出示的 6 位取货码。"}
    ]
    done = heji.post(f"/redemptions/{order['id']}/fulfil", {"code": order["pickup_code"], "note": "已交付"})
    assert done.status_code == 200 and done.json()["status"] == "fulfilled"
    twice = heji.post(f"/redemptions/{order['id']}/fulfil", {"code": order["pickup_code"]})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "conflict"
    assert heji.get("/redemptions", {"status": "fulfilled"}).json()["count"] == 1
    assert heji.get("/redemptions", {"status": "pending"}).json()["count"] == 0


def test_cancel_refunds(world):
    villager, account, soap = world["villager"], world["account"], world["soap"]
    order = redeem(villager, account, soap).json()
    assert villager.post(f"/redemptions/{order['id']}/cancel", {"reason": ""}).status_code == 400
    cancelled = villager.post(f"/redemptions/{order['id']}/cancel", {"reason": "不需要了"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["refund_entry_id"]
    assert (
        PointAccount.objects.get(pk=account.pk).balance == 100 and Reward.objects.get(pk=soap.pk).stock == 5
    )
    assert villager.post(f"/redemptions/{order['id']}/cancel", {"reason": "再来"}).status_code == 409


def test_refusals_in_the_one_error_shape(personas, world):
    villager, heji, soap = world["villager"], world["heji"], world["soap"]
    poor_user, poor = resident_with_account(personas.heji, HEJI_GRID1, username="poor", name="钱少")
    ledger.post(account=poor, delta=5, kind=EntryKind.AWARD, source=Source.DIRECT)
    short = redeem(Api("poor"), poor, soap)
    assert short.status_code == 409
    assert short.json()["error"] == {"code": "insufficient_points", "message": "积分余额不足：需要 10 分，当前可用 5 分。",
                                     "fields": []}  # fmt: skip
    assert not Redemption.objects.filter(account=poor).exists() and Reward.objects.get(pk=soap.pk).stock == 5

    last = make_reward(world["shop"], name="电饭煲", points=10, stock=1)
    assert redeem(villager, world["account"], last).status_code == 201
    gone = redeem(villager, world["account"], last)
    assert gone.status_code == 409 and gone.json()["error"]["code"] == "out_of_stock"
    assert "电饭煲" in gone.json()["error"]["message"]
    # Someone else's account is not the villager's to see: 404.
    assert redeem(villager, poor, soap).status_code == 404
    assert heji.post("/redemptions", {"account_id": world["account"].pk}).status_code == 422


def test_outsider_gets_404(world):
    villager, guodian, account, soap = world["villager"], world["guodian"], world["account"], world["soap"]
    order = redeem(villager, account, soap).json()
    assert guodian.get(f"/redemptions/{order['id']}").status_code == 404
    assert (
        guodian.post(f"/redemptions/{order['id']}/fulfil", {"code": order["pickup_code"]}).status_code == 404
    )
    assert guodian.post(f"/redemptions/{order['id']}/cancel", {"reason": "越权"}).status_code == 404
    assert guodian.get("/redemptions").json()["count"] == 0
    assert redeem(guodian, account, soap).status_code == 404
    assert Redemption.objects.get(pk=order["id"]).status == "pending"


def test_counter_redemption_by_staff(world):
    heji, villager, account, soap = world["heji"], world["villager"], world["account"], world["soap"]
    made = redeem(heji, account, soap, key="counter-1")
    assert made.status_code == 201 and made.json()["pickup_code"] is None
    assert villager.get(f"/redemptions/{made.json()['id']}").json()["pickup_code"]
