"""A suspended account reads but does not write (`moderation.services.suspend_user`), one of
the archive's first steps (`lifestream.first_steps`): every form it sends (posting, editing,
comments, kudos, imports, pseuds, …) is answered 403 with the reason and the
end of the suspension, which every page also shows (`moderation/_suspended_notice.html`).
Bookmarks are let through to their service, which keeps them private. The API's writes are
refused by its token check (`api.auth`), as JSON, bookmarks apart in the same way."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lifestream.core.first_steps import FirstStep
from people.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def suspended_writing(request: HttpRequest, user: User) -> HttpResponse | None:
    if request.method in SAFE_METHODS or not user.is_suspended:
        return None
    return render(request, "moderation/suspended.html", status=403)


STOP_WRITING_WHILE_SUSPENDED = FirstStep(
    name="suspension",
    due=suspended_writing,
    # What a suspended account may still send, beside the always-open pages: its inbox, its
    # reading settings, and private bookmarks (the bookmark service refuses a public one,
    # with the form and its text kept).
    opens_views=frozenset(
        {
            "feedback:inbox",
            "works:reading_settings",
            "news:banner_dismiss",
            "feedback:bookmark_new",
            "feedback:work_bookmarks",
            "feedback:series_bookmark_new",
            "feedback:series_bookmarks",
            "feedback:bookmark_edit",
        }
    ),
)
