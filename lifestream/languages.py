"""The language picker in every page's footer: it sets the language cookie (a guest's choice,
read by `LocaleMiddleware`) and, for a logged-in user, saves the language in their
preferences, where `UserLanguageMiddleware` finds it on any device they log in from."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people import services as people_services
from people.models import User


def _safe_next(request: HttpRequest) -> str:
    """The page the picker was on, when it is on this archive; else the home page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(_safe_next(request))
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        messages.error(request, _("Please choose one of the languages in the list."))
        return response
    if isinstance(request.user, User):
        people_services.set_preferences(request.user, language=code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or settings.HTTPS,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return response
