"""Concurrency of the 积分超市 on PostgreSQL: 50 simultaneous redemptions against a balance that
covers exactly 10, and 20 simultaneous requests carrying the same Idempotency-Key.

The test's own transaction is invisible to other connections, and a flushing (transaction=True)
test would TRUNCATE tables whose append-only triggers refuse it. So every database call runs in a
worker thread with its own autocommitting connection: one commits the data, the racers run at
once behind a barrier, one checks the result, one removes the rows again. The main thread never
touches the database (its open transaction would hold locks the workers need). The data lives in
石岭村 (官垱镇), which no other test uses."""

import uuid

import pytest
from django.db import connection, transaction

from gongzhi.accounts.models import User
from gongzhi.kernel.errors import Conflict
from gongzhi.points import ledger, triggers
from gongzhi.points.choices import EntryKind, Source
from gongzhi.points.models import PointAccount, PointEntry
from gongzhi.points.shop import services as shop
from gongzhi.points.shop.models import Redemption, Reward, Shop
from tests.concurrency import in_thread, race
from tests.conftest import make_user
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


def setup(tag: str, balance: int, stock: int) -> dict:
    staff = make_user(f"race_staff_{tag}", "village_staff", VILLAGE, full_name="石岭村干部")
    user, account = resident_with_account(staff, GRID, username=f"race_res_{tag}", name="石岭村居民")
    ledger.post(account=account, delta=balance, kind=EntryKind.AWARD, source=Source.DIRECT)
    market = make_shop(VILLAGE, name=f"石岭村积分超市{tag}")
    oil = make_reward(market, name="食用油", points=10, stock=stock)
    return {"staff": staff.pk, "user": user.pk, "person": account.person_id, "account": account.pk,
            "shop": market.pk, "reward": oil.pk}  # fmt: skip


def redeemer(ids: dict, key: str = ""):
    def prepare():
        user = User.objects.get(pk=ids["user"])
        account = PointAccount.objects.get(pk=ids["account"])
        reward = Reward.objects.select_related("shop").get(pk=ids["reward"])
        return lambda: shop.redeem(actor=user, account=account, reward=reward, idempotency_key=key).pk

    return prepare


def state(ids: dict) -> dict:
    account = PointAccount.objects.get(pk=ids["account"])
    entries = list(PointEntry.objects.filter(account_id=account.pk).order_by("seq"))
    return {
        "balance": account.balance,
        "entries_sum": sum(e.delta for e in entries),
        "redemption_entries": sum(1 for e in entries if e.kind == EntryKind.REDEMPTION),
        "seqs": [e.seq for e in entries],
        "orders": Redemption.objects.filter(account_id=account.pk).count(),
        "numbers": set(Redemption.objects.filter(account_id=account.pk).values_list("number", flat=True)),
        "stock": Reward.objects.get(pk=ids["reward"]).stock,
        "problems": ledger.verify()[2],
    }


def cleanup(all_ids: list[dict]) -> None:
    """Remove the committed rows; the ledger's triggers are off only inside this one transaction."""
    accounts = [i["account"] for i in all_ids]
    with transaction.atomic():
        triggers.uninstall(connection)
        Redemption.objects.filter(account_id__in=accounts).delete()
        PointEntry.objects.filter(account_id__in=accounts).delete()
        PointAccount.objects.filter(pk__in=accounts).delete()
        Reward.objects.filter(shop_id__in=[i["shop"] for i in all_ids]).delete()
        Shop.objects.filter(pk__in=[i["shop"] for i in all_ids]).delete()
        from gongzhi.people.models import Person

        Person.objects.filter(pk__in=[i["person"] for i in all_ids]).delete()
        User.objects.filter(pk__in=[i[k] for i in all_ids for k in ("user", "staff")]).delete()
        triggers.install(connection)


def test_fifty_redemptions_against_a_balance_for_ten_and_one_key_sent_twenty_times():
    tag = uuid.uuid4().hex[:8]
    made: list[dict] = []
    try:
        # 50 at once, the balance covers exactly 10.
        ids = in_thread(setup, f"{tag}a", 100, 100)
        made.append(ids)
        results = race(50, redeemer(ids))
        won = [r for r in results if isinstance(r, int)]
        lost = [r for r in results if isinstance(r, Conflict) and r.code == "insufficient_points"]
        others = [r for r in results if not isinstance(r, int) and r not in lost]
        assert others == []
        assert (len(won), len(lost)) == (10, 40)
        assert len(set(won)) == 10
        after = in_thread(state, ids)
        assert after["balance"] == 0 == after["entries_sum"]
        assert after["redemption_entries"] == 10 and after["orders"] == 10 and len(after["numbers"]) == 10
        assert after["seqs"] == list(range(1, 12))
        assert after["stock"] == 90
        assert after["problems"] == []

        # 20 at once with the same Idempotency-Key: one order, one charge.
        ids = in_thread(setup, f"{tag}b", 100, 100)
        made.append(ids)
        results = race(20, redeemer(ids, key="same-key"))
        assert [r for r in results if not isinstance(r, int)] == []
        assert len(set(results)) == 1
        after = in_thread(state, ids)
        assert after["balance"] == 90 == after["entries_sum"]
        assert after["orders"] == 1 and after["redemption_entries"] == 1 and after["stock"] == 99
        assert after["problems"] == []
    finally:
        if made:
            in_thread(cleanup, made)
