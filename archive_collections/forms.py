"""The collections' forms. Limits and cleaning are the services'; the forms read the fields
and carry the services' errors back onto them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lifestream.core.forms import ServiceErrorsForm

from .models import NAME_MAX, TEXT_MAX, TITLE_MAX, URL_MAX, Role
from .services import CollectionData

HTML_HELP = _("HTML is cleaned as in comments: links, emphasis, lists, quotes, images.")


class CollectionForm(ServiceErrorsForm):
    name = forms.CharField(
        label=_("Collection name"),
        max_length=NAME_MAX,
        help_text=_("The collection's address: letters, digits and underscores, no spaces."),
    )
    title = forms.CharField(label=_("Display title"), max_length=TITLE_MAX)
    parent = forms.CharField(
        label=_("Parent collection"),
        required=False,
        help_text=_("The name of a collection you own, to make this one its subcollection."),
    )
    header_image_url = forms.CharField(
        label=_("Custom header URL"),
        required=False,
        max_length=URL_MAX,
        help_text=_("An https:// address of an image shown at the top of the collection."),
    )
    description = forms.CharField(
        label=_("Brief description"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=HTML_HELP,
    )
    faq = forms.CharField(
        label=_("FAQ"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    rules = forms.CharField(
        label=_("Rules"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    open = forms.BooleanField(
        label=_("Open: accepts new works and bookmarks"), required=False, initial=True
    )
    moderated = forms.BooleanField(
        label=_("Moderated: new items wait for a moderator's approval"), required=False
    )
    unrevealed = forms.BooleanField(
        label=_("Unrevealed: works are a mystery until the collection is revealed"),
        required=False,
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous: creators are shown as Anonymous until the reveal"), required=False
    )

    def data_for_service(self) -> CollectionData:
        self.is_valid()
        data = self.cleaned_data
        raw = self.data

        def text(name: str) -> str:
            return data.get(name) or raw.get(name, "") or ""

        return CollectionData(
            name=text("name"),
            title=text("title"),
            header_image_url=text("header_image_url"),
            description=text("description"),
            intro=text("intro"),
            faq=text("faq"),
            rules=text("rules"),
            open=bool(data.get("open")),
            moderated=bool(data.get("moderated")),
            unrevealed=bool(data.get("unrevealed")),
            anonymous=bool(data.get("anonymous")),
            parent=text("parent"),
        )


class RoleForm(ServiceErrorsForm):
    login = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class InviteWorkForm(ServiceErrorsForm):
    work_id = forms.IntegerField(label=_("Work id"), min_value=1)


class AddBookmarkForm(ServiceErrorsForm):
    bookmark_id = forms.IntegerField(label=_("Bookmark id"), min_value=1)
