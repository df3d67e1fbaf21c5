"""A repeat answers 200 with the first object, even at the same moment (PostgreSQL).

Fifty requests carrying one Idempotency-Key reach POST /points/accounts/{id}/awards and POST
/points/shop/redemptions at once. Before, the API decided 201 or 200 by a read before the
service took the account lock, so every racer that read before the winner committed answered 201
(26 and 28 of 50). Now the service decides created or replayed under the account lock: exactly one
201, forty-nine 200, one body.

As in test_shop_race.py, every database call runs in a worker thread with its own autocommitting
connection (see tests/concurrency.py); the data lives in 石岭村 (官垱镇)."""

import uuid

import pytest
from django.db import connection, transaction
from django.test import Client

from gongzhi.accounts.models import User
from gongzhi.notices.models import Notice
from gongzhi.points import ledger, triggers
from gongzhi.points.choices import EntryKind, Source
from gongzhi.points.models import PointAccount, PointEntry, PointItem, PointTally
from gongzhi.points.shop.models import Redemption, Reward, Shop
from tests.concurrency import in_thread, race
from tests.conftest import COUNTY, make_user
from tests.points.factories import item as make_item
from tests.points.factories import resident_with_account
from tests.points.factories import reward as make_reward
from tests.points.factories import shop as make_shop

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to lose",
    ),
]

VILLAGE = "420822107201"  # 石岭村, 官垱镇
GRID = VILLAGE + "001"
RACERS = 50


def setup(tag: str) -> dict:
    staff = make_user(f"retry_staff_{tag}", "village_staff", VILLAGE, full_name="石岭村干部")
    user, account = resident_with_account(staff, GRID, username=f"retry_res_{tag}", name="石岭村居民")
    ledger.post(account=account, delta=100, kind=EntryKind.AWARD, source=Source.DIRECT)
    good = make_item(code=f"R{tag}"[:16], name="清扫村道", points=3, area=COUNTY)
    market = make_shop(VILLAGE, name=f"石岭村积分超市{tag}")
    oil = make_reward(market, name="食用油", points=10, stock=100)
    return {"staff": staff.pk, "user": user.pk, "person": account.person_id, "account": account.pk,
            "item": good.pk, "shop": market.pk, "reward": oil.pk}  # fmt: skip


def poster(user_id: int, path: str, body: dict, key: str):
    def prepare():
        client = Client()
        client.force_login(User.objects.get(pk=user_id))

        def call():
            response = client.post(
                f"/api/v1{path}", body, content_type="application/json", headers={"Idempotency-Key": key}
            )
            return response.status_code, response.json()

        return call

    return prepare


def state(ids: dict) -> dict:
    return {
        "entries": list(PointEntry.objects.filter(account_id=ids["account"]).values_list("delta", flat=True)),
        "orders": Redemption.objects.filter(account_id=ids["account"]).count(),
        "balance": PointAccount.objects.get(pk=ids["account"]).balance,
        "stock": Reward.objects.get(pk=ids["reward"]).stock,
        "problems": ledger.verify()[2],
    }


def cleanup(ids: dict) -> None:
    """Remove the committed rows; the ledger's triggers are off only inside this one transaction."""
    with transaction.atomic():
        triggers.uninstall(connection)
        Redemption.objects.filter(account_id=ids["account"]).delete()
        PointEntry.objects.filter(account_id=ids["account"]).delete()
        PointTally.objects.filter(account_id=ids["account"]).delete()
        PointAccount.objects.filter(pk=ids["account"]).delete()
        Reward.objects.filter(shop_id=ids["shop"]).delete()
        Shop.objects.filter(pk=ids["shop"]).delete()
        PointItem.objects.filter(pk=ids["item"]).delete()
        from gongzhi.people.models import Person

        Person.objects.filter(pk=ids["person"]).delete()
        Notice.objects.filter(recipient_id__in=[ids["user"], ids["staff"]]).delete()
        User.objects.filter(pk__in=[ids["user"], ids["staff"]]).delete()
        triggers.install(connection)


def one_created(results: list) -> dict:
    """Exactly one 201, every other answer a 200 with the same body; returns that body."""
    assert [r for r in results if not isinstance(r, tuple)] == []
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (RACERS - 1) + [201], statuses
    bodies = [body for _, body in results]
    assert all(body == bodies[0] for body in bodies)
    return bodies[0]


def test_fifty_awards_with_one_key_answer_201_once_and_200_with_the_same_entry():
    ids = in_thread(setup, uuid.uuid4().hex[:8])
    try:
        body = {"item_id": ids["item"], "reason": "主动清扫村道积雪"}
        results = race(
            RACERS, poster(ids["staff"], f"/points/accounts/{ids['account']}/awards", body, "award-1")
        )
        entry = one_created(results)
        after = in_thread(state, ids)
        assert after["entries"] == [100, 3] and after["balance"] == 103 and entry["delta"] == 3
        assert after["problems"] == []
    finally:
        in_thread(cleanup, ids)


def test_fifty_redemptions_with_one_key_answer_201_once_and_200_with_the_same_order():
    ids = in_thread(setup, uuid.uuid4().hex[:8])
    try:
        body = {"account_id": ids["account"], "reward_id": ids["reward"]}
        results = race(RACERS, poster(ids["user"], "/points/shop/redemptions", body, "redeem-1"))
        one_created(results)
        after = in_thread(state, ids)
        assert after["orders"] == 1 and after["entries"] == [100, -10] and after["stock"] == 99
        assert after["problems"] == []
    finally:
        in_thread(cleanup, ids)
