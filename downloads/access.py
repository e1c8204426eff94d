"""Who is asking, for the catalogue and the downloads it links to.

E-reader apps can't log in through a form, so besides the site's session a request may carry
an API token: `Authorization: Bearer TOKEN`, or HTTP Basic with the login as user name and the
token as password (what most apps offer). Without one, it is a logged-out visitor."""

from __future__ import annotations

import base64
import binascii
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from people.models import User
from people.services import user_for_api_key


def reader(request: HttpRequest) -> User | AnonymousUser | None:
    """The reader, or None for credentials that don't match (answered 401)."""
    if request.user.is_authenticated:
        return cast(User, request.user)
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    key = ""
    if scheme.lower() == "bearer":
        key = credentials.strip()
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        login, _, key = decoded.partition(":")
        user = user_for_api_key(key) if key else None
        return user if user is not None and user.username.lower() == login.lower() else None
    if key:
        return user_for_api_key(key)
    return AnonymousUser()


def unauthorized() -> HttpResponse:
    response = HttpResponse("That login and API token don't match.", status=401)
    response["WWW-Authenticate"] = 'Basic realm="Lifestream catalogue", charset="UTF-8"'
    return response
