"""红黑榜: one review per village and quarter, stages nominating → reviewing → published → closed,
decisions only while reviewing, the publication window, black entries masked and cleared after
remediation (recorded, never erased).

Who may do what (personas of tests/conftest.py):
- heji      opens 贺集村's review, nominates, decides, publishes, closes, clears.
- wgy       grid worker of 贺集村第1网格: nominates people of the grid (red or black), decides nothing.
- resident  resident of 贺集村: recommends for the red list only; sees the lists during the window.
- guodian   staff of 郭店村: nothing in 贺集村.
"""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from gongzhi.areas.models import Area
from gongzhi.audit.models import AuditEvent
from gongzhi.civic import services as civic
from gongzhi.civic.choices import NominationStatus, ReviewStage
from gongzhi.civic.models import MoralNomination
from gongzhi.civic.moral import quarter_of
from gongzhi.kernel.errors import Conflict, DomainError, Forbidden
from gongzhi.notices.models import Notice
from tests.conftest import GAOYANG, HEJI, HEJI_GRID1
from tests.points.factories import resident_with_account

pytestmark = pytest.mark.django_db


def this_quarter() -> str:
    return quarter_of(timezone.localdate())


@pytest.fixture
def review(personas):
    return civic.review_open(actor=personas.heji, area=Area.objects.get(code=HEJI), quarter=this_quarter())


@pytest.fixture
def villagers(personas):
    """Two villagers of 贺集村第1网格 with sign-in accounts: 李秀英 (good deeds) and 王小二 (not)."""
    good = resident_with_account(personas.heji, HEJI_GRID1, username="lxy", name="李秀英")
    bad = resident_with_account(personas.heji, HEJI_GRID1, username="wxe", name="王小二")
    return good, bad


def nominate_both(personas, review, villagers):
    (_, good), (_, bad) = villagers
    red = civic.nominate(actor=personas.wgy, review=review, board="red", account=good,
                         reason="常年照顾孤寡老人", evidence="邻居证言")  # fmt: skip
    black = civic.nominate(actor=personas.heji, review=review, board="black", account=bad,
                           reason="乱倒建筑垃圾屡劝不改", evidence="网格员巡查照片记录 3 次")  # fmt: skip
    return red, black


def published(personas, review, villagers, **window):
    red, black = nominate_both(personas, review, villagers)
    civic.review_start(actor=personas.heji, review=review)
    civic.nomination_decide(actor=personas.heji, nomination=red, accept=True)
    civic.nomination_decide(actor=personas.heji, nomination=black, accept=True, note="事实清楚")
    civic.review_publish(actor=personas.heji, review=review, **window)
    return red, black


def test_one_review_per_village_and_quarter(personas, review):
    with pytest.raises(Conflict, match="已经开展"):
        civic.review_open(actor=personas.heji, area=Area.objects.get(code=HEJI), quarter=this_quarter())
    with pytest.raises(DomainError, match="2026Q5.*YYYYQn") as exc:
        civic.review_open(actor=personas.heji, area=Area.objects.get(code=HEJI), quarter="2026Q5")
    assert exc.value.field == "quarter"
    with pytest.raises(DomainError, match="按村"):
        civic.review_open(actor=personas.gaoyang, area=Area.objects.get(code=GAOYANG), quarter=this_quarter())
    with pytest.raises(DomainError, match="尚未到来"):
        civic.review_open(actor=personas.heji, area=Area.objects.get(code=HEJI), quarter="2099Q1")
    with pytest.raises(Forbidden):
        civic.review_open(actor=personas.guodian, area=Area.objects.get(code=HEJI), quarter="2025Q4")
    assert AuditEvent.objects.filter(action="points.review_open", object_id=str(review.pk)).exists()


def test_stage_rules(personas, review, villagers):
    (_, good), (_, bad) = villagers
    red, black = nominate_both(personas, review, villagers)
    with pytest.raises(Conflict, match="只有评议中才能作出决定"):
        civic.nomination_decide(actor=personas.heji, nomination=red, accept=True)
    with pytest.raises(Conflict, match="评议当前为「提名中」阶段，不能公示"):
        civic.review_publish(actor=personas.heji, review=review)
    with pytest.raises(Forbidden):
        civic.review_start(actor=personas.wgy, review=review)
    civic.review_start(actor=personas.heji, review=review)
    with pytest.raises(Conflict, match="不再接受提名"):
        civic.nominate(actor=personas.heji, review=review, board="red", account=bad, reason="后来的提名理由")
    with pytest.raises(Forbidden):
        civic.nomination_decide(actor=personas.wgy, nomination=red, accept=True)
    civic.nomination_decide(actor=personas.heji, nomination=red, accept=True)
    with pytest.raises(Conflict, match="已评议"):
        civic.nomination_decide(actor=personas.heji, nomination=red, accept=False, note="改主意")
    with pytest.raises(Conflict, match="还有 1 条提名未评议"):
        civic.review_publish(actor=personas.heji, review=review)
    with pytest.raises(DomainError, match="请填写评议意见"):
        civic.nomination_decide(actor=personas.heji, nomination=black, accept=False)
    civic.nomination_decide(actor=personas.heji, nomination=black, accept=False, note="证据不足")
    civic.review_publish(actor=personas.heji, review=review)
    today = timezone.localdate()
    assert (review.stage, review.publish_from, review.publish_until) == (
        "published",
        today,
        today + timedelta(days=6),
    )
    civic.review_close(actor=personas.heji, review=review)
    assert review.stage == ReviewStage.CLOSED
    with pytest.raises(Conflict):
        civic.review_close(actor=personas.heji, review=review)


def test_who_nominates_what(personas, review, villagers):
    (good_user, good), (_, bad) = villagers
    with pytest.raises(Forbidden, match="居民只能推荐红榜"):
        civic.nominate(actor=personas.resident, review=review, board="black", account=bad, reason="乱倒垃圾多次",
                       evidence="我亲眼所见")  # fmt: skip
    n = civic.nominate(
        actor=personas.resident, review=review, board="red", account=good, reason="热心帮助邻居"
    )
    assert n.status == NominationStatus.PENDING
    with pytest.raises(Forbidden, match="不能提名本人"):
        civic.nominate(actor=good_user, review=review, board="red", account=good, reason="我自己很优秀")
    with pytest.raises(Forbidden):
        civic.nominate(actor=personas.guodian, review=review, board="red", account=bad, reason="热心帮助邻居")
    with pytest.raises(Conflict, match="已被提名红榜"):
        civic.nominate(actor=personas.heji, review=review, board="red", account=good, reason="热心帮助邻居")
    with pytest.raises(DomainError, match="黑榜提名须附佐证") as exc:
        civic.nominate(actor=personas.heji, review=review, board="black", account=bad, reason="乱倒垃圾多次")
    assert exc.value.field == "evidence"
    with pytest.raises(DomainError, match="榜单须为") as exc:
        civic.nominate(actor=personas.heji, review=review, board="grey", account=bad, reason="乱倒垃圾多次")
    assert MoralNomination.objects.count() == 1


def test_black_clear_only_for_accepted_black_entries(
    personas, review, villagers, django_capture_on_commit_callbacks
):
    (_, good), (bad_user, bad) = villagers
    red, black = nominate_both(personas, review, villagers)
    with pytest.raises(Conflict, match="待评议"):
        civic.black_clear(actor=personas.heji, nomination=black, reason="已清理完毕并签订承诺书")
    civic.review_start(actor=personas.heji, review=review)
    civic.nomination_decide(actor=personas.heji, nomination=red, accept=True)
    civic.nomination_decide(actor=personas.heji, nomination=black, accept=True, note="属实")
    with pytest.raises(DomainError, match="只有黑榜"):
        civic.black_clear(actor=personas.heji, nomination=red, reason="已清理完毕并签订承诺书")
    with django_capture_on_commit_callbacks(execute=True):
        civic.review_publish(actor=personas.heji, review=review)
    assert Notice.objects.filter(recipient=bad_user, kind="moral_review", text__contains="黑榜").exists()
    assert civic.public_lists(review)["black"] == [{"name": "王*", "reason": "乱倒建筑垃圾屡劝不改"}]
    with pytest.raises(Forbidden):
        civic.black_clear(actor=personas.wgy, nomination=black, reason="已清理完毕并签订承诺书")
    civic.black_clear(actor=personas.heji, nomination=black, reason="已清理完毕并签订承诺书")
    assert black.status == NominationStatus.CLEARED and black.cleared_by == personas.heji
    assert civic.public_lists(review)["black"] == []
    assert MoralNomination.objects.filter(pk=black.pk).exists()  # recorded, never erased
    with pytest.raises(Conflict, match="已整改销号"):
        civic.black_clear(actor=personas.heji, nomination=black, reason="再次销号的理由")


def test_rejected_black_entry_cannot_be_cleared(personas, review, villagers):
    _, black = nominate_both(personas, review, villagers)
    civic.review_start(actor=personas.heji, review=review)
    civic.nomination_decide(actor=personas.heji, nomination=black, accept=False, note="证据不足")
    with pytest.raises(Conflict, match="未上榜"):
        civic.black_clear(actor=personas.heji, nomination=black, reason="已清理完毕并签订承诺书")


def test_residents_see_the_lists_only_during_the_window(
    personas, review, villagers, django_capture_on_commit_callbacks
):
    (good_user, _), _ = villagers
    today = timezone.localdate()
    assert list(civic.public_reviews(personas.resident)) == []
    with django_capture_on_commit_callbacks(execute=True):
        published(personas, review, villagers, publish_from=today + timedelta(days=1))
    assert Notice.objects.filter(recipient=good_user, kind="moral_review", text__contains="红榜").exists()
    assert list(civic.public_reviews(personas.resident)) == []  # not yet
    assert list(civic.public_reviews(personas.resident, today=today + timedelta(days=1))) == [review]
    assert list(civic.public_reviews(personas.resident, today=today + timedelta(days=7))) == [review]
    assert list(civic.public_reviews(personas.resident, today=today + timedelta(days=8))) == []  # over
    assert list(civic.public_reviews(personas.guodian, today=today + timedelta(days=1))) == []
    lists = civic.public_lists(review)
    assert lists == {"red": [{"name": "李秀英", "reason": "常年照顾孤寡老人"}],
                     "black": [{"name": "王*", "reason": "乱倒建筑垃圾屡劝不改"}]}  # fmt: skip
    civic.review_close(actor=personas.heji, review=review)
    assert list(civic.public_reviews(personas.resident, today=today + timedelta(days=1))) == []


def test_publication_window_is_checked(personas, review, villagers):
    today = timezone.localdate()
    nominate_both(personas, review, villagers)
    civic.review_start(actor=personas.heji, review=review)
    review.nominations.update(status=NominationStatus.REJECTED)
    with pytest.raises(DomainError, match="不能早于开始日期"):
        civic.review_publish(
            actor=personas.heji, review=review, publish_from=today, publish_until=today - timedelta(1)
        )
    with pytest.raises(DomainError, match="不能超过 60 天"):
        civic.review_publish(actor=personas.heji, review=review, publish_until=today + timedelta(days=90))
    with pytest.raises(Forbidden):
        civic.review_publish(actor=personas.guodian, review=review)


def test_evidence_photos_only_for_village_staff_and_the_nominator(
    personas, review, villagers, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Black-list evidence is not public: the village's staff and grid workers open it; villagers
    (even of the same village, even once the lists are published) and other villages get a 404."""
    settings.MEDIA_ROOT = tmp_path  # a file left by an earlier run must not stand in for this one
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    (_, _), (_, bad) = villagers
    with django_capture_on_commit_callbacks(execute=True):  # the photo file is written after commit
        nomination = civic.nominate(actor=personas.heji, review=review, board="black", account=bad,
                                    reason="乱倒建筑垃圾屡劝不改", photos=[("x.png", buffer.getvalue())])  # fmt: skip
    url = nomination.photos.get().url
    for name in ("heji", "wgy"):
        assert personas.client(name).get(url).status_code == 200, name
    for name in ("resident", "guodian"):
        assert personas.client(name).get(url).status_code == 404, name
    civic.review_start(actor=personas.heji, review=review)
    civic.nomination_decide(actor=personas.heji, nomination=nomination, accept=True, note="事实清楚")
    civic.review_publish(actor=personas.heji, review=review)
    villager = villagers[0][0]
    client = Client()
    client.force_login(villager)
    assert client.get(url).status_code == 404
