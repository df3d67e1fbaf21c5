"""Pages and API lists of the 积分制 read a fixed number of queries, however many rows they show:
the 积分分享大会 list of the API (each meeting with its roll) and the resident's shop home (each shop
with its rewards). Persona: heji (贺集村 staff) reads the meetings; a villager of 贺集村 shops."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.points.models import MeetingAwardee, SharingMeeting
from tests.conftest import GAOYANG, HEJI, HEJI_GRID1, api_token
from tests.points.factories import resident_with_account
from tests.points.factories import reward as make_reward
from tests.points.factories import shop as make_shop

pytestmark = pytest.mark.django_db


def queries(fetch) -> int:
    fetch()  # the first request of a session also writes the session and caches the user's accounts
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content
    return len(captured)


def add_meeting(n: int, accounts) -> None:
    meeting = SharingMeeting.objects.create(area_id=HEJI, title=f"第{n}次积分分享大会", held_on="2026-12-20",
                                           place="贺集村党群服务中心")  # fmt: skip
    for order, account in enumerate(accounts):
        MeetingAwardee.objects.create(meeting=meeting, account=account, honour="积分之星", order=order)


def test_the_meetings_api_reads_the_same_queries_for_one_meeting_or_many(personas):
    accounts = [resident_with_account(personas.heji, HEJI_GRID1, username=f"v{i}", name=f"村民{i}")[1]
                for i in range(3)]  # fmt: skip
    client = Client()
    token = api_token(client, "heji")
    fetch = lambda: client.get("/api/v1/points/boards/meetings", HTTP_AUTHORIZATION=f"Bearer {token}")  # noqa: E731
    add_meeting(1, accounts[:1])
    one = queries(fetch)
    for n in range(2, 6):
        add_meeting(n, accounts)
    many = queries(fetch)
    assert len(fetch().json()) == 5
    assert many == one


def test_the_shop_home_reads_the_same_queries_for_one_shop_or_two(personas):
    user, _account = resident_with_account(personas.heji, HEJI_GRID1)
    village = make_shop(HEJI)
    make_reward(village, "洗衣粉")
    client = Client()
    client.force_login(user)
    fetch = lambda: client.get("/points/shop/")  # noqa: E731
    one = queries(fetch)
    make_reward(village, "大米")
    town = make_shop(GAOYANG, name="高阳镇积分超市")
    for name in ("食用油", "毛巾", "香皂"):
        make_reward(town, name)
    two = queries(fetch)
    assert "高阳镇积分超市" in fetch().content.decode()
    assert two == one
