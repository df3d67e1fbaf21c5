"""Residents sign in with their registered phone and an SMS code; the account links to their record."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.models import PhoneCode, ResidentLink
from gongzhi.accounts.throttle import phone_code_policy
from gongzhi.kernel.jurisdiction import area_codes_for
from gongzhi.notices.sms import MemoryBackend

from ..conftest import HEJI_GRID1
from ..people.factories import make_person

pytestmark = pytest.mark.django_db
PHONE = "13972561234"


@pytest.fixture
def villager(personas, settings):
    settings.SMS_BACKEND = "gongzhi.notices.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    return make_person(personas.heji, HEJI_GRID1, "刘桂兰", phone=PHONE)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """The code leaves by SMS once its transaction commits; the test's own transaction never does,
    so a send runs inside this, which delivers as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def last_code() -> str:
    phone, text = MemoryBackend.outbox[-1]
    assert phone == PHONE
    return re.search(r"验证码是 (\d{6})", text).group(1)


def test_sign_in_creates_a_linked_resident(villager, committed):
    client = Client()
    with committed():
        page = client.post("/login/phone/", {"phone": PHONE, "step": "send"}).content.decode()
    assert "验证码" in page and "演示模式" not in page  # the code goes by SMS, not on screen
    response = client.post("/login/phone/", {"phone": PHONE, "step": "verify", "code": last_code()})
    assert response.status_code == 302 and response["Location"] == "/my/cases/"
    link = ResidentLink.objects.get(person=villager)
    assert area_codes_for(link.user) == [HEJI_GRID1] and link.user.full_name == "刘桂兰"
    # No code or phone in clear in the database.
    assert not PhoneCode.objects.filter(code_digest=last_code()).exists()
    # Reporting now records who reported.
    client.post("/my/report/", {"kind": "advice", "description": "建议在村口装一盏路灯。", "area_code": HEJI_GRID1,
                                "address": "村口"})  # fmt: skip
    from gongzhi.cases.models import Case

    assert Case.objects.get().reporter_person == villager


def test_second_sign_in_reuses_the_account(villager, committed):
    from gongzhi.people.residents.services import phone_code_send, phone_code_verify

    with committed():
        phone_code_send(phone=PHONE)
    first = phone_code_verify(phone=PHONE, code=last_code())
    PhoneCode.objects.update(created_at=PhoneCode.objects.first().created_at.replace(year=2020))
    with committed():
        phone_code_send(phone=PHONE)
    assert phone_code_verify(phone=PHONE, code=last_code()) == first


def test_unregistered_phone_is_told_what_to_do_without_being_told_apart(villager, committed):
    with committed():
        page = Client().post("/login/phone/", {"phone": "13800000000", "step": "send"}).content.decode()
    # The page says what to do if not registered, the same page a registered phone gets.
    assert "未登记的请联系所在村(社区)的网格员登记" in page and 'id="id_code"' in page
    assert MemoryBackend.outbox == []  # no SMS to a number outside the registry
    assert PhoneCode.objects.count() == 1  # a code is made all the same, and cannot sign in
    page = Client().post("/login/phone/", {"phone": "13800000000", "step": "verify", "code": "123456"})
    assert page.status_code == 400 and "未在实有人口中登记的手机号无法登录" in page.content.decode()


def send_code(phone: str, address: str):
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/phone/code", {"phone": phone}, content_type="application/json"
    )


def test_known_and_unknown_phones_get_the_same_answer(villager, committed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answers = []
    for phone, address in ((PHONE, "203.0.113.1"), ("13800000000", "203.0.113.2")):
        with committed(), CaptureQueriesContext(connection) as queries:
            response = send_code(phone, address)
        answers.append((response.status_code, response.content, dict(response.headers), len(queries)))
    assert answers[0][0] == answers[1][0] == 200
    assert answers[0][1] == answers[1][1] == b'{"sent": true, "demo_code": null}'
    assert answers[0][2] == answers[1][2]
    # The same work: the same database statements for either (only the SMS leaves for one).
    assert answers[0][3] == answers[1][3]
    assert len(MemoryBackend.outbox) == 1
    # Asking again at once is throttled alike.
    again = [send_code(phone, "203.0.113.3") for phone in (PHONE, "13800000000")]
    assert [r.status_code for r in again] == [429, 429]
    assert again[0].json()["error"]["message"] == again[1].json()["error"]["message"]


def test_codes_are_throttled_per_phone_and_per_address(villager, committed):
    policy = phone_code_policy()
    start = timezone.now()
    # Per phone: one per minute, then no more than five in an hour.
    for i in range(policy.per_phone_hour):
        with time_machine.travel(start + timedelta(seconds=61 * i)), committed():
            assert send_code(PHONE, f"198.51.100.{i}").status_code == 200
    with time_machine.travel(start + timedelta(seconds=61 * policy.per_phone_hour)):
        response = send_code(PHONE, "198.51.100.99")
    assert response.status_code == 429 and "验证码发送过于频繁" in response.json()["error"]["message"]
    assert 0 < int(response["Retry-After"]) <= 3600
    response = send_code(PHONE, "198.51.100.98")
    assert response.status_code == 429 and "秒后再试" in response.json()["error"]["message"]
    # Per address: twenty numbers from one address in an hour, then 429 for any number.
    for i in range(policy.per_address_hour):
        assert send_code(f"1390000{i:04d}", "203.0.113.50").status_code == 200
    response = send_code("13911112222", "203.0.113.50")
    assert response.status_code == 429 and "本地址获取验证码过于频繁" in response.json()["error"]["message"]
    assert int(response["Retry-After"]) > 3000
    page = Client(REMOTE_ADDR="203.0.113.50").post("/login/phone/", {"phone": "13911112222", "step": "send"})
    assert page.status_code == 429 and page["Retry-After"]


def test_resend_is_throttled(villager, committed):
    client = Client()
    with committed():
        client.post("/login/phone/", {"phone": PHONE, "step": "send"})
    with committed():
        page = client.post("/login/phone/", {"phone": PHONE, "step": "send"}).content.decode()
    assert "60 秒后再试" in page and len(MemoryBackend.outbox) == 1


def test_wrong_codes_lock(villager, committed):
    client = Client()
    with committed():
        client.post("/login/phone/", {"phone": PHONE, "step": "send"})
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        page = client.post(
            "/login/phone/", {"phone": PHONE, "step": "verify", "code": wrong}
        ).content.decode()
    assert "账号已锁定" in page
    page = client.post("/login/phone/", {"phone": PHONE, "step": "verify", "code": code}).content.decode()
    assert "账号已锁定" in page and not ResidentLink.objects.exists()


def test_api_flow(client, villager, committed):
    with committed():
        sent = client.post("/api/v1/auth/phone/code", {"phone": PHONE}, content_type="application/json")
    assert sent.json()["sent"]
    response = client.post("/api/v1/auth/phone/token", {"phone": PHONE, "code": last_code()},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {response.json()['token']}"}).json()
    assert me["grants"][0]["role"] == "resident"


def test_demo_mode_shows_the_code(villager, settings, committed):
    settings.DEMO = True
    with committed():
        page = Client().post("/login/phone/", {"phone": PHONE, "step": "send"}).content.decode()
    assert 'id="demo-code"' in page and last_code() in page
