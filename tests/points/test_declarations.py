"""Declarations and their review, direct awards, appeals and corrections.

Who may do what (on top of tests/conftest.py's personas):
- villager  a registry resident of 贺集村第1网格 with a signed-in account; declares, appeals.
- wgy       grid worker of that grid: reviews and awards there.
- heji      staff of 贺集村: reviews, awards, decides appeals, corrects.
- guodian   staff of 郭店村 (纪山镇): the outsider — 404 on everything of 贺集村, and 贺集村's
            staff get 404 on 郭店村's declarations.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.kernel.errors import Conflict, DomainError, Forbidden
from gongzhi.notices.models import Notice
from gongzhi.points import catalogue, services
from gongzhi.points.choices import AppealStatus, DeclarationStatus, EntryKind, Subject
from gongzhi.points.models import PointAccount, PointDeclaration, PointEntry
from gongzhi.points.subjects import account_for_staff
from tests.cases.test_loop import Api
from tests.conftest import GUODIAN, HEJI, HEJI_GRID1

from .factories import capped_item, item, resident_with_account

pytestmark = pytest.mark.django_db

GUODIAN_GRID1 = GUODIAN + "001"


def setup(personas):
    """A villager of 贺集村, one of 郭店村, and a county item (5 points, villages may set 3–8)."""
    user, account = resident_with_account(personas.heji, HEJI_GRID1)
    g_user, g_account = resident_with_account(
        personas.guodian, GUODIAN_GRID1, username="gdvillager", name="周大勇"
    )
    good = item(min_points=3, max_points=8)
    return user, account, g_user, g_account, good


def declare(user, account, it, text="帮助邻居王奶奶收割稻谷两天", **kw):
    return services.declaration_submit(actor=user, account=account, item=it, text=text, **kw)


def balance(account) -> int:
    return PointAccount.objects.get(pk=account.pk).balance


def test_approval_posts_at_the_villages_adjusted_points_once(personas, django_capture_on_commit_callbacks):
    user, account, *_, good = setup(personas)
    catalogue.item_adjust(actor=personas.heji, item=good, village=good.area.__class__.objects.get(pk=HEJI),
                          points=8, reason="本村鼓励互助")  # fmt: skip
    d = declare(user, account, good)
    assert d.points == 8 and d.status == DeclarationStatus.PENDING
    assert d.due_at > timezone.now() + timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        d = services.declaration_approve(actor=personas.wgy, declaration=d, note="属实")
    assert d.status == DeclarationStatus.APPROVED and d.entry.delta == 8 and d.entry.kind == EntryKind.AWARD
    assert balance(account) == 8
    with pytest.raises(Conflict, match="已处理（已通过）"):
        services.declaration_approve(actor=personas.heji, declaration=d)
    assert PointEntry.objects.filter(account=account).count() == 1 and balance(account) == 8
    # The holder is told.
    assert Notice.objects.filter(recipient=user, kind="points_approved").exists()


def test_approval_is_idempotent_through_the_api(client, personas):
    user, account, *_, good = setup(personas)
    d = declare(user, account, good)
    heji = Api(client, "heji")
    first = heji.post(f"/points/declarations/{d.pk}/approve", {"note": "属实"})
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "approved" and first.json()["points"] == 5
    again = heji.post(f"/points/declarations/{d.pk}/approve", {})
    assert again.status_code == 409 and "已处理" in again.json()["error"]["message"]
    assert balance(account) == 5


def test_reject_needs_a_reason(personas):
    user, account, *_, good = setup(personas)
    d = declare(user, account, good)
    with pytest.raises(DomainError, match="不通过的理由") as err:
        services.declaration_reject(actor=personas.heji, declaration=d, reason=" ")
    assert err.value.field == "reason"
    assert PointDeclaration.objects.get(pk=d.pk).status == DeclarationStatus.PENDING
    d = services.declaration_reject(actor=personas.heji, declaration=d, reason="事迹与项目不符")
    assert d.status == DeclarationStatus.REJECTED and d.review_note == "事迹与项目不符"
    assert balance(account) == 0


def test_reviewers_cannot_review_their_own(personas):
    user, account, *_, good = setup(personas)
    # heji declares for the villager at the hall: someone else must review it.
    d = declare(personas.heji, account, good)
    with pytest.raises(Forbidden, match="不能审核本人"):
        services.declaration_approve(actor=personas.heji, declaration=d)
    services.declaration_approve(actor=personas.wgy, declaration=d)
    # A grid worker's own staff account.
    staff_item = item(code="S01", name="带头清理河道", subjects=[Subject.STAFF.value])
    own = account_for_staff(personas.wgy)
    d2 = declare(personas.wgy, own, staff_item)
    with pytest.raises(Forbidden):
        services.declaration_approve(actor=personas.wgy, declaration=d2)
    services.declaration_approve(actor=personas.heji, declaration=d2)
    assert balance(own) == 5


def test_scope_a_hejicun_reviewer_cannot_touch_a_guodian_declaration(client, personas):
    user, account, g_user, g_account, good = setup(personas)
    mine = declare(user, account, good)
    theirs = declare(g_user, g_account, good, text="帮助五保户打扫院子")
    for who in ("heji", "wgy"):
        api = Api(client, who)
        assert api.get(f"/points/declarations/{theirs.pk}").status_code == 404
        for action, body in (("approve", {}), ("reject", {"reason": "不属实"}), ("withdraw", {})):
            response = api.post(f"/points/declarations/{theirs.pk}/{action}", body)
            assert response.status_code == 404, (who, action, response.content)
        listed = [d["id"] for d in api.get("/points/declarations", {"status": "pending"}).json()["items"]]
        assert theirs.pk not in listed and mine.pk in listed
        page = personas.client(who)
        assert page.post(f"/points/declarations/{theirs.pk}/approve/").status_code == 404
        assert page.get(f"/points/declarations/{theirs.pk}/").status_code == 404
    guodian = Api(client, "guodian")
    assert guodian.get(f"/points/declarations/{mine.pk}").status_code == 404
    assert guodian.post(f"/points/declarations/{mine.pk}/approve", {}).status_code == 404
    assert [d["id"] for d in guodian.get("/points/declarations").json()["items"]] == [theirs.pk]
    assert PointDeclaration.objects.get(pk=theirs.pk).status == DeclarationStatus.PENDING
    # And the services refuse even if a page forgot to scope.
    with pytest.raises(Forbidden):
        services.declaration_approve(actor=personas.heji, declaration=theirs)


def test_bad_declarations_are_refused_by_name(personas):
    user, account, *_, good = setup(personas)
    org_only = item(code="O01", name="企业捐资助学", subjects=[Subject.ORGANIZATION.value])
    with pytest.raises(DomainError, match="「企业捐资助学」只适用于单位/社团，不适用于居民") as err:
        declare(user, account, org_only)
    assert err.value.field == "item"
    fine = item(code="K01", name="夫妻经常吵闹", points=-6, declarable=False)
    with pytest.raises(DomainError, match="「夫妻经常吵闹」不接受个人申报"):
        declare(user, account, fine)
    with pytest.raises(DomainError, match="发生日期不能晚于今天") as err:
        declare(user, account, good, occurred_on=timezone.localdate() + timedelta(days=1))
    assert err.value.field == "occurred_on"
    with pytest.raises(DomainError, match="90 天内"):
        declare(user, account, good, occurred_on=timezone.localdate() - timedelta(days=120))
    with pytest.raises(DomainError, match="事迹"):
        declare(user, account, good, text="好")
    once = capped_item(times=1, code="A02", name="义务献血")
    declare(user, account, once)
    with pytest.raises(DomainError, match="「义务献血」每月最多计 1 次，李秀英本期已计 1 次"):
        declare(user, account, once)
    evidence = item(code="A03", name="拾金不昧", needs_evidence=True)
    with pytest.raises(DomainError, match="需要上传佐证照片") as err:
        declare(user, account, evidence)
    assert err.value.field == "photos"
    assert PointDeclaration.objects.filter(account=account).count() == 1


def test_cap_is_checked_again_on_approval(personas):
    user, account, *_, _good = setup(personas)
    once = capped_item(times=1, code="A02", name="义务献血")
    d = declare(user, account, once)
    services.direct_award(actor=personas.heji, account=account, item=once, reason="献血站证明")
    with pytest.raises(DomainError, match="每月最多计 1 次"):
        services.declaration_approve(actor=personas.wgy, declaration=d)
    # Nothing half-written: still pending, one entry.
    assert PointDeclaration.objects.get(pk=d.pk).status == DeclarationStatus.PENDING
    assert PointEntry.objects.filter(account=account).count() == 1


def test_withdraw_only_own_and_only_pending(personas):
    user, account, *_, good = setup(personas)
    d = declare(user, account, good)
    with pytest.raises(Forbidden):
        services.declaration_withdraw(actor=personas.heji, declaration=d)
    d = services.declaration_withdraw(actor=user, declaration=d)
    assert d.status == DeclarationStatus.WITHDRAWN
    with pytest.raises(Conflict):
        services.declaration_withdraw(actor=user, declaration=d)


def test_direct_deduction_appealed_once_and_overturned_restores_the_balance(personas):
    user, account, *_, good = setup(personas)
    quarrel = item(code="K01", name="夫妻经常吵闹", points=-6, declarable=False)
    services.direct_award(actor=personas.heji, account=account, item=good, reason="照顾孤寡老人")
    deduction = services.direct_award(
        actor=personas.wgy, account=account, item=quarrel, reason="邻居多次反映"
    )
    assert deduction.kind == EntryKind.DEDUCTION and balance(account) == -1
    appeal = services.appeal_file(actor=user, entry=deduction, reason="只是一次口角，已经和好")
    with pytest.raises(Conflict, match="已申诉过一次"):
        services.appeal_file(actor=user, entry=deduction, reason="再申诉一次")
    with pytest.raises(DomainError, match="只有扣分记录可以申诉"):
        services.appeal_file(
            actor=user, entry=PointEntry.objects.get(account=account, seq=1), reason="试试看看"
        )
    with pytest.raises(Forbidden):  # a grid worker does not decide appeals
        services.appeal_decide(actor=personas.wgy, appeal=appeal, overturn=True, note="属实")
    with pytest.raises(DomainError, match="裁定意见") as err:
        services.appeal_decide(actor=personas.heji, appeal=appeal, overturn=True, note="")
    assert err.value.field == "note"
    appeal = services.appeal_decide(actor=personas.heji, appeal=appeal, overturn=True, note="经走访，已和好")
    assert appeal.status == AppealStatus.OVERTURNED
    reversal = appeal.reversal
    assert (
        reversal.delta == 6 and reversal.reverses_id == deduction.pk and reversal.kind == EntryKind.ADJUSTMENT
    )
    assert balance(account) == 5
    # The deduction itself is untouched: a compensating entry, never an edit.
    assert PointEntry.objects.get(pk=deduction.pk).delta == -6
    with pytest.raises(Conflict):
        services.appeal_decide(actor=personas.heji, appeal=appeal, overturn=False, note="再次裁定")


def test_upheld_appeal_keeps_the_deduction(personas):
    user, account, *_ = setup(personas)
    quarrel = item(code="K01", name="夫妻经常吵闹", points=-6, declarable=False)
    deduction = services.direct_award(actor=personas.heji, account=account, item=quarrel, reason="多次反映")
    appeal = services.appeal_file(actor=user, entry=deduction, reason="不服这次扣分")
    appeal = services.appeal_decide(actor=personas.gaoyang, appeal=appeal, overturn=False, note="证据充分")
    assert appeal.status == AppealStatus.UPHELD and appeal.reversal is None and balance(account) == -6


def test_correction_compensates_once(personas):
    user, account, *_, good = setup(personas)
    entry = services.direct_award(actor=personas.wgy, account=account, item=good, reason="照顾老人")
    with pytest.raises(Forbidden):  # grid workers do not correct the ledger
        services.entry_correct(actor=personas.wgy, entry=entry, reason="录错了人")
    with pytest.raises(DomainError, match="更正理由"):
        services.entry_correct(actor=personas.heji, entry=entry, reason="错")
    reversal = services.entry_correct(actor=personas.heji, entry=entry, reason="录错了人，应为李秀兰")
    assert reversal.delta == -5 and reversal.reverses_id == entry.pk and balance(account) == 0
    with pytest.raises(Conflict, match="已冲销"):
        services.entry_correct(actor=personas.heji, entry=entry, reason="录错了人，再来一次")
    with pytest.raises(DomainError, match="冲销记录不能再次冲销"):
        services.entry_correct(actor=personas.heji, entry=reversal, reason="撤销更正试试")
    assert PointEntry.objects.filter(account=account).count() == 2


def test_direct_award_roles_and_replay(personas, django_capture_on_commit_callbacks):
    user, account, *_, good = setup(personas)
    county_only = item(code="A09", name="见义勇为", points=50, award_roles=["county_staff"])
    with pytest.raises(Forbidden, match="县综治中心"):
        services.direct_award(actor=personas.heji, account=account, item=county_only, reason="勇救落水儿童")
    with pytest.raises(DomainError, match="评定理由"):
        services.direct_award(actor=personas.heji, account=account, item=good, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        a = services.direct_award(
            actor=personas.heji, account=account, item=good, reason="照顾老人", idempotency_key="k"
        )
        b = services.direct_award(
            actor=personas.heji, account=account, item=good, reason="照顾老人", idempotency_key="k"
        )
    assert a.pk == b.pk and balance(account) == 5
    assert Notice.objects.filter(recipient=user, kind="points_award").count() == 1


def test_overdue_reminder_runs_once(personas):
    from gongzhi.points.tasks import remind_overdue_declarations

    user, account, *_, good = setup(personas)
    d = declare(user, account, good)
    PointDeclaration.objects.filter(pk=d.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert services.overdue_declarations_remind() == 1
    assert Notice.objects.filter(recipient=personas.wgy, kind="points_overdue").count() == 1
    assert remind_overdue_declarations.call_local() == 0
    assert HEJI in d.area_id
