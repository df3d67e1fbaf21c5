"""GB 11643 ID numbers, phones and credit codes: checked by rule, refused in Chinese."""

from datetime import date

import pytest

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.identity import check_id_number, check_phone, check_uscc, gb11643_check_digit

# The standard's own example (GB 11643-1999 appendix): 11010519491231002X.
EXAMPLE = "11010519491231002X"


def test_standard_example_and_check_digit():
    assert gb11643_check_digit(EXAMPLE[:17]) == "X"
    assert check_id_number(EXAMPLE.lower()) == EXAMPLE
    assert check_id_number(EXAMPLE, birth_date=date(1949, 12, 31), gender="2") == EXAMPLE


def test_abolished_county_codes_stay_valid():
    # 沙洋县 420822 — and a number issued under any county code that has since changed — is valid.
    body = "42082219800517101"
    assert check_id_number(body + gb11643_check_digit(body)).startswith("420822")


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "不能为空"),
        ("1101051949123100", "应为 18 位"),
        ("11010519491231002Y", "只能由数字组成"),
        ("99010519491231002X", "地区码"),
        ("110105194913310020", "不是有效日期"),
        ("110105194912310021", "校验位"),
    ],
)
def test_bad_numbers(value, message):
    with pytest.raises(DomainError, match=message):
        check_id_number(value)


def test_birth_date_and_gender_must_agree():
    with pytest.raises(DomainError, match="出生日期"):
        check_id_number(EXAMPLE, birth_date=date(1950, 1, 1))
    with pytest.raises(DomainError, match="性别"):
        check_id_number(EXAMPLE, gender="1")


@pytest.mark.parametrize("value, clean", [("135 1234 2210", "13512342210"), ("+8613512342210", "13512342210"),
                                          ("0724-8521234", "0724-8521234"), ("", "")])  # fmt: skip
def test_phones(value, clean):
    assert check_phone(value) == clean


@pytest.mark.parametrize("value", ["12345", "23512342210", "1351234221"])
def test_bad_phones(value):
    with pytest.raises(DomainError, match="无效"):
        check_phone(value)


def test_credit_code():
    assert check_uscc("91110000600037341l") == "91110000600037341L"
    with pytest.raises(DomainError, match="统一社会信用代码"):
        check_uscc("91110000600037341X")
