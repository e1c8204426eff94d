"""Forms for tag search and wrangling."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lifestream.core.forms import BracketPrefixForm, ServiceErrorsForm
from lifestream.core.ids import require_id

from .models import TagKind
from .services import WrangleData

KIND_CHOICES = [("", _("Any kind")), *TagKind.choices]


class TagSearchForm(BracketPrefixForm):
    """AO3's `/tags/search?tag_search[name]=…&tag_search[type]=…&tag_search[canonical]=T`."""

    scope = "tag_search"
    name = forms.CharField(required=False, max_length=150, label=_("Tag name"))
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False, label=_("Type"))
    canonical = forms.ChoiceField(
        choices=[("", _("Any")), ("T", _("Canonical only")), ("F", _("Non-canonical only"))],
        required=False,
        label=_("Wrangling status"),
    )

    def add_prefix(self, field_name: str) -> str:
        # AO3 calls the kind "type".
        return super().add_prefix("type" if field_name == "kind" else field_name)

    def clean_kind(self) -> str:
        # AO3 spells kinds with a capital ("Character"); accept either.
        return str(self.cleaned_data.get("kind") or "").lower()

    def has_criteria(self) -> bool:
        return any(self.cleaned_data.get(name) for name in ("name", "kind", "canonical"))

    def canonical_value(self) -> bool | None:
        return {"T": True, "F": False}.get(self.cleaned_data.get("canonical") or "")

    def full_clean(self) -> None:
        if self.is_bound:
            # Lower-case AO3's "Character" before the choice check sees it.
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound
            key = self.add_prefix("kind")
            if data.get(key):
                data[key] = data[key].lower()
            self.data = data
        super().full_clean()


class WrangleForm(ServiceErrorsForm):
    name = forms.CharField(max_length=150, label=_("Name"))
    canonical = forms.BooleanField(required=False, label=_("Canonical"))
    synonym_of = forms.CharField(
        required=False,
        label=_("Synonym of"),
        help_text=_("A canonical tag of the same kind; this tag's works will be listed there."),
    )
    parents = forms.CharField(
        required=False,
        label=_("Parents"),
        help_text=_(
            "Comma-separated: metatags of the same kind, fandoms (for characters, "
            "relationships and additional tags), media (for fandoms)."
        ),
    )
    unwrangleable = forms.BooleanField(required=False, label=_("Unwrangleable"))


class MassWrangleForm(ServiceErrorsForm):
    ACTIONS = [
        ("canonical", _("Make canonical")),
        ("synonym", _("Make synonyms of…")),
        ("parent", _("Add the parent…")),
        ("unwrangleable", _("Mark unwrangleable")),
    ]
    tag_ids = forms.TypedMultipleChoiceField(coerce=require_id, choices=[], label=_("Tags"))
    action = forms.ChoiceField(choices=ACTIONS, label=_("Action"))
    target = forms.CharField(required=False, label=_("Tag name (for synonyms and parents)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any id is acceptable here; the view keeps only tags of the bin's kind.
        ids = self.data.getlist("tag_ids") if hasattr(self.data, "getlist") else []
        tag_ids = cast(forms.TypedMultipleChoiceField, self.fields["tag_ids"])  # declared above
        tag_ids.choices = [(i, i) for i in ids]

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("action") in {"synonym", "parent"} and not data.get("target"):
            self.add_error("target", _("Name the tag to use."))
        return data

    def wrangle_data(self) -> WrangleData:
        action = self.cleaned_data["action"]
        target = self.cleaned_data.get("target", "")
        if action == "canonical":
            return WrangleData(canonical=True)
        if action == "synonym":
            return WrangleData(synonym_of=target)
        if action == "parent":
            return WrangleData(canonical=True, add_parents=[target])
        return WrangleData(unwrangleable=True)
