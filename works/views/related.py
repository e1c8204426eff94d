"""Related works: a user's page of them, and the buttons that approve, hide or remove a link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.queries import get_user

from .. import related
from .posting import _user


def related_works(request: HttpRequest, login_name: str) -> HttpResponse:
    """`/users/LOGIN/related_works`: translations of and works inspired by the user's works,
    and the works theirs were inspired by, as far as the viewer may see them."""
    owner = get_user(login_name)
    listing = related.related_listing(request.user, owner)
    owns = request.user.is_authenticated and request.user.pk == owner.pk
    context = {"owner": owner, "listing": listing, "owns": owns}
    return render(request, "works/related/index.html", context)


@login_required
@require_POST
def related_answer(request: HttpRequest, link_id: int) -> HttpResponse:
    user = _user(request)
    approve = request.POST.get("answer") == "approve"
    related.answer_link(user, link_id, approve=approve)
    messages.success(
        request,
        _("The work is now listed under yours.")
        if approve
        else _("The work is no longer listed under yours."),
    )
    return redirect("works:related_works", user.username)


@login_required
@require_POST
def related_remove(request: HttpRequest, link_id: int) -> HttpResponse:
    user = _user(request)
    work_id = related.remove_parent(user, link_id)
    messages.success(request, _("The work no longer names that one as its inspiration."))
    return redirect("works:edit", work_id)
