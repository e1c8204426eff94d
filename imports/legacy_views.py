"""The pages of an imported eFiction archive: its old addresses, which redirect (301) to what
their stories, authors, categories and series became, and the page where an author claims
their account.

An old address redirects only to what the visitor may see (the one visibility rules of
`access`): a draft, a hidden work or a series with nothing visible is "not found", as it
would be at its own address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from access.getters import findable_tag, get_series_for_reader, get_work_for_reader
from lifestream.core.ids import parse_id
from people.models import User

from .efiction.claims import user_for_claim
from .models import LegacyKind, LegacyRecord


def _target(kind: str, raw: str | None) -> int:
    legacy_id = parse_id(raw or "")
    if legacy_id is None:
        raise Http404(gettext("No such page."))
    record = LegacyRecord.objects.filter(kind=kind, legacy_id=str(legacy_id)).first()
    if record is None:
        raise Http404(gettext("No such page."))
    return record.target_id


def view_story(request: HttpRequest) -> HttpResponse:
    work = get_work_for_reader(request.user, _target(LegacyKind.STORY, request.GET.get("sid")))
    url = work.get_absolute_url()
    position = parse_id(request.GET.get("chapter") or "")
    if position is not None and request.GET.get("chapter") != "all":
        chapter = work.chapters.filter(position=position).first()
        if chapter is not None and chapter.posted:
            url = chapter.get_absolute_url()
    return HttpResponsePermanentRedirect(url)


def view_user(request: HttpRequest) -> HttpResponse:
    user = User.objects.filter(
        pk=_target(LegacyKind.AUTHOR, request.GET.get("uid")), is_active=True
    ).first()
    if user is None:
        raise Http404(gettext("No such user."))
    return HttpResponsePermanentRedirect(reverse("people:user", args=[user.username]))


def browse(request: HttpRequest) -> HttpResponse:
    if request.GET.get("type") != "categories":
        raise Http404(gettext("No such page."))
    tag = findable_tag(request.user, tag_id=_target(LegacyKind.CATEGORY, request.GET.get("catid")))
    if tag is None:
        raise Http404(gettext("No such tag."))
    return HttpResponsePermanentRedirect(tag.get_absolute_url())


def view_series(request: HttpRequest) -> HttpResponse:
    series = get_series_for_reader(
        request.user, _target(LegacyKind.SERIES, request.GET.get("seriesid"))
    )
    return HttpResponsePermanentRedirect(series.get_absolute_url())


def claim(request: HttpRequest, token: str) -> HttpResponse:
    user = user_for_claim(token)
    if user is None:
        return render(request, "imports/claim.html", {"form": None}, status=404)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, user, backend="people.backends.AccountBackend")
        messages.success(request, gettext("Welcome back! Your account is yours again."))
        return redirect("people:user", user.username)
    return render(request, "imports/claim.html", {"form": form, "claimed": user})
