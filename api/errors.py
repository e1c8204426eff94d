"""Every API error is JSON: `{"errors": [{"field": …, "code": …, "message": …}]}`.

`field` names the JSON field at fault (a dotted path inside lists, `chapters.1.body`) or is null;
`code` is a stable snake_case string clients can branch on; `message` is a sentence for people.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from lifestream.core.errors import (
    Forbidden,
    InvalidInput,
    LoginRequired,
    NotFound,
    RateLimited,
)

from .auth import MISSING_TOKEN, TokenError

logger = logging.getLogger("django.request")


class ErrorDict(TypedDict):
    field: str | None
    code: str
    message: str


def error(field: str | None, code: str, message: str) -> ErrorDict:
    return {"field": field, "code": code, "message": message}


# Pydantic's error types, grouped into the few codes a client needs to tell apart. Types not
# listed here (our own, like `null_character`, and pydantic's `too_long`…) pass through as-is.
_PYDANTIC_CODES = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "literal_error": "unknown_choice",
    "enum": "unknown_choice",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
}
_PYDANTIC_MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "This field is not one the API knows; check its spelling.",
}


def _code(pydantic_type: str) -> str:
    if pydantic_type in _PYDANTIC_CODES:
        return _PYDANTIC_CODES[pydantic_type]
    if pydantic_type.startswith(("date", "datetime")):
        return "invalid_date"
    if pydantic_type.endswith(("_type", "_parsing")):
        return "invalid_type"
    return pydantic_type


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def validation_errors(raw: Iterable[dict[str, Any]]) -> list[ErrorDict]:
    """Ninja's validation errors as API errors, `loc` turned into the JSON field's path."""
    errors = []
    for item in raw:
        loc = list(item.get("loc", ()))
        # ninja prefixes the source ("body", "query", "path"); a JSON body is also nested under
        # the endpoint's parameter name, which is not part of what the client sent.
        source = loc.pop(0) if loc else None
        if source == "body" and loc:
            loc.pop(0)
        field = ".".join(str(part) for part in loc) or None
        kind = str(item.get("type", "invalid"))
        if source == "body" and field is None and kind == "missing":
            message = "The request needs a JSON object as its body."
        else:
            message = _PYDANTIC_MESSAGES.get(kind) or _sentence(str(item.get("msg", "Invalid.")))
        errors.append(error(field, _code(kind), message))
    return errors


class BodyError(ValueError):
    """A request body the API refuses before reading its fields."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise BodyError(
            400, "duplicate_key", f"The body names {', '.join(duplicates)} more than once."
        )
    return dict(pairs)


class StrictJsonParser(Parser):
    """JSON bodies only, each key once: `{"title": "a", "title": "b"}` is an error, not "b"."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.body and request.content_type != "application/json":
            raise BodyError(
                415,
                "unsupported_media_type",
                "Send the body as JSON, with Content-Type: application/json.",
            )
        return json.loads(request.body, object_pairs_hook=_refuse_duplicate_keys)


def install(api: NinjaAPI) -> None:
    """Answer every exception an endpoint can raise with the JSON error shape: the services'
    errors (`lifestream.core.errors`), and Django's and ninja's own."""

    def respond(request: HttpRequest, status: int, errors: list[ErrorDict]) -> HttpResponse:
        return api.create_response(request, {"errors": errors}, status=status)

    def invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        errors = [error(e.field, e.code, e.message) for e in exc.errors]
        if isinstance(exc, RateLimited):
            response = respond(request, 429, errors)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return respond(request, 422, errors)

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # A path that does not parse as an id (or one past the database's range) names no
        # object: that is a 404, as on the site, not a complaint about the client's input.
        if any(item.get("loc", ("",))[0] == "path" for item in exc.errors):
            return not_found(request, Http404("Not found."))
        return respond(request, 422, validation_errors(exc.errors))

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = str(exc) if str(exc) else "Not found."
        return respond(request, 404, [error(None, "not_found", message)])

    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = str(exc) or "You may not do that."
        code = getattr(exc, "code", "forbidden")  # `account_suspended` for a suspended account
        return respond(request, 403, [error(None, code, message)])

    def login_required(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = respond(
            request,
            401,
            [error(None, "login_required", "Only registered users can read this work.")],
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        invalid = isinstance(exc, TokenError) and exc.invalid_token
        message = exc.message if isinstance(exc, TokenError) else MISSING_TOKEN
        response = respond(request, 401, [error(None, "unauthorized", message)])
        # RFC 6750: a 401 names the scheme, and says when the token itself was the problem.
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"' if invalid else "Bearer"
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, BodyError):
            return respond(request, cause.status, [error(None, cause.code, cause.message)])
        if exc.status_code == 400:
            # Ninja raises a bare 400 only when the body cannot be parsed.
            return respond(
                request,
                400,
                [error(None, "malformed_json", "The request body is not valid JSON.")],
            )
        phrase = HTTPStatus(exc.status_code).phrase
        code = phrase.lower().replace(" ", "_").replace("-", "_")
        return respond(request, exc.status_code, [error(None, code, _sentence(exc.message))])

    def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = "The request body is larger than this archive accepts."
        return respond(request, 413, [error(None, "too_large", message)])

    def suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Too many query or form fields, a Host not allowed: the request's fault, not ours.
        message = "The request could not be understood."
        return respond(request, 400, [error(None, "bad_request", message)])

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Reported the way Django reports an unhandled exception (the error log, admin mails,
        # the test client re-raising it), but answered in the API's shape.
        got_request_exception.send(sender=None, request=request)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        message = "Something went wrong on the archive's side; please try again later."
        return respond(request, 500, [error(None, "server_error", message)])

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (InvalidInput, invalid_input),
        (ValidationError, validation_error),
        (NotFound, not_found),
        (Http404, not_found),
        (Forbidden, forbidden),
        (PermissionDenied, forbidden),
        (LoginRequired, login_required),
        (AuthenticationError, unauthorized),
        (HttpError, http_error),
        (RequestDataTooBig, too_large),
        (SuspiciousOperation, suspicious),
        (Exception, server_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
