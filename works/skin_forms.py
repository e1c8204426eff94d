"""The work skin form: it only parses; the rules (and the sanitiser) live in works.skins."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lifestream.core.forms import ServiceErrorsForm

from .skins import SkinData


class SkinForm(ServiceErrorsForm):
    title = forms.CharField(label=_("Title"), strip=False, required=False)
    description = forms.CharField(
        label=_("Description"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[
            ("work", _("Work skin: the look of works that wear it")),
            ("site", _("Site skin: the look of every page, for whoever chooses it")),
        ],
        initial="work",
        required=False,
        widget=forms.RadioSelect,
    )
    css = forms.CharField(
        label=_("CSS"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 15, "spellcheck": "false", "class": "css"}),
        help_text=_(
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
