"""Middleware for AO3's dialect of form posts."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class AuthenticityTokenMiddleware:
    """Lets a form post carry its CSRF token under AO3's name, `authenticity_token`.

    The token is handed to Django's CsrfViewMiddleware (which must come after this one) as the
    header it checks, so it is verified exactly like Django's own `csrfmiddlewaretoken`. Only
    url-encoded bodies are read here: parsing a multipart upload this early would fix its upload
    handlers before the view could choose them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and "HTTP_X_CSRFTOKEN" not in request.META
            and "csrfmiddlewaretoken" not in request.POST
            and "authenticity_token" in request.POST
        ):
            request.META["HTTP_X_CSRFTOKEN"] = request.POST["authenticity_token"]
        return self.get_response(request)
