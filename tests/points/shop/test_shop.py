"""积分超市: redeem, pick up with the code, cancel with a refund; stock and limits; pages.

Who may do what here:
- villager (李秀英, 贺集村第1网格) holds a person account: redeems, sees their pickup code, cancels.
- heji (贺集村 staff) runs 贺集村积分超市: rewards, stock, pickup, cancellation; never sees codes.
- gaoyang (高阳镇 staff) runs the town's shop and may act on 贺集村's too.
- guodian (郭店村 staff) is the outsider: a 贺集村 order is a 404.
- wgy (grid worker) reads orders of their grid but does not run a shop.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.services import user_grant_role
from gongzhi.audit.models import AuditEvent, Result
from gongzhi.kernel.errors import Conflict, DomainError, Forbidden, Invalid
from gongzhi.notices.models import Notice
from gongzhi.points import ledger
from gongzhi.points.choices import EntryKind, RedemptionStatus, RewardKind, Source
from gongzhi.points.models import PointAccount, PointEntry
from gongzhi.points.shop import services as shop
from gongzhi.points.shop.models import Redemption, Reward, Shop
from tests.conftest import GAOYANG, GUODIAN, HEJI, HEJI_GRID1
from tests.points.factories import resident_with_account
from tests.points.factories import reward as make_reward
from tests.points.factories import shop as make_shop

pytestmark = pytest.mark.django_db


def give(account, points):
    ledger.post(account=account, delta=points, kind=EntryKind.AWARD, source=Source.DIRECT)
    account.refresh_from_db()


def balance(account) -> int:
    return PointAccount.objects.get(pk=account.pk).balance


def stock(reward) -> int | None:
    return Reward.objects.get(pk=reward.pk).stock


@pytest.fixture
def villager(personas):
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    give(account, 100)
    return user, account


@pytest.fixture
def heji_shop(personas):
    return make_shop(HEJI)


@pytest.fixture
def soap(heji_shop):
    return make_reward(heji_shop, name="洗衣粉", points=10, stock=5)


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- services ----------------------------------------------------------------------------------


def test_redeem_then_fulfil_with_the_code(personas, villager, soap):
    user, account = villager
    order = shop.redeem(actor=user, account=account, reward=soap)
    assert order.status == RedemptionStatus.PENDING and order.points == 10 and order.shop_id == soap.shop_id
    assert len(order.pickup_code) == 6 and order.pickup_code.isdigit()
    assert order.number.startswith("DH")
    assert stock(soap) == 4 and balance(account) == 90
    entry = order.entry
    assert (entry.kind, entry.delta, entry.source, entry.source_id) == (
        EntryKind.REDEMPTION, -10, Source.REDEMPTION, order.number,
    )  # fmt: skip

    done = shop.redemption_fulfil(actor=personas.heji, redemption=order, code=order.pickup_code)
    assert done.status == RedemptionStatus.FULFILLED and done.fulfilled_by == personas.heji
    with pytest.raises(Conflict, match="已领取"):
        shop.redemption_fulfil(actor=personas.heji, redemption=order, code=order.pickup_code)
    actions = set(AuditEvent.objects.filter(object_type="point_redemption").values_list("action", flat=True))
    assert {"points.redeem", "points.redemption_fulfil"} <= actions
    assert ledger.verify()[2] == []


def test_cancel_refunds_restores_stock_and_tells_the_holder(
    personas, villager, soap, django_capture_on_commit_callbacks
):
    user, account = villager
    order = shop.redeem(actor=user, account=account, reward=soap)
    with pytest.raises(DomainError, match="取消原因"):
        shop.redemption_cancel(actor=personas.heji, redemption=order, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        done = shop.redemption_cancel(actor=personas.heji, redemption=order, reason="商品破损")
    assert done.status == RedemptionStatus.CANCELLED and done.cancel_reason == "商品破损"
    refund = done.refund_entry
    assert refund.kind == EntryKind.REFUND and refund.delta == 10 and refund.reverses_id == order.entry_id
    assert balance(account) == 100 and stock(soap) == 5
    assert Notice.objects.filter(recipient=user, kind="points_refund").exists()
    with pytest.raises(Conflict, match="已取消"):
        shop.redemption_cancel(actor=user, redemption=order, reason="再取消一次")
    with pytest.raises(Conflict, match="已取消"):
        shop.redemption_fulfil(actor=personas.heji, redemption=done, code=order.pickup_code)
    assert ledger.verify()[2] == []


def test_holder_cancels_own_order_but_not_someone_elses(personas, villager, soap):
    user, account = villager
    other, other_account = resident_with_account(personas.heji, HEJI_GRID1, username="neighbour", name="王五")
    give(other_account, 50)
    order = shop.redeem(actor=user, account=account, reward=soap)
    with pytest.raises(Forbidden):
        shop.redemption_cancel(actor=other, redemption=order, reason="不是我的")
    shop.redemption_cancel(actor=user, redemption=order, reason="不需要了")
    assert balance(account) == 100


def test_out_of_stock_is_refused_by_name_and_never_negative(villager, heji_shop):
    user, account = villager
    last = make_reward(heji_shop, name="电饭煲", points=20, stock=1)
    shop.redeem(actor=user, account=account, reward=last)
    with pytest.raises(Conflict, match="「电饭煲」库存不足") as refused:
        shop.redeem(actor=user, account=account, reward=last)
    assert refused.value.code == "out_of_stock"
    assert stock(last) == 0 and balance(account) == 80
    assert Redemption.objects.filter(account=account).count() == 1


def test_unlimited_rewards_have_no_stock(villager, heji_shop):
    user, account = villager
    haircut = make_reward(heji_shop, name="理发一次", kind=RewardKind.SERVICE, points=5, stock=None)
    for _ in range(3):
        shop.redeem(actor=user, account=account, reward=haircut)
    assert stock(haircut) is None and balance(account) == 85


def test_monthly_limit_per_account_of_a_reward(villager, heji_shop):
    user, account = villager
    oil = make_reward(heji_shop, name="食用油", points=10, stock=10, monthly_limit=1)
    first = shop.redeem(actor=user, account=account, reward=oil)
    with pytest.raises(DomainError, match="每个账户每月限兑 1 次"):
        shop.redeem(actor=user, account=account, reward=oil)
    # A cancelled order does not count; last month's does not either.
    shop.redemption_cancel(actor=user, redemption=first, reason="换个时间")
    shop.redeem(actor=user, account=account, reward=oil)
    assert balance(account) == 90 and stock(oil) == 9


def test_shop_monthly_points_limit(villager):
    user, account = villager
    capped = make_shop(HEJI, name="限额超市", monthly_points_limit=15)
    oil = make_reward(capped, name="食用油", points=10, stock=10)
    shop.redeem(actor=user, account=account, reward=oil)
    with pytest.raises(DomainError, match="每个账户每月最多兑换 15 分，本月已兑换 10 分"):
        shop.redeem(actor=user, account=account, reward=oil)
    last_month = timezone.now() - timedelta(days=40)
    shop.redeem(actor=user, account=account, reward=oil, at=last_month)
    assert balance(account) == 80


def test_insufficient_balance_writes_nothing(personas, heji_shop):
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    give(account, 5)
    tv = make_reward(heji_shop, name="电视机", points=10, stock=3)
    entries = PointEntry.objects.count()
    with pytest.raises(Conflict, match="积分余额不足：需要 10 分，当前可用 5 分") as refused:
        shop.redeem(actor=user, account=account, reward=tv, idempotency_key="k-1")
    assert refused.value.code == "insufficient_points"
    assert stock(tv) == 3 and balance(account) == 5
    assert PointEntry.objects.count() == entries
    assert not Redemption.objects.filter(account=account).exists()


def test_resent_key_redeems_once(villager, soap):
    user, account = villager
    first = shop.redeem(actor=user, account=account, reward=soap, idempotency_key="tap-1")
    again = shop.redeem(actor=user, account=account, reward=soap, idempotency_key="tap-1")
    assert again.pk == first.pk
    assert balance(account) == 90 and stock(soap) == 4
    other = shop.redeem(actor=user, account=account, reward=soap, idempotency_key="tap-2")
    assert other.pk != first.pk and balance(account) == 80


def test_wrong_code_is_refused_and_audited(personas, villager, soap):
    user, account = villager
    order = shop.redeem(actor=user, account=account, reward=soap)
    wrong = "000000" if order.pickup_code != "000000" else "111111"
    with pytest.raises(DomainError, match="取货码不正确") as refused:
        shop.redemption_fulfil(actor=personas.heji, redemption=order, code=wrong)
    assert refused.value.field == "code"
    assert Redemption.objects.get(pk=order.pk).status == RedemptionStatus.PENDING
    assert AuditEvent.objects.filter(
        action="points.redemption_fulfil", object_id=str(order.pk), result=Result.FAILURE
    ).exists()


def test_resident_and_grid_worker_cannot_fulfil(personas, villager, soap):
    user, account = villager
    order = shop.redeem(actor=user, account=account, reward=soap)
    for actor in (user, personas.wgy, personas.guodian):
        with pytest.raises(Forbidden):
            shop.redemption_fulfil(actor=actor, redemption=order, code=order.pickup_code)
    # The town above runs the village's counter too.
    shop.redemption_fulfil(actor=personas.gaoyang, redemption=order, code=order.pickup_code)


def test_policy_incentive_needs_a_note_of_what_was_done(personas, villager, heji_shop):
    user, account = villager
    credit = make_reward(heji_shop, name="记入授信档案", kind=RewardKind.POLICY, points=30, stock=None)
    order = shop.redeem(actor=user, account=account, reward=credit)
    with pytest.raises(DomainError, match="办理记录") as refused:
        shop.redemption_fulfil(actor=personas.heji, redemption=order, code=order.pickup_code)
    assert refused.value.field == "note"
    done = shop.redemption_fulfil(
        actor=personas.heji, redemption=order, code=order.pickup_code, note="已报农商行记入授信档案"
    )
    assert done.fulfil_note == "已报农商行记入授信档案"


def test_account_must_live_under_the_shop(personas, heji_shop, soap):
    outsider, account = resident_with_account(personas.guodian, GUODIAN + "001", username="gd1", name="郭大")
    give(account, 100)
    with pytest.raises(DomainError, match="不在贺集村积分超市的服务范围内"):
        shop.redeem(actor=outsider, account=account, reward=soap)
    # Someone else's account: neither holder nor staff of the shop.
    user, mine = resident_with_account(personas.heji, HEJI_GRID1)
    with pytest.raises(Forbidden):
        shop.redeem(actor=outsider, account=mine, reward=soap)
    with pytest.raises(Forbidden):
        shop.redeem(actor=personas.guodian, account=mine, reward=soap)


def test_town_shop_serves_its_villages(villager):
    user, account = villager
    town = make_shop(GAOYANG, name="高阳镇积分超市")
    cert = make_reward(town, name="文明家庭证书", kind=RewardKind.HONOUR, points=50, stock=None)
    order = shop.redeem(actor=user, account=account, reward=cert)
    assert order.area_id == GAOYANG


def test_closed_shop_and_withdrawn_reward(villager, heji_shop, soap):
    user, account = villager
    Reward.objects.filter(pk=soap.pk).update(active=False)
    with pytest.raises(DomainError, match="已下架"):
        shop.redeem(actor=user, account=account, reward=soap)
    Reward.objects.filter(pk=soap.pk).update(active=True)
    Shop.objects.filter(pk=heji_shop.pk).update(active=False)
    with pytest.raises(DomainError, match="暂停营业"):
        shop.redeem(actor=user, account=account, reward=soap)


def test_counter_redemption_by_staff_tells_the_holder_the_code(
    personas, villager, soap, django_capture_on_commit_callbacks
):
    user, account = villager
    with django_capture_on_commit_callbacks(execute=True):
        order = shop.redeem(actor=personas.heji, account=account, reward=soap)
    notice = Notice.objects.get(recipient=user, kind="points_redeemed")
    assert order.pickup_code in notice.text
    assert order.requested_by == personas.heji


def test_staff_do_not_hand_over_their_own_orders(personas, soap):
    staff_user, staff_account = resident_with_account(personas.heji, HEJI_GRID1, username="s2", name="赵六")
    user_grant_role(username="s2", role="village_staff", area_code=HEJI)
    give(staff_account, 20)
    own = shop.redeem(actor=staff_user, account=staff_account, reward=soap)
    with pytest.raises(Forbidden, match="不能办理本人账户"):
        shop.redemption_fulfil(actor=staff_user, redemption=own, code=own.pickup_code)
    shop.redemption_fulfil(actor=personas.heji, redemption=own, code=own.pickup_code)


def test_backdated_redemption_for_the_demo(personas, villager, soap):
    user, account = villager
    when = timezone.now() - timedelta(days=200)
    order = shop.redeem(actor=user, account=account, reward=soap, at=when)
    assert Redemption.objects.get(pk=order.pk).created_at == when and order.entry.created_at == when
    later = when + timedelta(days=2)
    done = shop.redemption_cancel(actor=personas.heji, redemption=order, reason="过期未领", at=later)
    assert done.cancelled_at == later and done.refund_entry.created_at == later
    assert done.refund_entry.kind == EntryKind.REFUND and balance(account) == 100
    assert ledger.verify()[2] == []


# -- shops and rewards -------------------------------------------------------------------------


def test_shop_save_by_the_villages_staff_only(personas):
    created = shop.shop_save(
        actor=personas.heji, area=HEJI, data={"name": "贺集村积分超市", "hours": "周六上午"}
    )
    assert created.area_id == HEJI and created.active
    changed = shop.shop_save(actor=personas.heji, area=HEJI, data={"name": "贺集村爱心超市", "monthly_points_limit": "200"},
                             shop=created)  # fmt: skip
    assert Shop.objects.get(pk=created.pk).monthly_points_limit == 200 and changed.name == "贺集村爱心超市"
    for outsider in (personas.guodian, personas.wgy, personas.resident):
        with pytest.raises(Forbidden):
            shop.shop_save(actor=outsider, area=HEJI, data={"name": "别人的超市"})
    with pytest.raises(Invalid, match="网格"):
        shop.shop_save(actor=personas.heji, area=HEJI_GRID1, data={"name": "网格超市"})
    with pytest.raises(Invalid) as bad:
        shop.shop_save(
            actor=personas.heji, area=HEJI, data={"name": "贺集村爱心超市", "monthly_points_limit": "x"}
        )
    assert {f for f, _ in bad.value.errors} == {"name", "monthly_points_limit"}


def test_reward_save_checks_fields_and_audits_stock(personas, heji_shop):
    with pytest.raises(Invalid) as bad:
        shop.reward_save(
            actor=personas.heji, shop=heji_shop, data={"kind": "goods", "name": "大米", "points": 0}
        )
    assert {f for f, _ in bad.value.errors} == {"points", "stock"}
    with pytest.raises(Invalid, match="请选择类别"):
        shop.reward_save(
            actor=personas.heji, shop=heji_shop, data={"kind": "cash", "name": "现金", "points": 5}
        )
    rice = shop.reward_save(
        actor=personas.heji, shop=heji_shop, data={"kind": "goods", "name": "大米", "points": 30, "stock": 10}
    )
    edited = shop.reward_save(actor=personas.heji, shop=heji_shop, reward=rice,
                              data={"kind": "goods", "name": "大米 10 斤", "points": 30, "stock": 8, "stock_seen": 10})  # fmt: skip
    assert edited.stock == 8 and stock(rice) == 8
    event = (
        AuditEvent.objects.filter(action="points.reward_save", object_id=str(rice.pk))
        .order_by("-seq")
        .first()
    )
    assert event.details["stock_before"] == 10 and event.details["stock_after"] == 8
    with pytest.raises(Conflict, match="库存已变为 8"):
        shop.reward_save(actor=personas.heji, shop=heji_shop, reward=rice,
                         data={"kind": "goods", "name": "大米", "points": 30, "stock": 20, "stock_seen": 10})  # fmt: skip
    restocked = shop.reward_restock(actor=personas.heji, reward=rice, quantity="5")
    assert restocked.stock == 13 and stock(rice) == 13
    event = AuditEvent.objects.filter(action="points.reward_restock").order_by("-seq").first()
    assert (event.details["stock_before"], event.details["stock_after"]) == (8, 13)
    with pytest.raises(Forbidden):
        shop.reward_save(
            actor=personas.guodian, shop=heji_shop, data={"kind": "service", "name": "理发", "points": 5}
        )


# -- pages -------------------------------------------------------------------------------------


def test_resident_pages_redeem_once_per_tap_and_show_the_code(personas, villager, soap):
    user, account = villager
    client = browser(user)
    page = client.get("/points/shop/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "洗衣粉" in text and "100" in text and 'name="idempotency_key"' in text
    body = {"account_id": account.pk, "reward_id": soap.pk, "idempotency_key": "page-key-1"}
    first = client.post("/points/shop/redeem/", body)
    assert first.status_code == 302 and first["Location"] == "/points/shop/orders/"
    client.post("/points/shop/redeem/", body)  # the double tap
    assert Redemption.objects.filter(account=account).count() == 1 and balance(account) == 90
    order = Redemption.objects.get(account=account)
    orders = client.get("/points/shop/orders/").content.decode()
    assert order.pickup_code in orders and order.number in orders
    assert client.post(f"/points/shop/orders/{order.pk}/cancel/", {"reason": "不需要了"}).status_code == 302
    assert Redemption.objects.get(pk=order.pk).status == RedemptionStatus.CANCELLED


def test_resident_page_shows_why_a_reward_cannot_be_had(personas, heji_shop):
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    give(account, 5)
    make_reward(heji_shop, name="电视机", points=500, stock=1)
    text = browser(user).get("/points/shop/").content.decode()
    assert "积分不足" in text
    response = browser(user).post("/points/shop/redeem/", {"account_id": account.pk, "reward_id": 999999})
    assert response.status_code == 404


def test_resident_without_registry_record_sees_a_note(personas, heji_shop):
    text = personas.client("resident").get("/points/shop/").content.decode()
    assert "还没有关联" in text


def test_staff_pages_never_show_the_code(personas, villager, soap):
    user, account = villager
    order = shop.redeem(actor=user, account=account, reward=soap)
    # A code that appears nowhere else on these pages (area codes hold many 6-digit runs).
    Redemption.objects.filter(pk=order.pk).update(pickup_code="975310")
    order.refresh_from_db()
    heji = personas.client("heji")
    for url in ("/points/shop/redemptions/", f"/points/shop/redemptions/{order.pk}/", "/points/shop/manage/",
                f"/points/shop/manage/{soap.shop_id}/"):  # fmt: skip
        response = heji.get(url)
        assert response.status_code == 200, url
        assert order.pickup_code not in response.content.decode().replace(order.number, ""), url
    rows = heji.get("/points/shop/redemptions/?status=pending", headers={"HX-Request": "true"})
    assert order.number in rows.content.decode() and "<html" not in rows.content.decode()
    assert order.number not in heji.get("/points/shop/redemptions/?status=fulfilled").content.decode()


def test_pickup_page_finds_the_order_by_code_and_fulfils(personas, villager, soap):
    user, account = villager
    order = shop.redeem(actor=user, account=account, reward=soap)
    heji = personas.client("heji")
    found = heji.get(f"/points/shop/pickup/?code={order.pickup_code}").content.decode()
    assert order.number in found and "李秀英" in found
    done = heji.post(
        f"/points/shop/redemptions/{order.pk}/fulfil/", {"code": order.pickup_code, "back": "pickup"}
    )
    assert done.status_code == 302 and done["Location"] == "/points/shop/pickup/"
    assert Redemption.objects.get(pk=order.pk).status == RedemptionStatus.FULFILLED
    missing = heji.get(f"/points/shop/pickup/?code={order.pickup_code}").content.decode()
    assert "没有找到" in missing
    # 郭店村's counter cannot find 贺集村's orders.
    assert (
        order.number
        not in personas.client("guodian")
        .get(f"/points/shop/pickup/?code={order.pickup_code}")
        .content.decode()
    )


def test_outsider_gets_404_on_a_heji_order(personas, villager, soap):
    user, account = villager
    order = shop.redeem(actor=user, account=account, reward=soap)
    guodian = personas.client("guodian")
    assert guodian.get(f"/points/shop/redemptions/{order.pk}/").status_code == 404
    assert (
        guodian.post(f"/points/shop/redemptions/{order.pk}/fulfil/", {"code": order.pickup_code}).status_code
        == 404
    )
    assert guodian.post(f"/points/shop/orders/{order.pk}/cancel/", {"reason": "越权取消"}).status_code == 404
    assert guodian.get(f"/points/shop/manage/{soap.shop_id}/").status_code == 404
    assert guodian.get(f"/points/shop/manage/{soap.shop_id}/edit/").status_code == 404
    assert guodian.get(f"/points/shop/rewards/{soap.pk}/edit/").status_code == 404
    assert guodian.post(f"/points/shop/rewards/{soap.pk}/restock/", {"quantity": 5}).status_code == 404
    assert order.number not in guodian.get("/points/shop/redemptions/").content.decode()
    assert Redemption.objects.get(pk=order.pk).status == RedemptionStatus.PENDING and stock(soap) == 4


def test_resident_cannot_use_staff_pages(personas, villager, soap):
    user, account = villager
    order = shop.redeem(actor=user, account=account, reward=soap)
    client = browser(user)
    assert (
        client.post(f"/points/shop/redemptions/{order.pk}/fulfil/", {"code": order.pickup_code}).status_code
        == 403
    )
    assert client.get("/points/shop/manage/").status_code == 403
    assert client.get("/points/shop/pickup/").status_code == 403
    # Their own order's staff page sends them to their orders, where the code is.
    assert client.get(f"/points/shop/redemptions/{order.pk}/")["Location"] == "/points/shop/orders/"


def test_staff_create_shop_and_rewards_through_pages(personas):
    heji = personas.client("heji")
    assert heji.get("/points/shop/manage/new/").status_code == 200
    bad = heji.post("/points/shop/manage/new/", {"area_code": HEJI, "name": "x", "active": "on"})
    assert bad.status_code == 400 and "至少 2 个字" in bad.content.decode()
    made = heji.post(
        "/points/shop/manage/new/", {"area_code": HEJI, "name": "贺集村积分超市", "active": "on"}
    )
    created = Shop.objects.get(area_id=HEJI, name="贺集村积分超市")
    assert made["Location"] == f"/points/shop/manage/{created.pk}/"
    no_stock = heji.post(f"/points/shop/manage/{created.pk}/rewards/new/", {"kind": "goods", "name": "毛巾", "points": 5, "active": "on"})  # fmt: skip
    assert no_stock.status_code == 400 and "物质奖励须填写库存" in no_stock.content.decode()
    heji.post(f"/points/shop/manage/{created.pk}/rewards/new/", {"kind": "goods", "name": "毛巾", "points": 5, "stock": 10, "active": "on"})  # fmt: skip
    towel = Reward.objects.get(shop=created, name="毛巾")
    heji.post(f"/points/shop/rewards/{towel.pk}/restock/", {"quantity": 5})
    assert stock(towel) == 15
    edit = heji.get(f"/points/shop/rewards/{towel.pk}/edit/")
    assert edit.status_code == 200 and 'name="stock_seen" value="15"' in edit.content.decode()
    assert heji.get(f"/points/shop/manage/{created.pk}/").status_code == 200
    # The grid worker's scope is their grid: the village's shop is not theirs to run.
    wgy = personas.client("wgy")
    assert wgy.get("/points/shop/manage/new/").status_code == 403
    assert wgy.get(f"/points/shop/manage/{created.pk}/edit/").status_code == 404
    assert wgy.post(f"/points/shop/rewards/{towel.pk}/restock/", {"quantity": 5}).status_code == 404
    # The town reads and runs it.
    gaoyang = personas.client("gaoyang")
    assert "毛巾" in gaoyang.get(f"/points/shop/manage/{created.pk}/").content.decode()


def test_counter_redemption_by_village_staff(personas, django_capture_on_commit_callbacks):
    """代为兑换: 贺集村 staff redeem for a villager at the counter; the code reaches the villager's
    inbox. A grid worker (not shop staff) is refused; 郭店村 staff do not see the account."""
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    give(account, 30)
    soap = make_reward(make_shop(HEJI), name="肥皂", points=10, stock=5)
    url = f"/points/shop/counter/{account.pk}/"
    assert personas.client("guodian").get(url).status_code == 404
    assert personas.client("wgy").get(url).status_code == 403
    heji = personas.client("heji")
    assert "肥皂" in heji.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = heji.post(url, {"reward_id": soap.pk, "idempotency_key": "counter-1"})
    order = Redemption.objects.get(account=account)
    assert response["Location"] == f"/points/shop/redemptions/{order.pk}/"
    heji.post(url, {"reward_id": soap.pk, "idempotency_key": "counter-1"})
    assert Redemption.objects.filter(account=account).count() == 1 and balance(account) == 20
    assert Notice.objects.filter(recipient=user, text__contains=order.pickup_code).exists()
