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
from django.utils.translation import ngettext
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


def interface_messages(request: HttpRequest) -> dict[str, object]:
    """The sentences the page's scripts say (autocomplete, autosave, import suggestions), in
    the page's language: base.html writes them as JSON data (not a script, so the CSP is
    untouched) and the scripts read them. `%(name)s` marks what a script fills in."""
    return {
        "interface_messages": {
            "no_suggestions": _("No suggestions."),
            "one_suggestion": _("1 suggestion. Use the arrow keys to choose it."),
            "suggestions": ngettext(
                "%(count)s suggestion. Use the up and down arrow keys to choose one.",
                "%(count)s suggestions. Use the up and down arrow keys to choose one.",
                2,
            ),
            "local_copy": _(
                "This browser kept a copy of your text from %(when)s that differs from this page."
            ),
            "saved_at": _("Saved at %(time)s"),
            "not_saved_status": _(
                "Not saved (the server answered %(status)s). Your text is kept in this browser."
            ),
            "not_saved_offline": _(
                "Not saved: the server can't be reached. Your text is kept in this browser."
            ),
            "added": _("Added"),
            "tag_added": _("Added %(tag)s to the form. Save the work to keep it."),
        }
    }
