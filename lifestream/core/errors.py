"""Errors a service raises for bad input: each names the field, a stable code and a message.

Forms show the message beside the field; the API answers `{"errors": [{field, code, message}]}`.
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def has(self, field: str) -> bool:
        return any(error.field == field for error in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


class LoginRequired(Exception):
    """The thing exists but only logged-in users may see it; the site sends the visitor to log
    in, the API answers 401."""
