"""Logging in and out the way AO3 does it, for the tools fans point at AO3.

Such tools log in as they would on AO3: they ask `/token_dispenser.json` for a CSRF token, post
it as `authenticity_token` (lifestream.middleware hands it to Django's CSRF check) with the
credentials as `user[login]` and `user[password]`, and take a link to `/users/logout` on the
page they land on as the sign that it worked.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

# AO3's login form's field names, and the names Django's AuthenticationForm reads.
AO3_FIELDS = {"user[login]": "username", "user[password]": "password"}


class LoginView(auth_views.LoginView):
    """Django's login view, which also reads the credentials from AO3's field names."""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        data = kwargs.get("data")
        if data is not None and any(name in data for name in AO3_FIELDS):
            data = data.copy()
            for ao3_name, name in AO3_FIELDS.items():
                if ao3_name in data and name not in data:
                    data[name] = data[ao3_name]
            kwargs["data"] = data
        return kwargs


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST; a GET (the menu's link, as on AO3) asks to confirm."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("home")
        return render(request, "registration/logout_confirm.html")


@never_cache
def token_dispenser(request: HttpRequest) -> JsonResponse:
    """A CSRF token for a client that logs in without loading the login page first."""
    return JsonResponse({"token": get_token(request)})
