"""Request middleware of Lifestream's own."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

from api.fallbacks import is_api_request


class AuthenticityTokenMiddleware:
    """Lets Django's CSRF check read the token under AO3's names.

    AO3's forms post the token as `authenticity_token` (in the body, or in the query string
    for clients that post their fields there) and its scripts send an `X-CSRF-Token` header;
    Django looks for `csrfmiddlewaretoken` or `X-CSRFToken`. This copies the token across
    before `CsrfViewMiddleware` runs, so the same check applies: the token must still match
    the visitor's CSRF cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API authenticates by token and is exempt from CSRF; its views read the body
        # themselves, which parsing it here as a form would forbid.
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and not is_api_request(
            request
        ):
            token = self._ao3_token(request)
            if token and "HTTP_X_CSRFTOKEN" not in request.META:
                request.META["HTTP_X_CSRFTOKEN"] = token
        return self.get_response(request)

    @staticmethod
    def _ao3_token(request: HttpRequest) -> str:
        header = request.META.get("HTTP_X_CSRF_TOKEN", "")
        if header:
            return header
        # Django's CSRF check parses a form body before any view runs; reading it here first
        # is no different (no view of Lifestream's sets its own upload handlers).
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            posted = request.POST
            if "csrfmiddlewaretoken" in posted:
                return ""
            if "authenticity_token" in posted:
                return posted["authenticity_token"]
        return request.GET.get("authenticity_token", "")


class RefuseNulMiddleware:
    """Answers 400 to a request carrying the NUL character in its address or query string.

    No text a person writes contains it, and PostgreSQL cannot store or even compare it (it
    raises an error where SQLite quietly matches nothing), so search boxes, filters and tag
    lookups would each have to guard against it; it is refused at the door instead, the same
    on both databases. Submitted forms and API bodies are checked field by field (Django's
    form fields and the API's schemas name the field at fault), so they are left to those."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("The address contains a NUL character, which no text may hold.")
        return self.get_response(request)
