"""The import form: a file or pasted text. Only parsing here; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lifestream.core.forms import ServiceErrorsForm


class ImportForm(ServiceErrorsForm):
    file = forms.FileField(
        required=False,
        label=_("File"),
        help_text=_("A .txt, .md, .html, .docx or .epub file (EPUBs from AO3 and FanFicFare too)."),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label=_("Or paste the story"),
        widget=forms.Textarea(attrs={"rows": 15}),
        help_text=_("Plain text, or HTML."),
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not (cleaned.get("text") or "").strip():
            raise forms.ValidationError(
                gettext("Choose a file to import, or paste the story's text.")
            )
        return cleaned
