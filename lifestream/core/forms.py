"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms

from .errors import InvalidInput


class ServiceErrorsForm(forms.Form):
    """Puts errors from a service on the fields they name; others go above the form."""

    def add_service_errors(self, error: InvalidInput) -> None:
        for field_error in error.errors:
            name = field_error.field
            self.add_error(name if name in self.fields else None, field_error.message)


class BracketPrefixForm(forms.Form):
    """Field names in AO3's `scope[field]` style (`tag_search[name]`, `work_search[query]`), so
    URLs written for AO3 work here."""

    scope = ""

    def add_prefix(self, field_name: str) -> str:
        return f"{self.scope}[{field_name}]"
