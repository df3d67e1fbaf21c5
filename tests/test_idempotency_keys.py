"""An Idempotency-Key is checked, never cut.

Before, keys were cut to 64 (cases) or 96 (points) characters and page tokens to 32, so two
different keys sharing a prefix were one key and the second write was silently answered with the
first. Now a key over the limit (64 cases, 89 awards, 96 redemptions, 32 page tokens), or with anything but printable ASCII, is refused with a Chinese
error naming the Idempotency-Key header (or the form's token), and nothing is written."""

import pytest

from gongzhi.cases.models import Case
from gongzhi.points.models import PointAccount, PointEntry
from gongzhi.points.shop.models import Redemption
from tests.cases.test_loop import Api
from tests.conftest import HEJI, HEJI_GRID1
from tests.points.factories import item, resident_with_account
from tests.points.factories import reward as make_reward
from tests.points.factories import shop as make_shop
from tests.points.test_points_api import UserApi

pytestmark = pytest.mark.django_db

REPORT = {"kind": "sanitation", "description": "村口垃圾池满了好几天。", "area_code": HEJI_GRID1,
          "address": "贺集村一组路口", "channel": "h5"}  # fmt: skip
PREFIX = "k" * 64


def refused(response, field: str = "Idempotency-Key") -> str:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_idempotency_key"
    assert [f["field"] for f in error["fields"]] == [field]
    assert "Idempotency-Key" in error["message"]
    return error["message"]


def test_case_keys_sharing_a_prefix_are_refused_not_cut_into_one(client, personas):
    resident = Api(client, "resident")
    full = resident.post("/cases/", REPORT, **{"Idempotency-Key": PREFIX})
    assert full.status_code == 201  # 64 characters fit
    message = refused(resident.post("/cases/", REPORT, **{"Idempotency-Key": PREFIX + "-second-report"}))
    assert "最长 64 个字符" in message and "收到 78 个" in message
    assert Case.objects.filter(submitted_by=personas.resident).count() == 1
    # Latin-1 in a header (what a client sending Chinese gets through WSGI) and control characters.
    message = refused(resident.post("/cases/", REPORT, **{"Idempotency-Key": "k\u00e9y"}))
    assert "可打印的 ASCII" in message
    refused(resident.post("/cases/", REPORT, **{"Idempotency-Key": "a\tb"}))
    assert Case.objects.filter(submitted_by=personas.resident).count() == 1


def test_points_keys_over_the_limit_are_refused_for_awards_and_redemptions(client, personas):
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    good = item()
    body = {"item_id": good.pk, "reason": "照顾孤寡老人"}
    heji = Api(client, "heji")
    path = f"/points/accounts/{account.pk}/awards"
    # 89 for awards: the key is stored as "direct:<key>" in the 96 of the column.
    assert heji.post(path, body, **{"Idempotency-Key": "a" * 89}).status_code == 201
    assert "最长 89 个字符" in refused(heji.post(path, body, **{"Idempotency-Key": "a" * 89 + "b"}))
    assert PointEntry.objects.filter(account=account).count() == 1

    soap = make_reward(make_shop(HEJI), points=2)
    villager = UserApi(client, user)
    order = {"account_id": account.pk, "reward_id": soap.pk}
    assert (
        villager.post("/points/shop/redemptions", order, **{"Idempotency-Key": "r" * 96}).status_code == 201
    )
    refused(villager.post("/points/shop/redemptions", order, **{"Idempotency-Key": "r" * 96 + "x"}))
    refused(villager.post("/points/shop/redemptions", order, **{"Idempotency-Key": "r\u00e9"}))
    assert Redemption.objects.filter(account=account).count() == 1
    assert PointAccount.objects.get(pk=account.pk).balance == 3


def test_a_page_token_over_32_characters_is_refused_and_replaced(personas):
    client = personas.client("heji")
    form = {
        **REPORT,
        "channel": "hotline",
        "urgency": "normal",
        "concern": "low",
        "idempotency_key": "t" * 32,
    }
    assert client.post("/cases/new/", form).status_code == 302
    page = client.post("/cases/new/", {**form, "idempotency_key": "t" * 32 + "-another-call"})
    assert page.status_code == 400
    assert "表单的防重复令牌最长 32 个字符" in page.content.decode()
    fresh = page.context["idempotency_key"]
    assert len(fresh) == 32 and fresh != "t" * 32  # the form shown again carries a fresh token
    assert Case.objects.count() == 1

    resident = personas.client("resident")
    page = resident.post("/my/report/", {**REPORT, "idempotency_key": "令牌"})
    assert page.status_code == 400 and "表单的防重复令牌只能由可打印的 ASCII" in page.content.decode()

    box = client.post("/cases/box/", {"area_code": HEJI, "idempotency_key": "b" * 40,
                                      "kind_0": "livelihood", "description_0": "希望村里修一下二组的水渠。"})  # fmt: skip
    assert box.status_code == 400 and "表单的防重复令牌最长 32 个字符" in box.content.decode()
    assert Case.objects.count() == 1
