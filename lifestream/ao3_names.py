"""AO3's names for form fields, accepted beside Lifestream's own.

Programs written against AO3 post its Rails-style names (`user[login]`, `comment[comment_content]`,
`bookmark[bookmarker_notes]`) and its CSRF field `authenticity_token`. Each form that AO3 clients
post to reads them through `with_ao3_names`, so the view and its form see one set of names.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, JsonResponse, QueryDict

from lifestream.core.errors import RateLimited

LOGIN = {"user[login]": "username", "user[password]": "password"}
COMMENT = {
    "comment[comment_content]": "body",
    "comment[pseud_id]": "pseud",
    "comment[name]": "guest_name",
    "comment[email]": "guest_email",
}
BOOKMARK = {
    "bookmark[pseud_id]": "pseud",
    "bookmark[bookmarker_notes]": "notes",
    "bookmark[tag_string]": "tags",
    "bookmark[private]": "private",
    "bookmark[rec]": "rec",
    "bookmark[collection_names]": "collections",
}
# Rails forms post a box as "0" or "1"; Django's checkbox reads any non-empty string as ticked.
BOOLEANS = {"bookmark[private]", "bookmark[rec]", "user[remember_me]"}


def with_ao3_names(data: QueryDict, names: Mapping[str, str]) -> QueryDict:
    """`data` with each AO3 name in `names` copied to Lifestream's name, unless the request
    already used Lifestream's name."""
    if not any(ao3 in data for ao3 in names):
        return data
    translated = data.copy()
    for ao3, ours in names.items():
        if ao3 in data and ours not in data:
            values = data.getlist(ao3)
            if ao3 in BOOLEANS:
                values = ["true" if values and values[-1] not in ("", "0", "false") else "false"]
            translated.setlist(ours, values)
    return translated


def posted_form(request: HttpRequest, names: Mapping[str, str]) -> QueryDict:
    """The POSTed fields under Lifestream's names. AO3's login is posted by some clients with
    its fields in the query string and an empty body, which Rails merges; so does this."""
    data: QueryDict = request.POST
    if request.GET and not any(ours in data for ours in names.values()):
        merged = request.GET.copy()
        for key, values in request.POST.lists():
            merged.setlist(key, values)
        data = merged
    return with_ao3_names(data, names)


def script_rate_limited(error: RateLimited) -> JsonResponse:
    """What AO3's script endpoints (`/kudos.js`, `/comments.js`) answer to a visitor going too
    fast: 429, which AO3's clients read as "slow down", and when to try again."""
    response = JsonResponse({"errors": {"rate_limited": [error.errors[0].message]}}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response
