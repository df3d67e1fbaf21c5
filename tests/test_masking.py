"""Masking keeps identifiers recognisable to their owner but useless to a reader."""

import pytest

from gongzhi.kernel.masking import mask_id_number, mask_phone


@pytest.mark.parametrize(
    "value, masked",
    [
        ("42082219900101123X", "4208**********123X"),
        ("E12345689", "E1*****89"),
        ("N42012345678", "N4********78"),
        ("1234567", "1******"),
        ("", ""),
    ],
)
def test_id_numbers(value, masked):
    assert mask_id_number(value) == masked
    visible = sum(1 for a, b in zip(value, masked, strict=True) if a == b and b != "*")
    assert visible <= max(len(value) // 2, 1)


def test_phones():
    assert mask_phone("13512342210") == "135****2210"
    assert mask_phone("0724-8521234") == "072*****1234"
