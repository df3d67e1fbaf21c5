"""Idempotency keys: what a client may send, checked instead of cut.

A key is a client's name for one intended write. Cutting a long key to the column's length would
make two different keys that share a prefix one key, and silently drop the second write, so a key
that does not fit is refused with a clear error naming where it came from."""

import re

from .errors import DomainError

HEADER = "Idempotency-Key"
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")


def clean_key(
    raw: str | None, *, limit: int, field: str = HEADER, label: str = "请求头 Idempotency-Key"
) -> str:
    """The key without surrounding blanks ("" when none was sent), or a DomainError naming `field`
    when it is longer than `limit` characters or holds anything but printable ASCII."""
    key = (raw or "").strip()
    if not key:
        return ""
    if not _PRINTABLE_ASCII.fullmatch(key):
        raise DomainError(
            f"{label}只能由可打印的 ASCII 字符（字母、数字、符号）组成，不能含中文、全角或控制字符；"
            "建议每次写入生成一个 UUID。",
            field=field,
            code="invalid_idempotency_key",
        )
    if len(key) > limit:
        raise DomainError(
            f"{label}最长 {limit} 个字符，收到 {len(key)} 个；请改用较短的键（如 UUID），重发时原样带上。",
            field=field,
            code="invalid_idempotency_key",
        )
    return key
