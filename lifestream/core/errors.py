"""The errors services raise, and the only ones: bad input, not found, forbidden, login
required, rate limited. Services know nothing of HTTP; the site (`lifestream.middleware`) and
the API (`api.errors`) each turn these into answers in one place.

Bad input names each field at fault as the API's JSON names it, with a dotted path inside lists
(`chapters.0.body`, `published`); the site's forms map the few names they spell differently
(`lifestream.core.forms`). Forms show the message beside the field; the API answers
`{"errors": [{field, code, message}]}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


class InvalidInput(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class ErrorList:
    """Collects field errors during validation, then raises them together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, code: str, message: str) -> None:
        self.errors.append(FieldError(field, code, message))

    def check_length(self, field: str, label: str, value: str, limit: int) -> None:
        """A `too_long` error on `field` when `value` is over `limit` characters."""
        if len(value) > limit:
            self.add(
                field,
                "too_long",
                _("%(label)s must be at most %(limit)s characters long (it is %(length)s).")
                % {
                    "label": label,
                    "limit": number_format(limit, force_grouping=True),
                    "length": number_format(len(value), force_grouping=True),
                },
            )

    def has(self, field: str) -> bool:
        return any(error.field == field for error in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


class RateLimited(InvalidInput):
    """Too many of one action in too short a time; `retry_after` is in seconds. The API
    answers 429 with a Retry-After header; pages show the message with the form."""

    def __init__(self, field: str, message: str, retry_after: int) -> None:
        super().__init__([FieldError(field, "rate_limited", message)])
        self.retry_after = retry_after


class NotFound(Exception):
    """No such object, or none the actor may know of: both look the same from outside."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class Forbidden(Exception):
    """The actor may see the object but not do this; the message says why, for people."""

    def __init__(self, message: str = "You may not do that.") -> None:
        super().__init__(message)


class AccountSuspended(Forbidden):
    """The acting account is suspended (until `until`): it may read, not write."""

    code = "account_suspended"

    def __init__(self, until: str) -> None:
        super().__init__(
            _("Your account is suspended until %(until)s: it can read but not write.")
            % {"until": until}
        )
        self.until = until


class LoginRequired(Exception):
    """The object exists but only logged-in users may read it: the site asks the visitor to
    log in, the API answers 401. The message, when given, is what the login page tells the
    visitor (by default, that the work is for registered users)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message
