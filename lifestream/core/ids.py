"""Row ids as they arrive from outside (a URL, a form, a query string, a JSON body): the one
place that says what an id may be.

An id is a positive 64-bit integer written in ASCII digits. Anything else — another script's
digits ("٣", "²"), a sign, spaces, a fraction, a number past any row — is not an id, so it
finds nothing instead of reaching the database driver, which would overflow on it.
"""

from __future__ import annotations

from collections.abc import Iterable

# Primary keys are 64-bit on SQLite and PostgreSQL (BigAutoField).
ID_MAX = 2**63 - 1
_DIGITS_MAX = len(str(ID_MAX))


def parse_id(value: object) -> int | None:
    """The id `value` names (a string of ASCII digits, or an int), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        # isdecimal alone takes other scripts' digits, which int() reads as numbers.
        if not (value.isascii() and value.isdecimal()) or len(value) > _DIGITS_MAX:
            return None
        number = int(value)
    else:
        return None
    return number if 1 <= number <= ID_MAX else None


def require_id(value: object) -> int:
    """`parse_id` for callers that refuse a non-id with ValueError (form fields' `coerce`)."""
    number = parse_id(value)
    if number is None:
        raise ValueError(f"{value!r} is not an id")
    return number


def parse_ids(values: Iterable[object]) -> list[int]:
    """The ids among `values` (checkboxes, repeated parameters), in order, skipping the rest."""
    return [number for number in map(parse_id, values) if number is not None]
