"""Request middleware of Lifestream's own."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from api.fallbacks import is_api_request
from lifestream import first_steps
from lifestream.core.errors import Forbidden, LoginRequired, NotFound
from people.models import User

LOGIN_REQUIRED_MESSAGE = "This work is only available to registered users of the Archive."


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


class UserLanguageMiddleware:
    """Shows the interface in a logged-in user's saved language (their preferences'
    `language`), whatever the browser asks; guests, and users who saved none, keep what
    `LocaleMiddleware` chose from the picker's cookie or the browser's Accept-Language.

    The language of a page then depends on the cookies as well as on Accept-Language (which
    `LocaleMiddleware` adds to Vary), so every answer varies on Cookie too: no shared cache
    hands one reader's language to another."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and user is not None and user.is_authenticated:
            try:
                language = translation.get_supported_language_variant(language)
            except LookupError:  # a language the archive no longer offers
                language = ""
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response


class CoreErrorsMiddleware:
    """The site's one mapping of the services' errors to answers: `NotFound` is the 404 page,
    `Forbidden` the 403 page, `LoginRequired` the login page, coming back here after. (The API
    maps the same errors to JSON in `api.errors`; bad input is the view's, shown with its form.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Re-raised as Django's own, so its handlers render the 404 and 403 pages as for any
        # other view (and tests see the same answers).
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied(str(exception)) from exception
        if isinstance(exception, LoginRequired):
            messages.info(request, exception.message or LOGIN_REQUIRED_MESSAGE)
            return redirect_to_login(request.get_full_path())
        return None


# Scripts only from the archive itself (it has no inline script and no event attribute, so a
# script that slipped into a story could not run); styles inline too, for work skins, site
# skins and the reading settings' custom properties. Images and media in works come from
# anywhere on the web, as AO3 allows.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https: http:",
        "media-src 'self' https: http:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Features no page of the archive uses, refused for the page and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "midi",
        "display-capture",
    )
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy and a Permissions-Policy on every answer (Django's own
    SecurityMiddleware and XFrameOptionsMiddleware add nosniff, Referrer-Policy and
    X-Frame-Options)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class FirstStepsMiddleware:
    """Sends a logged-in user to what they must do first (`lifestream.first_steps`): set up
    two-factor authentication, accept changed terms, or, while suspended, read without
    writing. The steps are asked in order once the page is known, so each may open pages by
    view name; the first that is due answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or first_steps.always_open(request):
            return None
        for step in first_steps.STEPS:
            if not step.opens(request):
                answer = step.due(request, user)
                if answer is not None:
                    return answer
        return None
