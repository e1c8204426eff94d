"""The one check of a page that only its account sees (`/users/NAME/preferences`, drafts,
history, inbox, invitations, the export, …), whatever app the page belongs to."""

from __future__ import annotations

from django.utils.translation import gettext

from lifestream.core.errors import LoginRequired, NotFound

from .models import User


def own_account(viewer: object, login_name: str) -> User:
    """The viewer (a request's `user`) when `login_name` is their account, in any case.

    A guest is asked to log in (`LoginRequired`: the site's login page, coming back here
    after), as for a login nobody has, so the answer says nothing of the account; another
    account gets `NotFound`, the same 404 as for a login nobody has."""
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        raise LoginRequired(gettext("Please log in to see the pages of your account."))
    if viewer.username.lower() != login_name.lower():
        raise NotFound(gettext("That page belongs to another account."))
    return viewer
