"""The admins' forms for news and the banner. Limits and cleaning are the services'; the
forms read the fields and carry the services' errors back onto them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lifestream.core.forms import ServiceErrorsForm
from works.languages import LANGUAGE_CHOICES
from works.models import CommentPermission

from .models import BANNER_MAX, CONTENT_MAX, TITLE_MAX, BannerKind


class AdminPostForm(ServiceErrorsForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    content = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=CONTENT_MAX,
        help_text=_("HTML is cleaned as in comments: links, emphasis, lists, quotes, images."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, for example: Archive Updates, Tag Wrangling."),
    )
    comment_permission = forms.ChoiceField(
        label=_("Who can comment"),
        choices=CommentPermission.choices,
        initial=CommentPermission.EVERYONE,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, initial="en")


class BannerForm(ServiceErrorsForm):
    text = forms.CharField(
        label=_("Banner text"),
        required=False,
        max_length=BANNER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown at the top of every page. HTML is cleaned as in comments. Changing the text"
            " shows the banner again to everyone who dismissed it."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=BannerKind.choices, required=False, widget=forms.RadioSelect
    )
    active = forms.BooleanField(label=_("Show the banner"), required=False)
