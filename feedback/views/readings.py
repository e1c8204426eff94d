"""A reader's History and Marked for Later pages: theirs alone (404 for anyone else, admins
included)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from access.getters import get_work_for_reader
from access.visibility import listable_chapters_q
from lifestream.core.pagination import paginate
from people.models import User
from people.owners import own_account

from ..queries import readings as reading_queries
from ..services import readings as reading_services
from .subscriptions import user_nav


def readings(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = own_account(request.user, login_name)
    show = (
        reading_queries.TO_READ
        if request.GET.get("show") == reading_queries.TO_READ
        else reading_queries.HISTORY
    )
    page = paginate(request, reading_queries.readings_of(owner, show))
    shown = reading_queries.with_works(owner, list(page.object_list))
    return render(
        request,
        "feedback/readings.html",
        {
            "owner": owner,
            "nav": user_nav(request, owner),
            "page": page,
            "readings": shown,
            "to_read": show != "history",
        },
    )


@require_POST
def reading_delete(request: HttpRequest, login_name: str, reading_id: int) -> HttpResponse:
    owner = own_account(request.user, login_name)
    if not reading_services.delete_reading(owner, reading_id):
        raise Http404(gettext("No such work in your history."))
    messages.success(request, gettext("The work was deleted from your history."))
    return redirect(_back(request, owner))


@require_POST
def readings_clear(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = own_account(request.user, login_name)
    if request.POST.get("confirm") != "yes":
        messages.error(request, gettext("Your history was not cleared: please confirm first."))
        return redirect("feedback:readings", owner.username)
    reading_services.clear_history(owner)
    messages.success(request, gettext("Your history is now cleared."))
    return redirect("feedback:readings", owner.username)


@require_POST
def reading_position(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    """Where the reader is in a chapter, sent by the page as they read (`reading-position.js`);
    204 whether or not it was kept (a guest's, history off), 404 for a work they can't read or
    a chapter of it they can't see (a draft, one not released yet, another work's)."""
    work = get_work_for_reader(request.user, work_id)
    if not work.chapters.filter(listable_chapters_q(request.user, work), pk=chapter_id).exists():
        raise Http404(gettext("No such chapter."))
    sent = request.POST.get("position", "")
    if sent.isascii() and sent.isdecimal() and len(sent) <= 4:
        reading_services.record_position(request.user, work, chapter_id, int(sent))
    return HttpResponse(status=204)


def _back(request: HttpRequest, owner: User) -> str:
    show = request.POST.get("show")
    target = f"/users/{owner.username}/readings"
    return f"{target}?show=to-read" if show == reading_queries.TO_READ else target


urlpatterns = [
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/position",
        reading_position,
        name="reading_position",
    ),
    path("users/<str:login_name>/readings", readings, name="readings"),
    path("users/<str:login_name>/readings/clear", readings_clear, name="readings_clear"),
    path(
        "users/<str:login_name>/readings/<int:reading_id>/delete",
        reading_delete,
        name="reading_delete",
    ),
]
