"""Checks of identifiers: 公民身份号码 (GB 11643), mobile/landline numbers, 统一社会信用代码 (GB 32100)."""

import re
from datetime import date

from stdnum.cn import ric, uscc

from .errors import DomainError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def check_id_number(value: str, *, birth_date: date | None = None, gender: str | None = None) -> str:
    """Return the normalised 18-digit number, or raise naming what is wrong.

    The 17th digit is odd for men and even for women; digits 7–14 are the birth date.
    `gender` uses GB/T 2261.1 codes: '1' 男, '2' 女.
    """
    number = normalise_id_number(value)
    if not number:
        raise DomainError("公民身份号码不能为空。", field="id_number")
    if len(number) != 18:
        raise DomainError(f"公民身份号码应为 18 位，实为 {len(number)} 位。", field="id_number")
    try:
        ric.validate(number)
    except ric.InvalidChecksum:
        raise DomainError("公民身份号码校验位错误（GB 11643），请核对。", field="id_number") from None
    except (ric.InvalidFormat, ric.InvalidComponent, ric.ValidationError):
        raise DomainError("公民身份号码格式错误：出生日期或地区码无效。", field="id_number") from None
    born = ric.get_birth_date(number)
    if birth_date is not None and born != birth_date:
        raise DomainError(
            f"公民身份号码中的出生日期 {born:%Y-%m-%d} 与填写的出生日期 {birth_date:%Y-%m-%d} 不符。",
            field="id_number",
        )
    if gender in ("1", "2"):
        coded = "1" if int(number[16]) % 2 else "2"
        if coded != gender:
            raise DomainError("公民身份号码中的性别与填写的性别不符。", field="id_number")
    return number


def id_birth_and_gender(number: str) -> tuple[date, str]:
    """Birth date and gender code encoded in a valid number."""
    return ric.get_birth_date(number), ("1" if int(number[16]) % 2 else "2")


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
