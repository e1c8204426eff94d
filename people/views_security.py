"""Account security pages: the login's second step, two-factor setup, and the sessions list."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from feedback.views.subscriptions import user_nav
from lifestream.core.errors import InvalidInput

from . import sessions, two_factor
from .forms import TwoFactorCodeForm, TwoFactorLoginForm, TwoFactorOffForm
from .models import User
from .owners import own_account

PENDING_KEY = "_two_factor_pending"
# The second step must follow the first within this many seconds.
PENDING_SECONDS = 300


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change: it keeps this session logged in (with a new key) and the
    others fail Django's password check from their next request; the sessions list follows."""

    def form_valid(self, form: Any) -> HttpResponse:
        old_key = self.request.session.session_key
        response = super().form_valid(form)
        user = self.request.user
        if isinstance(user, User):
            sessions.rekeyed(user, old_key, self.request.session.session_key)
        return response


def start_second_step(request: HttpRequest, user: User, next_url: str) -> None:
    """The password was right and `user` has two-factor on: remember who is half logged in
    (not logged in yet) until the code comes."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "stamp": user.get_session_auth_hash(),
        "at": int(time.time()),
        "next": next_url,
    }


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    # A password changed between the two steps ends the attempt.
    if user is None or not constant_time_compare(
        pending.get("stamp", ""), user.get_session_auth_hash()
    ):
        return None
    return user, pending


@never_cache
def login_two_factor(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, gettext("Please log in again."))
        return redirect("login")
    user, pending = found
    form = TwoFactorLoginForm(request.POST or None, user=user, request=request)
    if request.method == "POST" and form.is_valid():
        del request.session[PENDING_KEY]
        backend = pending.get("backend") or None
        login(request, user, backend=backend)
        next_url = pending.get("next") or "/"
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/"
        return redirect(next_url)
    return render(request, "registration/login_two_factor.html", {"form": form})


def _setup_context(user: User, setting: Any) -> dict[str, Any]:
    uri = two_factor.provisioning_uri(setting)
    return {
        "uri": uri,
        "secret": setting.secret,
        "qr_svg": two_factor.qr_svg(uri, gettext("QR code of your two-factor secret")),
    }


@never_cache
def two_factor_page(request: HttpRequest, login_name: str) -> HttpResponse:
    """Off: a button to set it up. Being set up: the QR code and a code to confirm. On: new
    recovery codes, or turning it off."""
    user = own_account(request.user, login_name)
    setting = two_factor.setting_of(user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    context: dict[str, Any] = {
        "owner": user,
        "nav": user_nav(request, user),
        "required": two_factor.two_factor_required(user),
        "why_required": two_factor.why_required(user),
        "code_form": TwoFactorCodeForm(),
        "off_form": TwoFactorOffForm(),
    }
    if action == "start":
        setting = two_factor.start_setup(user) if not (setting and setting.is_on) else setting
    elif action == "confirm" and setting is not None and not setting.is_on:
        form = TwoFactorCodeForm(request.POST)
        context["code_form"] = form
        if form.is_valid():
            try:
                context["recovery_codes"] = two_factor.confirm_setup(
                    user, form.cleaned_data["code"]
                )
            except InvalidInput as error:
                form.add_error("code", error.errors[0].message)
            else:
                setting.refresh_from_db()
                context["code_form"] = TwoFactorCodeForm()
                messages.success(request, gettext("Two-factor authentication is on."))
    elif action == "regenerate" and setting is not None and setting.is_on:
        form = TwoFactorCodeForm(request.POST)
        context["code_form"] = form
        if form.is_valid():
            try:
                context["recovery_codes"] = two_factor.regenerate_recovery_codes(
                    user, form.cleaned_data["code"]
                )
            except InvalidInput as error:
                form.add_error("code", error.errors[0].message)
            else:
                context["code_form"] = TwoFactorCodeForm()
    elif action == "off" and setting is not None and setting.is_on:
        off_form = TwoFactorOffForm(request.POST)
        context["off_form"] = off_form
        if off_form.is_valid():
            try:
                two_factor.turn_off(
                    user, off_form.cleaned_data["password"], off_form.cleaned_data["code"]
                )
            except InvalidInput as error:
                for field_error in error.errors:
                    off_form.add_error(field_error.field, field_error.message)
            else:
                messages.success(request, gettext("Two-factor authentication is off."))
                return redirect("people:two_factor", user.username)
    context["setting"] = setting
    context["on"] = setting is not None and setting.is_on
    if setting is not None and not setting.is_on:
        context.update(_setup_context(user, setting))
    if context["on"]:
        context["codes_left"] = two_factor.recovery_codes_left(user)
    return render(request, "people/two_factor.html", context)


def sessions_page(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    return render(
        request,
        "people/sessions.html",
        {
            "owner": user,
            "nav": user_nav(request, user),
            "sessions": sessions.live_sessions(user, request.session.session_key),
            "current_key": request.session.session_key,
        },
    )


@require_POST
def session_end(request: HttpRequest, login_name: str, session_id: int) -> HttpResponse:
    user = own_account(request.user, login_name)
    if sessions.end_session(user, session_id):
        messages.success(request, gettext("That session was logged out."))
    return redirect("people:sessions", user.username)


@require_POST
def sessions_end_others(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    count = sessions.end_other_sessions(user, request.session.session_key)
    messages.success(
        request,
        gettext("Every other session was logged out (%(count)d).") % {"count": count},
    )
    return redirect("people:sessions", user.username)
