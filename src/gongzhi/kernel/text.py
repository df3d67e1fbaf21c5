"""The one set of rules for text people send us, whatever the channel (API, pages, Excel import).

- Invisible control characters are refused: C0 except tab, newline and carriage return, DEL, C1
  (U+0080–U+009F), lone surrogates and the Unicode noncharacters (U+FDD0–U+FDEF, U+FFFE/U+FFFF
  of every plane). They cannot be seen, break exports and PostgreSQL (NUL), and are never meant.
- Every text column declares its maximum on the model field (`max_length`, on TextField too);
  forms derive from it, and `guard_model_text` refuses an over-long value on every save of a
  model of our apps, so nothing is ever cut silently and SQLite agrees with PostgreSQL.

The HTTP edge (kernel.api_errors.InputGuardMiddleware) applies the control-character rule to every
query string, JSON body and form post; the Excel import applies it cell by cell.
"""

import re

from django.db import models

from .errors import DomainError, Invalid

_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + re.escape(_NONCHARACTERS) + "]"
)


def control_char(value) -> str | None:
    """The first refused character of `value` as 'U+001F', or None."""
    if not isinstance(value, str):
        return None
    found = CONTROL.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def control_message(label: str, code: str) -> str:
    return f"{label}含有不可见的控制字符（{code}），请删除后重试。"


def length_message(label: str, limit: int, length: int) -> str:
    return f"{label}不能超过 {limit} 个字（现有 {length} 个字）。"


def problem(label: str, value, limit: int | None = None) -> str | None:
    """Why `value` is not acceptable text for the field `label` (at most `limit` characters), or None."""
    if not isinstance(value, str):
        return None
    code = control_char(value)
    if code:
        return control_message(label, code)
    if limit is not None and len(value) > limit:
        return length_message(label, limit, len(value))
    return None


def limit(model, field: str) -> int:
    """The declared maximum length of a model's text field: schemas and forms take it from here."""
    return model._meta.get_field(field).max_length


def text_fields(model) -> list:
    """The model's own CharField/TextField columns (EmailField, SlugField … are CharFields)."""
    return [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]


def guard_model_text(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: refuse a text value with control characters or beyond its field's max_length,
    naming the field and the limit (Invalid, so pages put it on the form and the API answers 400)."""
    if raw:  # loading fixtures
        return
    errors = []
    for field in text_fields(sender):
        message = problem(str(field.verbose_name), getattr(instance, field.attname), field.max_length)
        if message:
            errors.append((field.name, message))
    if errors:
        raise Invalid(errors)


def walk_strings(value, path: str = ""):
    """(path, string) of every key and string in a parsed JSON document; paths like 'parties[0].name'."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, key
            yield from walk_strings(item, child)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_strings(item, f"{path}[{i}]")


def checked(value, *, field: str, label: str, limit: int | None) -> str:
    """`value` as stripped text, or a DomainError naming the field (control characters, longer than `limit`)."""
    text = str(value or "").strip()
    message = problem(label, text, limit)
    if message:
        raise DomainError(message, field=field)
    return text
