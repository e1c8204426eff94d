"""`/settings/reading`: the reading settings page, for every reader (here, beside the skins,
since a site skin is one of the settings). Saving sets the cookie
(and, logged in, the account's copy) and goes back to the page the reader came from."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from people import services
from people.forms import ReadingSettingsForm
from people.reading import COOKIE, COOKIE_MAX_AGE, ReadingSettings, settings_of_request

from ..skins_queries import site_skin_choices


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("works:reading_settings")


def _same_site_path(request: HttpRequest, url: str) -> str:
    parts = urlsplit(url)
    if (
        not url
        or parts.netloc != request.get_host()
        or parts.path == reverse("works:reading_settings")
    ):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def reading_settings(request: HttpRequest) -> HttpResponse:
    current = settings_of_request(request)
    skins = [(str(skin.pk), skin.title) for skin in site_skin_choices(request.user)]
    if request.method == "POST":
        reset = "reset" in request.POST
        form = ReadingSettingsForm(
            None if reset else request.POST, initial=current.to_dict(), site_skins=skins
        )
        if reset or form.is_valid():
            chosen = ReadingSettings() if reset else form.reading_settings()
            if request.user.is_authenticated:
                services.save_reading_settings(request.user, chosen)
            response = redirect(_back(request))
            response.set_cookie(
                COOKIE,
                chosen.to_cookie(),
                max_age=COOKIE_MAX_AGE,
                samesite="Lax",
                secure=request.is_secure(),
                httponly=False,  # the page's own script may apply a change before reloading
            )
            messages.success(
                request, _("Reading settings reset.") if reset else _("Reading settings saved.")
            )
            return response
    else:
        form = ReadingSettingsForm(initial=current.to_dict(), site_skins=skins)
    # Back to the page the reader came from: the footer's link on every page is the same,
    # so where they were comes from the browser (the Referer), on this archive only.
    next_url = request.GET.get("next", "") or _same_site_path(
        request, request.headers.get("Referer", "")
    )
    return render(request, "people/reading_settings.html", {"form": form, "next": next_url})
