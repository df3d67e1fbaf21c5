"""Masking of personal identifiers for display (design.md §5)."""


def mask_id_number(value: str | None) -> str:
    """'420822199001011234' -> '4208**********1234'."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """'13512342210' -> '135****2210'."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
