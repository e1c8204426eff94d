"""The comment form: one for new comments, replies and edits, on pages and in fragments."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifestream.core.forms import ServiceErrorsForm
from people.models import Pseud

from .models import GUEST_NAME_MAX
from .services.spam import Screening, form_token

# The honeypot: a field hidden from people (and from screen readers), which bots fill in.
HONEYPOT = "homepage"
# The signed time the form was shown at, and the widget's proof of work.
SHOWN_AT = "shown_at"
PROOF = "altcha"


class CommentForm(ServiceErrorsForm):
    """Guests give a name and an email (the email is never shown); users with several pseuds
    choose one. Lengths and formats are checked by the service, so the page and the API say
    the same thing."""

    guest_name = forms.CharField(
        label=_("Name"), required=False, max_length=GUEST_NAME_MAX * 2, strip=False
    )
    guest_email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        help_text=_("Never shown to anyone; the archive's admins may use it to reach you."),
        widget=forms.EmailInput,
    )
    pseud = forms.ModelChoiceField(
        label=_("Comment as"), queryset=Pseud.objects.none(), required=False, empty_label=None
    )
    body = forms.CharField(
        label=pgettext_lazy("noun", "Comment"),
        required=False,
        strip=False,
        help_text=_(
            "Plain text or HTML: the tags works may use, without classes. "
            "At most 10,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "class": "comment_form"}),
    )

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        authenticated = getattr(user, "is_authenticated", False)
        if authenticated or editing:
            del self.fields["guest_name"]
            del self.fields["guest_email"]
        pseuds = list(user.pseuds.all()) if authenticated and not editing else []
        # AO3's form always names the commenter's pseud (`comment[pseud_id]`, hidden when there
        # is one); clients that post comments read it from the page.
        self.single_pseud = pseuds[0] if len(pseuds) == 1 else None
        if len(pseuds) > 1:
            field = cast(forms.ModelChoiceField, self.fields["pseud"])  # declared above
            field.queryset = user.pseuds.all()
            field.choices = [(pseud.pk, pseud.name) for pseud in pseuds]
            if not self.is_bound:
                field.initial = next((p.pk for p in pseuds if p.is_default), pseuds[0].pk)
        else:
            del self.fields["pseud"]
        self.shown_at = form_token()
        # Guests prove a little work (ALTCHA) in the browser, while the spam check is on.
        self.asks_proof = settings.SPAM_CHECKS and not authenticated and not editing

    def screening(self, *, from_form: bool = True) -> Screening:
        """What the form sent for the spam check: the honeypot, the signed time it was shown
        (not asked of script clients, `from_form=False`) and the proof of work."""
        data = self.data
        return Screening(
            honeypot=str(data.get(HONEYPOT, "")),
            token=str(data.get(SHOWN_AT, "")) if from_form else None,
            proof=str(data.get(PROOF, "")),
        )
