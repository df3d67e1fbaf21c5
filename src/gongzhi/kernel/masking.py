"""Masking of personal identifiers for display (design.md §5)."""


def mask_id_number(value: str | None) -> str:
    """'420822199001011234' -> '4208**********1234'; shorter numbers (passports, permits) keep
    at most a quarter of their characters visible, so a 9-character passport shows 'E1*****89'."""
    if not value:
        return ""
    n = len(value)
    if n >= 15:
        head, tail = 4, 4
    elif n >= 8:
        head, tail = 2, 2
    else:
        head, tail = 1, 0
    return value[:head] + "*" * (n - head - tail) + (value[-tail:] if tail else "")


def mask_phone(value: str | None) -> str:
    """'13512342210' -> '135****2210'."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
