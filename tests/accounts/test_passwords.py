"""Password policy: guessable passwords are refused — names of the product and of the user's places
(in characters or pinyin), years as the distinguishing part, repeats and runs."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from gongzhi.accounts.passwords import banned_words
from gongzhi.accounts.services import user_grant_role
from gongzhi.demo import data
from gongzhi.kernel.errors import DomainError

from ..conftest import GAOYANG, HEJI, PASSWORD

pytestmark = pytest.mark.django_db


def refusal(password: str, user) -> str:
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password(password, user)
    return "；".join(exc.value.messages)


@pytest.mark.parametrize(
    "password, why",
    [
        ("Gongzhi2026", "产品名、地名、用户名或年份"),
        ("Shayang2026", "产品名、地名、用户名或年份"),
        ("Jingmen@2031", "产品名、地名、用户名或年份"),
        ("共治@2026Ab", "产品名、地名、用户名或年份"),
        ("Gaoyang#Heji1", "产品名、地名、用户名或年份"),  # the user's town and village, in pinyin
        ("Aa1aaaaa", "重复或连续"),
        ("11111111aA", "重复或连续"),
        ("Abcd1234!", "太容易被猜中"),
        ("Qwer1234!", "太容易被猜中"),
        ("Password2026!", "太容易被猜中"),
    ],
)
def test_guessable_passwords_are_refused(personas, password, why):
    assert why in refusal(password, personas.heji)


def test_place_names_come_from_the_users_area_tree(personas):
    words = banned_words(personas.heji)
    assert {"heji", "贺集", "gaoyang", "shayang", "沙洋", "jingmen", "hubei", "gongzhi", "共治"} <= set(words)
    # A town's staff are not refused the names of villages elsewhere.
    assert "heji" not in banned_words(personas.gaoyang)
    assert "产品名、地名" in refusal("Gaoyang@2026", personas.gaoyang)


def test_settings_list_is_refused_too(personas, settings):
    settings.PASSWORD_BANNED_WORDS = ["Zhihui", "智慧"]
    assert "产品名、地名" in refusal("Zhihui@2026", personas.heji)


@pytest.mark.parametrize("password", [PASSWORD, data.PASSWORD, "New@Pass2027", "Zq8!mT3#vLp"])
def test_strong_passwords_pass(personas, password):
    password_validation.validate_password(password, personas.heji)


def test_services_refuse_with_a_chinese_message(personas):
    with pytest.raises(DomainError) as exc:
        user_grant_role(username="newstaff", role="village_staff", area_code=HEJI, password="Heji@2026")
    assert exc.value.field == "password" and "密码不符合要求" in exc.value.message
    # The grant is not half-made.
    from gongzhi.accounts.models import User

    assert not User.objects.filter(username="newstaff").exists()
    assert user_grant_role(username="newstaff", role="town_staff", area_code=GAOYANG, password=PASSWORD)
