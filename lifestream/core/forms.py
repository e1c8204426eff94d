"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms

from .errors import InvalidInput

# Services name fields as the API's JSON does; the site's forms, older than the API and
# shaped like AO3's, spell a few differently. This is the one place that translates.
FORM_FIELD_NAMES = {"published": "published_on"}
# The work form carries the first chapter's fields as `chapter_…`.
FIRST_CHAPTER = "chapters.0."


def form_field_name(field: str) -> str:
    """The site form's name for the field a service error names."""
    if field.startswith(FIRST_CHAPTER):
        return "chapter_" + form_field_name(field.removeprefix(FIRST_CHAPTER))
    return FORM_FIELD_NAMES.get(field, field)


class ServiceErrorsForm(forms.Form):
    """Puts errors from a service on the fields they name; others go above the form."""

    def add_service_errors(self, error: InvalidInput) -> None:
        for field_error in error.errors:
            name = form_field_name(field_error.field)
            self.add_error(name if name in self.fields else None, field_error.message)


class BracketPrefixForm(forms.Form):
    """Field names in AO3's `scope[field]` style (`tag_search[name]`, `work_search[query]`), so
    URLs written for AO3 work here."""

    scope = ""

    def add_prefix(self, field_name: str) -> str:
        return f"{self.scope}[{field_name}]"
