"""Residents sign in with their registered phone and an SMS code; the account links to their record."""

import re

import pytest
from django.test import Client

from gongzhi.accounts.models import PhoneCode, ResidentLink
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


def test_unregistered_phone_is_told_what_to_do(db):
    page = Client().post("/login/phone/", {"phone": "13800000000", "step": "send"}).content.decode()
    assert "未在实有人口中登记" in page


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
