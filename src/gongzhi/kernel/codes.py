"""Area codes are paths (design.md §4.4): 2 province + 2 city + 2 county + 3 town + 3 village,
then 3 for a 网格 and 3 for a 微网格. Everything here is arithmetic on the code; no query."""

from django.db.models import Q

# The lengths a code may have, from province to 微网格.
CODE_LENGTHS = (2, 4, 6, 9, 12, 15, 18)


def is_code(code) -> bool:
    """An area code is ASCII digits of a known length. str.isdigit() alone also takes '³' or '٣',
    which int() and the database then choke on."""
    return isinstance(code, str) and code.isascii() and code.isdigit() and len(code) in CODE_LENGTHS


def ancestors(code: str) -> list[str]:
    """The codes strictly above `code`, top first ('420822110' -> ['42', '4208', '420822'])."""
    return [code[:n] for n in CODE_LENGTHS if n < len(code)]


def prefix_q(field: str, code: str) -> Q:
    """Rows whose `field` (an area code) starts with `code`, as a range on the code.

    Codes are digit strings, so the codes starting with P are exactly those in [P, P+1),
    where P+1 is P incremented as a number of the same width ('420822110' -> '420822111').
    Digit strings sort the same in byte order and in linguistic collations (ICU, glibc), so
    the range is right in any database collation, and it is an index range scan on SQLite and
    PostgreSQL alike, where LIKE 'P%' is not (SQLite skips the index under ESCAPE). A prefix of
    all nines has no same-width successor; every digit string >= it starts with it.
    """
    if not (isinstance(code, str) and code.isascii() and code.isdigit()):
        return Q(pk__in=[])
    if set(code) == {"9"}:
        return Q(**{f"{field}__gte": code})
    upper = str(int(code) + 1).zfill(len(code))
    return Q(**{f"{field}__gte": code, f"{field}__lt": upper})


def scope_q(field: str, codes) -> Q:
    """Rows whose `field` lies under any of `codes`; an empty list matches nothing."""
    q = Q(pk__in=[])
    for code in codes:
        q |= prefix_q(field, code)
    return q


def within(code: str, codes) -> bool:
    """`code` lies at or below one of `codes`."""
    return any(code.startswith(c) for c in codes)


def related(code: str, codes) -> bool:
    """`code` lies at, below or above one of `codes` (a catalogue or a board up the line)."""
    return any(code.startswith(c) or c.startswith(code) for c in codes)
