"""Account pages: sign-up, a user's dashboard and works, pseuds, preferences and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from access.visibility import muted_user_ids
from feedback.views.subscriptions import subscribe_context, user_nav
from lifestream import ao3_names
from lifestream.ao3_names import posted_form
from lifestream.core.errors import InvalidInput
from lifestream.core.pagination import paginate
from search.listing.form import read_request
from search.listing.query import search
from signups.queries import pending_of
from works import queries as work_queries

from . import queries, services, two_factor, views_security
from .forms import ApiTokenForm, PreferencesForm, PseudForm
from .models import User
from .owners import own_account


def block_buttons_context(viewer: object, owner: User) -> dict[str, Any]:
    """The Block/Mute buttons on another user's profile. They describe only what the viewer did
    to the profile's owner, never the reverse: a user someone blocked or muted sees the same
    buttons as anyone else (as on AO3, being blocked is not shown)."""
    if not isinstance(viewer, User) or viewer.pk == owner.pk:
        return {"shown": False}
    if owner.is_staff or owner.is_superuser:
        # Official accounts can't be blocked or muted: no button that could only fail.
        return {"shown": False}
    return {
        "shown": True,
        "blocked": queries.has_blocked(viewer, owner),
        # The same per-request set the listings on this page use: usually no extra query.
        "muted": owner.pk in muted_user_ids(viewer),
    }


def user_dashboard(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = queries.get_user(login_name)
    works = work_queries.listing(work_queries.works_by_user(request.user, owner), request.user)
    context: dict[str, Any] = {
        "owner": owner,
        "nav": user_nav(request, owner),
        "pseuds": list(owner.pseuds.all()),
        "works": works[:5],
        "work_count": works.count(),
    }
    if request.user.is_authenticated and request.user.pk != owner.pk:
        context["subscribe"] = subscribe_context(request, creator=owner)
        context["blocks"] = block_buttons_context(request.user, owner)
    elif request.user.pk == owner.pk:
        context["anonymous_works"] = list(work_queries.anonymous_works_of(owner)[:50])
    return render(request, "people/dashboard.html", context)


def user_works(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = queries.get_user(login_name)
    context = {
        "owner": owner,
        "nav": user_nav(request, owner),
        "heading_suffix": f" by {owner.username}",
    }
    results = search(request.user, read_request(request.GET), user_id=owner.pk)
    return render(request, "people/works.html", {**context, **results.context()})


def pseud_works(request: HttpRequest, login_name: str, pseud_name: str) -> HttpResponse:
    owner = queries.get_user(login_name)
    pseud = queries.get_pseud(owner, pseud_name)
    context = {
        "owner": owner,
        "nav": user_nav(request, owner),
        "pseud": pseud,
        "heading_suffix": f" by {pseud.byline}",
    }
    results = search(request.user, read_request(request.GET), pseud_id=pseud.pk)
    return render(request, "people/works.html", {**context, **results.context()})


def pseud_page(request: HttpRequest, login_name: str, pseud_name: str) -> HttpResponse:
    owner = queries.get_user(login_name)
    pseud = queries.get_pseud(owner, pseud_name)
    works = work_queries.listing(work_queries.works_by_pseud(request.user, pseud), request.user)
    return render(
        request,
        "people/pseud.html",
        {
            "owner": owner,
            "nav": user_nav(request, owner),
            "pseud": pseud,
            "works": works[:5],
            "work_count": works.count(),
        },
    )


def drafts(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    page = paginate(request, work_queries.drafts_of(user))
    return render(
        request, "people/drafts.html", {"owner": user, "nav": user_nav(request, user), "page": page}
    )


@login_required
def my_drafts(request: HttpRequest) -> HttpResponse:
    return redirect("people:drafts", request.user.get_username())


def pseud_list(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = queries.get_user(login_name)
    context = {"owner": owner, "nav": user_nav(request, owner), "pseuds": owner.pseuds.all()}
    return render(request, "people/pseuds.html", context)


def _pseud_form_errors(form: PseudForm, error: InvalidInput) -> None:
    for field_error in error.errors:
        form.add_error(
            field_error.field if field_error.field in form.fields else None, field_error.message
        )


def pseud_new(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    form = PseudForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pseud = services.add_pseud(
                user, form.cleaned_data["name"], form.cleaned_data["description"]
            )
        except InvalidInput as error:
            _pseud_form_errors(form, error)
        else:
            messages.success(request, gettext("Pseud “%(name)s” created.") % {"name": pseud.name})
            return redirect("people:pseuds", user.username)
    return render(request, "people/pseud_form.html", {"form": form, "owner": user})


def pseud_edit(request: HttpRequest, login_name: str, pseud_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    pseud = queries.get_pseud(user, pseud_name)
    initial = {"name": pseud.name, "description": pseud.description}
    form = PseudForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_pseud(
                pseud, form.cleaned_data["name"], form.cleaned_data["description"]
            )
        except InvalidInput as error:
            _pseud_form_errors(form, error)
        else:
            messages.success(request, gettext("Pseud updated."))
            return redirect("people:pseuds", user.username)
    return render(request, "people/pseud_form.html", {"form": form, "owner": user, "pseud": pseud})


def preferences(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user, **form.cleaned_data)
        messages.success(request, gettext("Your preferences were saved."))
        return redirect("people:preferences", user.username)
    pending = pending_of(user)
    context = {
        "form": form,
        "owner": user,
        "nav": user_nav(request, user),
        "unconfirmed": pending is not None and pending.needs_confirmation,
    }
    return render(request, "people/preferences.html", context)


def api_tokens(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = services.create_api_token(user, form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(
        request,
        "people/api_tokens.html",
        {
            "owner": user,
            "nav": user_nav(request, user),
            "form": form,
            "tokens": services.live_api_tokens(user),
            "new_key": new_key,
        },
    )


@require_POST
def api_token_revoke(request: HttpRequest, login_name: str, token_id: int) -> HttpResponse:
    user = own_account(request.user, login_name)
    if services.revoke_api_token(user, token_id):
        messages.success(request, gettext("The token was revoked; it no longer works."))
    return redirect("people:api_tokens", user.username)


class LoginView(auth_views.LoginView):
    """Django's login, also taking AO3's field names (`user[login]`, `user[password]`), which
    AO3 clients post, some of them in the query string."""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["data"] = posted_form(self.request, ao3_names.LOGIN)
        return kwargs

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor.is_on(user):
            return super().form_valid(form)
        if any(name in self.request.POST or name in self.request.GET for name in ao3_names.LOGIN):
            # An AO3 client posts AO3's fields and can't ask for a code: a plain refusal.
            form.add_error(
                None,
                gettext(
                    "This account uses two-factor authentication, which this app can't ask "
                    "for. Log in on the archive's own login page in a web browser instead."
                ),
            )
            return self.form_invalid(form)
        views_security.start_second_step(self.request, user, self.get_success_url())
        return redirect("login_two_factor")


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST; a GET (the menu's link, as on AO3, which AO3 clients look for to
    know they are logged in) asks to confirm."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("home")
        return render(request, "registration/logout_confirm.html")


@never_cache
def token_dispenser(request: HttpRequest) -> JsonResponse:
    """AO3's `/token_dispenser.json`: a CSRF token for a client that logs in by script,
    without loading the login page first."""
    return JsonResponse({"token": get_token(request)})
