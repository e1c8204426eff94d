"""The work skin form: it only parses; the rules (and the sanitiser) live in works.skins."""

from __future__ import annotations

from django import forms

from lifestream.core.forms import ServiceErrorsForm

from .skins import SkinData


class SkinForm(ServiceErrorsForm):
    title = forms.CharField(label="Title", strip=False, required=False)
    description = forms.CharField(
        label="Description", strip=False, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=[
            ("work", "Work skin: the look of works that wear it"),
            ("site", "Site skin: the look of every page, for whoever chooses it"),
        ],
        initial="work",
        required=False,
        widget=forms.RadioSelect,
    )
    css = forms.CharField(
        label="CSS",
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 15, "spellcheck": "false", "class": "css"}),
        help_text=(
            "A work skin's rules apply inside the works wearing it only: every selector is "
            "placed under #workskin. Colours, fonts, borders, spacing, layout and gradients "
            "are allowed; images, imports, fonts from elsewhere and fixed positioning are not."
        ),
    )

    def skin_data(self) -> SkinData:
        data = self.cleaned_data
        return SkinData(
            title=data.get("title") or "",
            description=data.get("description") or "",
            css=data.get("css") or "",
            kind=data.get("kind") or "work",
        )
