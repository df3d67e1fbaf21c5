"""Factory functions for registry tests: valid GB 11643 numbers, people through the real service."""

import itertools
from datetime import date

from gongzhi.kernel.identity import gb11643_check_digit
from gongzhi.people.services import household_save, person_save

_seq = itertools.count(50)


def id_number(*, born: date = date(1980, 5, 17), male: bool = True, region: str = "420822") -> str:
    """A valid 18-digit number; the sequence's last digit is odd for men, even for women."""
    seq = (2 * next(_seq) + (1 if male else 0)) % 1000
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + gb11643_check_digit(body)


def make_person(actor, area_code: str, name: str = "张三", **extra):
    data = {
        "name": name,
        "id_number": extra.pop("id_number", None) or id_number(),
        "phone": extra.pop("phone", "13912345678"),
        "area_code": area_code,
        "address": extra.pop("address", "测试地址 1 号"),
    }
    data.update(extra)
    return person_save(actor=actor, data=data)


def make_household(actor, area_code: str, no: str = "0001", **extra):
    data = {"household_no": no, "area_code": area_code, "address": "测试地址 1 号", **extra}
    return household_save(actor=actor, data=data)
