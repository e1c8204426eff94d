"""Forms of sign-up control: the admin's settings, issuing invitations, sending one, joining
the queue, accepting the terms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lifestream.core.forms import ServiceErrorsForm

from .models import Registration


class SettingsForm(ServiceErrorsForm):
    registration = forms.ChoiceField(
        label=_("Sign-ups"), choices=Registration.choices, widget=forms.RadioSelect
    )
    invitations_per_user = forms.IntegerField(
        label=_("Invitations each member may send"), min_value=0, max_value=100
    )
    queue_per_day = forms.IntegerField(
        label=_("Invitations the queue sends a day"), min_value=0, max_value=10_000
    )
    terms = forms.CharField(
        label=_("Terms of service"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Plain text; blank lines start paragraphs. Changing it (or the content policy) "
            "asks every member to accept the new version."
        ),
    )
    content_policy = forms.CharField(
        label=_("Content policy"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )


class IssueForm(ServiceErrorsForm):
    user = forms.CharField(
        label=_("For the member"),
        required=False,
        help_text=_("Their user name; leave blank for codes you hand out yourself."),
    )
    count = forms.IntegerField(label=_("How many"), min_value=1, max_value=1000, initial=5)


class SendInvitationForm(ServiceErrorsForm):
    invitation = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(label=_("Email address"), max_length=254)


class QueueForm(ServiceErrorsForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("Used only to send you an invitation, never shown to anyone."),
    )


class StatusForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class AcceptTermsForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept the terms of service and the content policy."),
        error_messages={"required": _("You need to accept them to go on using the archive.")},
    )
