"""Request middleware of Lifestream's own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            token = self._ao3_token(request)
            if token and "HTTP_X_CSRFTOKEN" not in request.META:
                request.META["HTTP_X_CSRFTOKEN"] = token
        return self.get_response(request)

    @staticmethod
    def _ao3_token(request: HttpRequest) -> str:
        header = request.META.get("HTTP_X_CSRF_TOKEN", "")
        if header:
            return header
        # Django's CSRF check reads a form body anyway; this reads it first, no differently.
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            posted = request.POST
            if "csrfmiddlewaretoken" in posted:
                return ""
            if "authenticity_token" in posted:
                return posted["authenticity_token"]
        return request.GET.get("authenticity_token", "")
