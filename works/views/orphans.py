"""Orphaning pages: confirm, then hand one work, a pseud's works or all of a user's works to
the shared orphan account."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from access.getters import get_work_for_editor
from people.models import Pseud, User
from people.owners import own_account
from people.queries import get_pseud

from ..models import Work
from ..orphans import orphan_works, works_to_orphan

TAKE_OFF = "take_off"
LEAVE_COPY = "leave_copy"


class OrphanForm(forms.Form):
    pseud_choice = forms.ChoiceField(
        label=_("Your pseud"),
        choices=[
            (TAKE_OFF, _("Take my pseud off as well")),
            (LEAVE_COPY, _("Leave a copy of my pseud on")),
        ],
        initial=TAKE_OFF,
        widget=forms.RadioSelect,
    )
    understood = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={"required": _("Tick the box to show you understand this is permanent.")},
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user


def _confirm(
    request: HttpRequest, user: User, what: str, posted: list[Work], drafts: list[Work]
) -> HttpResponse:
    form = OrphanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and posted and form.is_valid():
        keep = form.cleaned_data["pseud_choice"] == LEAVE_COPY
        done = orphan_works(user, posted + drafts, keep_pseud=keep)
        count = len(done.works)
        text = ngettext(
            "Orphaned %(count)d work: they now belong to orphan_account.",
            "Orphaned %(count)d works: they now belong to orphan_account.",
            count,
        ) % {"count": count}
        if done.drafts_left:
            left = len(done.drafts_left)
            text += " " + ngettext(
                "%(count)d draft was left alone.", "%(count)d drafts were left alone.", left
            ) % {"count": left}
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


def pseud_orphan(request: HttpRequest, login_name: str, pseud_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    pseud: Pseud = get_pseud(user, pseud_name)
    posted, drafts = works_to_orphan(user, pseud)
    return _confirm(
        request, user, gettext("the works of %(pseud)s") % {"pseud": pseud.name}, posted, drafts
    )


def user_orphan(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    posted, drafts = works_to_orphan(user)
    return _confirm(request, user, gettext("all your works"), posted, drafts)
