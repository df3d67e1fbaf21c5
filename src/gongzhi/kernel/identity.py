"""Checks of identifiers: 公民身份号码 (GB 11643), mobile/landline numbers, 统一社会信用代码 (GB 32100)."""

import re
from datetime import date

from stdnum.cn import uscc

from .errors import DomainError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# Province-level prefixes of GB/T 2260 (81/82/83: 港澳台居民居住证).
_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
}  # fmt: skip


def gb11643_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def check_id_number(value: str, *, birth_date: date | None = None, gender: str | None = None) -> str:
    """Return the normalised 18-digit number, or raise naming what is wrong.

    The county part of the region code is not checked against today's 区划 list on purpose:
    a number keeps the code of the county that issued it, and many of those have since been
    merged or renamed (python-stdnum's list rejects such numbers, 420822 沙洋县 among them).
    Digits 7–14 are the birth date; the 17th digit is odd for men and even for women.
    `gender` uses GB/T 2261.1 codes: '1' 男, '2' 女.
    """
    number = normalise_id_number(value)
    if not number:
        raise DomainError("公民身份号码不能为空。", field="id_number")
    if len(number) != 18:
        raise DomainError(f"公民身份号码应为 18 位，实为 {len(number)} 位。", field="id_number")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise DomainError("公民身份号码只能由数字组成，最后一位可以是 X。", field="id_number")
    if number[:2] not in _PROVINCES:
        raise DomainError(f"公民身份号码的地区码 {number[:6]} 无效。", field="id_number")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError(
            f"公民身份号码中的出生日期 {number[6:14]} 不是有效日期。", field="id_number"
        ) from None
    if born.year < 1880 or born > date.today():
        raise DomainError(f"公民身份号码中的出生日期 {born:%Y-%m-%d} 不合理。", field="id_number")
    if gb11643_check_digit(number[:17]) != number[17]:
        raise DomainError("公民身份号码校验位错误（GB 11643），请核对。", field="id_number")
    if birth_date is not None and born != birth_date:
        raise DomainError(
            f"公民身份号码中的出生日期 {born:%Y-%m-%d} 与填写的出生日期 {birth_date:%Y-%m-%d} 不符。",
            field="id_number",
        )
    if gender in ("1", "2") and id_birth_and_gender(number)[1] != gender:
        raise DomainError("公民身份号码中的性别与填写的性别不符。", field="id_number")
    return number


def id_birth_and_gender(number: str) -> tuple[date, str]:
    """Birth date and gender code encoded in a valid number."""
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return born, ("1" if int(number[16]) % 2 else "2")


def check_phone(value: str, *, field: str = "phone", required: bool = False) -> str:
    """A mainland mobile (11 digits) or a landline with area code; '' when optional and empty."""
    phone = re.sub(r"[\s()（）]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not phone:
        if required:
            raise DomainError("联系电话不能为空。", field=field)
        return ""
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise DomainError(f"联系电话 {phone} 无效：手机号为 1 开头的 11 位数字，座机须带区号。", field=field)
    return phone.replace("-", "") if _MOBILE.match(phone.replace("-", "")) else phone


def check_uscc(value: str) -> str:
    code = (value or "").strip().upper()
    if not code:
        return ""
    if not uscc.is_valid(code):
        raise DomainError(f"统一社会信用代码 {code} 无效（GB 32100 校验失败）。", field="credit_code")
    return code
