"""API answers for what Django answers before, around or instead of the API's views.

The API's own handlers (`errors.install`) cover everything raised inside an endpoint. Django
still answers by itself when a middleware refuses a request (a Host not in ALLOWED_HOSTS, a
CSRF failure, a body too large to read) or when a page's error view runs; those answers are
HTML pages made for browsers. Under /api/v1 a client expects the API's JSON error shape always,
so the error views below answer JSON there (and Django's pages everywhere else), and the
middleware turns any non-JSON error that still gets through (DEBUG's technical pages) into one.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from .errors import error

API_PREFIX = "/api/v1"
# Headers of an error that say something to the client (how to authenticate, which methods,
# when to retry); the rest belong to the page that is replaced.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
_MESSAGES = {
    400: "The request could not be understood.",
    403: "You may not do that.",
    404: "There is no such API endpoint.",
    405: "That method is not allowed on this path.",
    413: "The request body is larger than this archive accepts.",
    500: "Something went wrong on the archive's side; please try again later.",
}
_CODES = {404: "not_found", 413: "too_large", 500: "server_error"}


def is_api_request(request: HttpRequest) -> bool:
    path = request.path_info
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def status_code_name(status: int) -> str:
    """The stable code of an error that has no more particular one: `method_not_allowed`."""
    if status in _CODES:
        return _CODES[status]
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "server_error" if status >= 500 else "bad_request"
    return phrase.lower().replace(" ", "_").replace("-", "_")


def json_error(status: int, code: str | None = None, message: str | None = None) -> JsonResponse:
    body = {"errors": [error(None, code or status_code_name(status), message or _message(status))]}
    return JsonResponse(body, status=status)


def _message(status: int) -> str:
    if status in _MESSAGES:
        return _MESSAGES[status]
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return _MESSAGES[500] if status >= 500 else _MESSAGES[400]


@csrf_exempt
def not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Any path under /api/v1 that the API does not have, with any method."""
    return json_error(404)


# --- Django's error views (handler400, handler403, handler404, handler500) --------------------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    # Django reports a body past DATA_UPLOAD_MAX_MEMORY_SIZE read by a middleware as a 400.
    if isinstance(exception, RequestDataTooBig):
        return json_error(413)
    return json_error(400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.permission_denied(request, exception)
    return json_error(403, "forbidden", str(exception) or None)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return json_error(404)


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api_request(request):
        return defaults.server_error(request)
    return json_error(500)


# --- the last line ----------------------------------------------------------------------------


class JsonErrorsMiddleware:
    """First in MIDDLEWARE: an API error answer that is not JSON becomes the JSON error of its
    status. Other paths, and API answers that are not errors, pass untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_request(request):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        answer = json_error(response.status_code)
        for header in _KEPT_HEADERS:
            if header in response:
                answer[header] = response[header]
        return answer
