"""Sign-up pages: signing up (with an invitation where one is needed), the invite queue,
members' invitations, confirming an email, the terms, and the admin's settings and approvals.
Admin pages are 404 for everyone else."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from lifestream.core.errors import InvalidInput, NotFound
from lifestream.core.pagination import paginate
from moderation.views import admins_only
from people.forms import SignupForm
from people.models import User
from people.owners import own_account

from . import queries, services
from .first_steps import TERMS_DUE
from .forms import (
    AcceptTermsForm,
    IssueForm,
    QueueForm,
    SendInvitationForm,
    SettingsForm,
    StatusForm,
)
from .models import Registration


def signup(request: HttpRequest, token: str = "") -> HttpResponse:
    """AO3's /signup (and /signup/TOKEN from an invitation)."""
    if request.user.is_authenticated:
        return redirect("home")
    site = queries.site_settings()
    token = (
        token or request.GET.get("invitation_token", "") or request.POST.get("invitation_token", "")
    )
    invitation = queries.usable_invitation(token)
    refusal = services.signup_refusal(site.registration, invitation)
    if token and invitation is None:
        refusal = gettext("This invitation has already been used or does not exist.")
    context: dict[str, Any] = {"site": site, "token": token if invitation else ""}
    if refusal:
        context["refusal"] = refusal
        return render(request, "signups/closed.html", context, status=403 if token else 200)
    initial = {"email": invitation.email} if invitation and invitation.email else None
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user, pending = services.register(
                form.cleaned_data["username"],
                form.cleaned_data["email"],
                form.cleaned_data["password1"],
                invitation_token=token,
            )
        except InvalidInput as error:
            form.add_error(None, " ".join(e.message for e in error.errors))
        else:
            if pending.needs_approval:
                return render(request, "signups/waiting.html", {"user_name": user.username})
            login(request, user, backend="people.backends.AccountBackend")
            messages.success(
                request,
                gettext(
                    "Welcome to the archive, %(name)s! We sent a link to %(email)s: follow it "
                    "to confirm your address before you post or comment."
                )
                % {"name": user.username, "email": user.email},
            )
            return redirect(user)
    context["form"] = form
    return render(request, "registration/signup.html", context)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.confirm_email(token)
    except InvalidInput as error:
        return render(
            request, "signups/confirm_failed.html", {"error": error.errors[0].message}, status=400
        )
    messages.success(request, gettext("Thank you: your email address is confirmed."))
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect(user)
    return redirect("login")


@login_required
@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    pending = queries.pending_of(user)
    if pending is not None and pending.needs_confirmation:
        services.send_confirmation(user)
        messages.success(
            request, gettext("We sent a new link to %(email)s.") % {"email": user.email}
        )
    return redirect("people:preferences", user.username)


def invite_requests(request: HttpRequest) -> HttpResponse:
    """AO3's /invite_requests: join the queue, and see how many wait."""
    site = queries.site_settings()
    if site.registration != Registration.QUEUE:
        return render(request, "signups/queue_closed.html", {"site": site})
    form = QueueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            position = services.join_queue(form.cleaned_data["email"])
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            return render(
                request,
                "signups/queue_joined.html",
                {"position": position, "per_day": site.queue_per_day},
            )
    return render(
        request,
        "signups/queue.html",
        {
            "form": form,
            "status_form": StatusForm(),
            "waiting": queries.queue_length(),
            "per_day": site.queue_per_day,
        },
    )


def invite_request_status(request: HttpRequest) -> HttpResponse:
    """Where an address waits in the queue. It says nothing about accounts: only the queue."""
    form = StatusForm(request.GET or None)
    position = None
    asked = False
    if form.is_valid():
        asked = True
        position = queries.queue_position(form.cleaned_data["email"])
    return render(
        request,
        "signups/queue_status.html",
        {"form": form, "asked": asked, "position": position},
    )


def user_invitations(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = own_account(request.user, login_name)
    services.give_member_invitations(owner)
    form = SendInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.send_invitation(
                owner, form.cleaned_data["invitation"], form.cleaned_data["email"]
            )
        except (InvalidInput, NotFound) as error:
            if isinstance(error, NotFound):
                raise Http404(str(error)) from None
            form.add_service_errors(error)
        else:
            messages.success(
                request, gettext("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("signups:user_invitations", owner.username)
    invitations = list(queries.own_invitations(owner))
    return render(
        request,
        "signups/user_invitations.html",
        {"owner": owner, "invitations": invitations, "form": form},
    )


def _text_page(request: HttpRequest, title: str, text: str, empty: str) -> HttpResponse:
    return render(request, "signups/text_page.html", {"title": title, "text": text, "empty": empty})


def terms(request: HttpRequest) -> HttpResponse:
    site = queries.site_settings()
    return _text_page(
        request,
        gettext("Terms of Service"),
        site.terms,
        gettext("This archive has not written terms of service yet."),
    )


def content_policy(request: HttpRequest) -> HttpResponse:
    site = queries.site_settings()
    return _text_page(
        request,
        gettext("Content Policy"),
        site.content_policy,
        gettext("This archive has not written a content policy yet."),
    )


@login_required
def accept_terms(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    form = AcceptTermsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.accept_terms(user)
        request.session[TERMS_DUE] = False
        messages.success(request, gettext("Thank you for accepting the terms."))
        return redirect(next_url)
    site = queries.site_settings()
    return render(
        request,
        "signups/accept_terms.html",
        {"form": form, "site": site, "next": next_url},
    )


@admins_only
def admin_settings(request: HttpRequest) -> HttpResponse:
    site = queries.site_settings()
    initial = {
        name: getattr(site, name)
        for name in (
            "registration",
            "invitations_per_user",
            "queue_per_day",
            "terms",
            "content_policy",
        )
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(services.SettingsData(**form.cleaned_data))
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The settings were saved."))
            return redirect("signups:admin_settings")
    return render(request, "signups/admin_settings.html", {"form": form, "site": site})


@admins_only
def admin_invitations(request: HttpRequest) -> HttpResponse:
    form = IssueForm(request.POST or None)
    issued: list[Any] = []
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["user"].strip()
        member = User.objects.filter(username__iexact=name).first() if name else None
        if name and member is None:
            form.add_error("user", gettext("There is no user with that name."))
        else:
            try:
                issued = services.issue_invitations(member, form.cleaned_data["count"])
            except InvalidInput as error:
                form.add_service_errors(error)
            else:
                if member is not None:
                    messages.success(
                        request,
                        gettext("%(count)s invitations given to %(name)s.")
                        % {"count": len(issued), "name": member.username},
                    )
                    return redirect("signups:admin_invitations")
    page = paginate(request, queries.admin_invitations(), per_page=50)
    return render(
        request,
        "signups/admin_invitations.html",
        {
            "form": form,
            "issued": issued,
            "page": page,
            "waiting": queries.queue_length(),
            "site_url": settings.SITE_URL,
        },
    )


@admins_only
def admin_approvals(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        pending_id = request.POST.get("pending", "")
        if not pending_id.isdecimal():
            raise Http404(gettext("No such account is waiting."))
        try:
            if request.POST.get("decision") == "approve":
                user = services.approve(int(pending_id))
                messages.success(
                    request, gettext("%(name)s is approved.") % {"name": user.username}
                )
            else:
                name = services.reject(int(pending_id))
                messages.success(request, gettext("%(name)s was refused.") % {"name": name})
        except NotFound as error:
            raise Http404(str(error)) from None
        return redirect("signups:admin_approvals")
    page = paginate(request, queries.awaiting_approval(), per_page=50)
    return render(request, "signups/admin_approvals.html", {"page": page})
