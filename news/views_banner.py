"""The site-wide banner: the admins' page to set it, and the reader's "×" that dismisses it
(a plain form, so it works without script; `news/js/banner.js` sends it in the background).
A member's dismissal is kept on their account (and in their session, so later pages ask the
database nothing); a guest's in a cookie."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifestream.core.errors import InvalidInput
from lifestream.core.ids import parse_id
from moderation.views import admins_only
from people.models import User

from . import services
from .forms import BannerForm
from .models import Banner

COOKIE = "lifestream_banner_dismissed"
COOKIE_AGE = 365 * 24 * 3600
# In a member's session: the banner version they dismissed, and the one whose dismissal was
# last looked up on their account.
SESSION_DISMISSED = "banner_dismissed"
SESSION_CHECKED = "banner_checked"


@admins_only
def banner_admin(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # admins_only: logged in
    current = Banner.objects.order_by("pk").first()
    if request.method == "POST":
        form = BannerForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            services.set_banner(
                actor,
                data.get("text") or form.data.get("text", ""),
                data.get("kind") or "",
                bool(data.get("active")),
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The banner was saved."))
            return redirect("news:banner")
    else:
        initial = {"kind": "", "active": False, "text": ""}
        if current is not None:
            initial = {"text": current.text, "kind": current.kind, "active": current.active}
        form = BannerForm(initial=initial)
    status = 422 if form.is_bound else 200
    return render(
        request, "news/banner_admin.html", {"form": form, "current": current}, status=status
    )


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def dismiss(request: HttpRequest) -> HttpResponse:
    """Hide the banner of the version the form names, for this reader, until a new one."""
    version = parse_id(request.POST.get("version", "")) or 0
    background = request.headers.get("X-Requested-With") == "fetch"
    response = HttpResponse(status=204) if background else redirect(_back(request))
    if version <= 0:
        return response
    user = request.user
    if isinstance(user, User):
        services.dismiss_banner(user, version)
        request.session[SESSION_DISMISSED] = version
        request.session[SESSION_CHECKED] = version
    else:
        response.set_cookie(
            COOKIE,
            str(version),
            max_age=COOKIE_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response
