"""The one check of a page that only its account sees (`/users/NAME/preferences`, drafts,
history, inbox, invitations, the export, …)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext

from .models import User


def own_account(request: HttpRequest, login_name: str) -> User:
    """The logged-in user when `login_name` is theirs (in any case); a 404 for everyone else,
    guests included, so nobody learns from the answer what another account keeps."""
    user = request.user
    if not isinstance(user, User) or user.username.lower() != login_name.lower():
        raise Http404(gettext("That page belongs to another account."))
    return user
