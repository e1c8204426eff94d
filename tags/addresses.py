"""Tag names in URL paths, as AO3 escapes them (`*s*` for `/`) or as HTTP clients send them.

A client that percent-encodes a name sends `Cloud%2FSeph`, and WSGI servers decode that to
`Cloud/Seph` before Django sees the path, so a tag route takes the rest of the path, slashes
and all. The page routes end in an action (`/works`, `/bookmarks`, `/edit`, `/feed.atom`), so
`/tags/A/works` may mean the listing of "A" or the page of a tag named "A/works". It is read as:

1. exactly, when the server passes on the path as it was sent (gunicorn's `RAW_URI`, the
   `REQUEST_URI` of uWSGI and mod_wsgi): a literal `/` ends the name, an encoded `%2F` is in it;
2. otherwise the action, when "A" is a tag the viewer may know (this is the address the
   archive's own links give "A"'s listing);
3. otherwise the page of "A/works", if the viewer may know that tag, by a redirect to its
   escaped address (`/tags/A*s*works`), which is never ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls.converters import PathConverter

from access.getters import findable_tag

from .models import Tag, tag_from_param, tag_to_param

# The last path segment of every tag route other than the tag's own page.
ACTIONS = ("works", "bookmarks", "edit", "feed.atom")


class TagNameConverter(PathConverter):
    """A tag name in a path, slashes allowed, that does not end in one of the ACTIONS: those
    paths belong to the action's route, which falls back to the tag page (see above)."""

    regex = r"(?!.*/(?:{})\Z).+".format("|".join(re.escape(action) for action in ACTIONS))


def sent_path(request: HttpRequest) -> str | None:
    """The request's path still percent-encoded, when the server says what it was and it
    decodes to the path Django resolved (a rewriting proxy makes it useless)."""
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI")
    if not isinstance(raw, str) or not raw:
        return None
    try:
        path = raw.split("?", 1)[0].split("#", 1)[0] if raw.startswith("/") else urlsplit(raw).path
    except ValueError:  # an address no URL parser accepts tells nothing
        return None
    if unquote(path, errors="replace") != request.path:
        return None
    return path


def _action_is_literal(request: HttpRequest, action: str) -> bool | None:
    path = sent_path(request)
    if path is None:
        return None
    return unquote(path.rsplit("/", 1)[-1], errors="replace") == action


def tag_for_action(
    request: HttpRequest,
    tag_name: str,
    action: str,
    find: Callable[[str], Tag | None],
) -> Tag | HttpResponse | None:
    """The tag an action route names (`find` applies the action's visibility to a name), a
    redirect to the page of the tag named "<tag_name>/<action>" when that is what the path
    means, or None."""
    literal = _action_is_literal(request, action)
    if literal is not False:
        tag = find(tag_from_param(tag_name))
        if tag is not None or literal:
            return tag
    tag = findable_tag(request.user, f"{tag_from_param(tag_name)}/{action}")
    if tag is None:
        return None
    return redirect("tags:show", tag_to_param(tag.name))
