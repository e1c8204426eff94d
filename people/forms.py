"""Forms for accounts, pseuds, preferences and API tokens."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from lifestream.core.actors import client_address
from lifestream.core.ratelimit import count_failure, failures_wait, forget_failures
from signups.models import PendingAccount

from . import reading, two_factor
from .models import LOGIN_MIN, PREFERENCE_FIELDS, PSEUD_MAX, User, time_zone_names

# Names that are also paths under /users/ or that would confuse readers.
RESERVED_LOGINS = frozenset(
    {
        "login",
        "logout",
        "new",
        "password",
        "admin",
        "anonymous",
        "orphan_account",
        "confirmation",
        "confirm",
    }
)


class LoginForm(AuthenticationForm):
    """Django's login form, saying why a sample account is refused rather than calling its
    (published, correct) password wrong."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "sample_account": _(
            "%(username)s is one of the sample accounts, whose password is published, so it "
            "can only log in to a demo archive, and this archive is not one. Log in with your "
            "own account, or create one."
        ),
        "awaiting_approval": _(
            "Your account is waiting for an admin's approval. We will email you when it is "
            "approved; you can log in then."
        ),
        "throttled_account": ngettext_lazy(
            "There have been too many wrong passwords for this account in a short time, so "
            "it can't log in for the next %(minutes)d minute. Wait and try again, or reset "
            "your password with “Forgot password?” below.",
            "There have been too many wrong passwords for this account in a short time, so "
            "it can't log in for the next %(minutes)d minutes. Wait and try again, or reset "
            "your password with “Forgot password?” below.",
            "minutes",
        ),
        "throttled_address": ngettext_lazy(
            "There have been too many wrong passwords from your network in a short time, so "
            "logging in from it is paused for the next %(minutes)d minute. Wait and try again.",
            "There have been too many wrong passwords from your network in a short time, so "
            "logging in from it is paused for the next %(minutes)d minutes. Wait and try again.",
            "minutes",
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if not (username and self.cleaned_data.get("password")):
            return super().clean()
        account = User.objects.filter(username__iexact=username).first()
        if account is not None and not account.may_sign_in:
            raise ValidationError(
                self.error_messages["sample_account"],
                code="sample_account",
                params={"username": account.username},
            )
        # Counted whether or not the account exists, so the answer says nothing about that.
        counted = login_counters(username, self.request)
        for action, who in counted.items():
            wait = failures_wait(action, who)
            if wait:
                minutes = max(1, math.ceil(wait / 60))
                raise ValidationError(
                    self.error_messages[f"throttled_{action.removeprefix('login_')}"],
                    code="throttled",
                    params={"minutes": minutes},
                )
        try:
            cleaned = super().clean()
        except ValidationError:
            for action, who in counted.items():
                count_failure(action, who)
            raise
        # With two-factor on, the count goes on until the code is right too (the second step
        # counts wrong codes on the same counters).
        if self.user_cache is None or not two_factor.is_on(self.user_cache):
            forget_failures("login_account", counted["login_account"])
        if PendingAccount.objects.filter(user=self.user_cache, needs_approval=True).exists():
            raise ValidationError(
                self.error_messages["awaiting_approval"], code="awaiting_approval"
            )
        return cleaned


def login_counters(username: str, request: Any) -> dict[str, str]:
    """The wrong-password counters a login attempt by `username` counts on (both steps)."""
    return {
        "login_account": f"login:{username.casefold()}",
        "login_address": client_address(request) if request else "unknown",
    }


class TwoFactorLoginForm(forms.Form):
    """The login's second step: a code from the app, or a recovery code. Wrong codes count
    as wrong passwords do, on the same counters."""

    code = forms.CharField(
        label=_("Authentication code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows, or one of your recovery codes."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args: Any, user: User, request: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("code")
        if not code:
            return cleaned
        counted = login_counters(self.user.username, self.request)
        for action, who in counted.items():
            wait = failures_wait(action, who)
            if wait:
                minutes = max(1, math.ceil(wait / 60))
                raise ValidationError(
                    LoginForm.error_messages[f"throttled_{action.removeprefix('login_')}"],
                    code="throttled",
                    params={"minutes": minutes},
                )
        if not two_factor.check_code(self.user, code):
            for action, who in counted.items():
                count_failure(action, who)
            raise ValidationError(
                gettext(
                    "That code is not right, or was used already. Enter the code your "
                    "authenticator app shows now, or an unused recovery code."
                ),
                code="wrong_code",
            )
        forget_failures("login_account", counted["login_account"])
        return cleaned


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TwoFactorOffForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from your app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        max_length=254, help_text=_("For password resets. Never shown to other users.")
    )
    terms = forms.BooleanField(
        label=_("I am at least 13 years old and agree to the archive's terms of service."),
        error_messages={"required": _("You need to agree to the terms of service to sign up.")},
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if len(username) < LOGIN_MIN:
            raise forms.ValidationError(
                gettext("User names must be at least %(count)d characters.") % {"count": LOGIN_MIN}
            )
        if username.lower() in RESERVED_LOGINS:
            raise forms.ValidationError(
                gettext("That user name is reserved; please choose another.")
            )
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(gettext("That user name is already taken."))
        return username


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing the email in its recipient's language (their preference,
    else the archive's), not in the language of whoever asked for it."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class PseudForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        help_text=format_lazy(_("Up to {count} characters."), count=PSEUD_MAX),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = PREFERENCE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = forms.Select(
            choices=[(name, name) for name in time_zone_names()]
        )
        # A form sent without it (an older page, a script) keeps the zone already chosen.
        self.fields["time_zone"].required = False

    def clean_time_zone(self) -> str:
        return self.cleaned_data.get("time_zone") or self.instance.time_zone or "UTC"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “e-reader sync”."),
    )


class ReadingSettingsForm(forms.Form):
    """The reading settings, each one of its listed choices (`people.reading`)."""

    font = forms.ChoiceField(
        label=_("Font"), choices=list(reading.FONTS.items()), widget=forms.RadioSelect
    )
    size = forms.ChoiceField(label=_("Text size"), choices=list(reading.SIZES.items()))
    spacing = forms.ChoiceField(
        label=_("Line spacing"), choices=list(reading.SPACINGS.items()), widget=forms.RadioSelect
    )
    width = forms.ChoiceField(
        label=_("Text width"), choices=list(reading.WIDTHS.items()), widget=forms.RadioSelect
    )
    theme = forms.ChoiceField(
        label=_("Theme"), choices=list(reading.THEMES.items()), widget=forms.RadioSelect
    )
    site_skin = forms.ChoiceField(
        label=_("Site skin"),
        required=False,
        help_text=_(
            "A stylesheet for every page, made by a reader and shared by an admin, or "
            "one of your own (Skins). The theme above still sets the colours it leaves alone."
        ),
    )
    hide_style = forms.BooleanField(
        label=_("Hide creators' work skins"),
        required=False,
        help_text=_(
            "Show every work in these settings, without the styles its creator gave it "
            "(you can still show one work's style from its page)."
        ),
    )

    def __init__(self, *args: Any, site_skins: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site_skin = self.fields["site_skin"]
        assert isinstance(site_skin, forms.ChoiceField)
        site_skin.choices = [("", gettext("None")), *site_skins]
        if not site_skins:
            del self.fields["site_skin"]

    def reading_settings(self) -> reading.ReadingSettings:
        return reading.ReadingSettings.from_mapping(self.cleaned_data)
