"""Orphaning pages: confirm, then hand one work, a pseud's works or all of a user's works to
the shared orphan account."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize

from access.getters import get_work_for_editor
from people.models import Pseud, User
from people.queries import get_pseud

from ..models import Work
from ..orphans import orphan_works, works_to_orphan

TAKE_OFF = "take_off"
LEAVE_COPY = "leave_copy"


class OrphanForm(forms.Form):
    pseud_choice = forms.ChoiceField(
        label="Your pseud",
        choices=[
            (TAKE_OFF, "Take my pseud off as well"),
            (LEAVE_COPY, "Leave a copy of my pseud on"),
        ],
        initial=TAKE_OFF,
        widget=forms.RadioSelect,
    )
    understood = forms.BooleanField(
        label="I understand this cannot be undone",
        error_messages={"required": "Tick the box to show you understand this is permanent."},
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user


def _own_account(request: HttpRequest, login_name: str) -> User:
    user = _user(request)
    if user.username.lower() != login_name.lower():
        raise Http404("That page belongs to another account.")
    return user


def _confirm(
    request: HttpRequest, user: User, what: str, posted: list[Work], drafts: list[Work]
) -> HttpResponse:
    form = OrphanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and posted and form.is_valid():
        keep = form.cleaned_data["pseud_choice"] == LEAVE_COPY
        done = orphan_works(user, posted + drafts, keep_pseud=keep)
        count = len(done.works)
        text = f"Orphaned {count} work{pluralize(count)}: they now belong to orphan_account."
        if done.drafts_left:
            left = len(done.drafts_left)
            text += f" {left} draft{pluralize(left)} {pluralize(left, 'was,were')} left alone."
        messages.success(request, text)
        return redirect("people:works", user.username)
    return render(
        request,
        "works/orphan.html",
        {"form": form, "what": what, "works": posted, "drafts": drafts},
    )


@login_required
def work_orphan(request: HttpRequest, work_id: int) -> HttpResponse:
    user = _user(request)
    work = get_work_for_editor(user, work_id)
    posted, drafts = ([work], []) if work.posted else ([], [work])
    return _confirm(request, user, f"“{work.title}”", posted, drafts)


@login_required
def pseud_orphan(request: HttpRequest, login_name: str, pseud_name: str) -> HttpResponse:
    user = _own_account(request, login_name)
    pseud: Pseud = get_pseud(user, pseud_name)
    posted, drafts = works_to_orphan(user, pseud)
    return _confirm(request, user, f"the works of {pseud.name}", posted, drafts)


@login_required
def user_orphan(request: HttpRequest, login_name: str) -> HttpResponse:
    user = _own_account(request, login_name)
    posted, drafts = works_to_orphan(user)
    return _confirm(request, user, "all your works", posted, drafts)
