"""A user's co-creator requests (theirs alone) and the works gifted to them (public, each
work shown only to whoever may see it), with the invitee's and the recipient's answers."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from lifestream.core.ids import require_id
from lifestream.core.pagination import paginate
from people import queries as people_queries
from people.owners import own_account
from works import credits
from works import queries as work_queries

from .subscriptions import user_nav


def creatorships(request: HttpRequest, login_name: str) -> HttpResponse:
    """AO3's "Co-Creator Requests": the invitations waiting for an answer."""
    owner = own_account(request.user, login_name)
    page = paginate(request, work_queries.invitations_of(owner))
    context = {"owner": owner, "nav": user_nav(request, owner), "page": page}
    return render(request, "feedback/creatorships.html", context)


@require_POST
def creatorship_answer(request: HttpRequest, login_name: str, creatorship_id: int) -> HttpResponse:
    owner = own_account(request.user, login_name)
    if request.POST.get("action") == "accept":
        invitation = credits.accept_invitation(owner, require_id(creatorship_id))
        messages.success(
            request,
            gettext("You are now listed as a co-creator of “%(title)s”.")
            % {"title": invitation.work},
        )
    else:
        credits.decline_invitation(owner, require_id(creatorship_id))
        messages.success(request, gettext("Invitation declined."))
    return redirect("feedback:creatorships", owner.username)


def gifts(request: HttpRequest, login_name: str) -> HttpResponse:
    """Works gifted to the user, newest update first; their owner can refuse each."""
    owner = people_queries.get_user(login_name)
    page = paginate(request, work_queries.gifts_to(request.user, owner))
    works = list(page.object_list)
    mine = request.user.is_authenticated and request.user.pk == owner.pk
    refusable = work_queries.gift_ids_for(owner, works) if mine else {}
    context = {
        "owner": owner,
        "nav": user_nav(request, owner),
        "page": page,
        # Each work with the gift its recipient may refuse (on their own page only).
        "rows": [(work, refusable.get(work.pk)) for work in works],
    }
    return render(request, "feedback/gifts.html", context)


@require_POST
def gift_refuse(request: HttpRequest, login_name: str, gift_id: int) -> HttpResponse:
    owner = own_account(request.user, login_name)
    gift = credits.refuse_gift(owner, require_id(gift_id))
    messages.success(
        request, gettext("You have refused the gift “%(title)s”.") % {"title": gift.work}
    )
    return redirect("feedback:gifts", owner.username)


urlpatterns = [
    path("users/<str:login_name>/creatorships", creatorships, name="creatorships"),
    path(
        "users/<str:login_name>/creatorships/<int:creatorship_id>",
        creatorship_answer,
        name="creatorship_answer",
    ),
    path("users/<str:login_name>/gifts", gifts, name="gifts"),
    path("users/<str:login_name>/gifts/<int:gift_id>/refuse", gift_refuse, name="gift_refuse"),
]
