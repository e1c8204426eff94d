"""Pages for kudos, hits and "Mark for Later" on a work; the reading history and the creator
statistics pages join these URLs from their own modules."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from access.getters import get_work_for_reader
from access.visibility import is_creator
from lifestream.ao3_names import script_rate_limited
from lifestream.core.actors import actor_of
from lifestream.core.errors import InvalidInput, LoginRequired, RateLimited
from lifestream.core.ids import parse_id
from lifestream.core.pagination import paginate
from people.models import User
from works.models import Work

from ..models import Reading
from ..queries.kudos import givers, kudos_summary
from ..services import hits as hit_services
from ..services import readings as reading_services
from ..services.kudos import leave_kudos
from . import readings, stats

GIVERS_PER_PAGE = 200


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def kudos_context(request: HttpRequest, work: Work, message: str = "") -> dict[str, Any]:
    """What `_kudos_button.html` shows: the button (not for the work's creators), the givers
    and a message after a click. Shared by the work page and the htmx answer."""
    actor = actor_of(request)
    viewer = actor.user
    return {
        "work": work,
        "summary": kudos_summary(work, viewer, actor.guest_key),
        "can_leave": not is_creator(viewer, work),
        "kudos_message": message,
    }


def mark_context(request: HttpRequest, work: Work) -> dict[str, Any]:
    """What `_mark_button.html` shows: "Mark for Later", or "Mark as Read" once marked."""
    user = request.user
    marked = bool(
        user.is_authenticated
        and Reading.objects.filter(user_id=user.pk, work=work, marked_for_later=True).exists()
    )
    return {"work": work, "marked": marked}


def _readable_work(request: HttpRequest, work_id: int) -> Work:
    return get_work_for_reader(request.user, work_id)


def _back_to_work(work: Work, anchor: str = "") -> HttpResponse:
    return redirect(f"{work.get_absolute_url()}{anchor}")


def _leave(request: HttpRequest, work_id: int) -> HttpResponse:
    try:
        work = _readable_work(request, work_id)
    except LoginRequired:
        return redirect_to_login(f"/works/{work_id}")
    try:
        leave_kudos(actor_of(request), work)
    except InvalidInput as error:
        message, ok = error.errors[0].message, False
    else:
        message, ok = gettext("Thank you for leaving kudos!"), True
    if is_htmx(request):
        return render(request, "feedback/_kudos_button.html", kudos_context(request, work, message))
    (messages.success if ok else messages.error)(request, message)
    return _back_to_work(work, "#kudos")


@require_http_methods(["GET", "HEAD", "POST"])
def work_kudos(request: HttpRequest, work_id: int) -> HttpResponse:
    """GET: everyone who left kudos on the work; POST: leave kudos."""
    if request.method == "POST":
        return _leave(request, work_id)
    try:
        work = _readable_work(request, work_id)
    except LoginRequired:
        return redirect_to_login(request.get_full_path())
    page = paginate(request, givers(work), per_page=GIVERS_PER_PAGE)
    summary = kudos_summary(work, limit=0)
    return render(
        request, "feedback/kudos_list.html", {"work": work, "page": page, "summary": summary}
    )


def _kudos_target(request: HttpRequest) -> int | None:
    """The work id of AO3's form: `kudo[commentable_id]` and `kudo[commentable_type]=Work`."""
    kind = request.POST.get("kudo[commentable_type]", "Work")
    raw_id = request.POST.get("kudo[commentable_id]", "")
    return parse_id(raw_id) if kind == "Work" else None


@require_POST
def kudos_create(request: HttpRequest) -> HttpResponse:
    work_id = _kudos_target(request)
    if work_id is None:
        raise Http404(gettext("Kudos can only be left on works."))
    return _leave(request, work_id)


# AO3's script answers: 201 when the kudos is left, 422 with the reason under the name AO3
# uses for it, which clients written against AO3 test for.
_SCRIPT_ERROR_NAMES = {"already_left": "user_id", "own_work": "pseud", "blocked": "blocked"}


@require_POST
def kudos_script(request: HttpRequest) -> HttpResponse:
    """`POST /kudos.js`, what AO3's kudos button sends from a script."""
    work_id = _kudos_target(request)
    refusal = {"errors": {"no_commentable": ["What did you want to leave kudos on?"]}}
    if work_id is None:
        return JsonResponse(refusal, status=422)
    try:
        work = _readable_work(request, work_id)
    except (Http404, LoginRequired):
        return JsonResponse(refusal, status=422)
    try:
        kudos = leave_kudos(actor_of(request), work)
    except RateLimited as error:
        return script_rate_limited(error)
    except InvalidInput as error:
        first = error.errors[0]
        if first.code == "already_left" and not request.user.is_authenticated:
            name = "ip_address"
        else:
            name = _SCRIPT_ERROR_NAMES.get(first.code, first.code)
        return JsonResponse({"errors": {name: [first.message]}}, status=422)
    return JsonResponse({"id": kudos.pk, "work_id": work.pk}, status=201)


@require_POST
def hit_count(request: HttpRequest, work_id: int) -> HttpResponse:
    """The work page's script asks for this once loaded; it counts at most once a day."""
    try:
        work = _readable_work(request, work_id)
    except LoginRequired:
        raise Http404(gettext("No such work.")) from None
    hit_services.record_hit(actor_of(request), work)
    return HttpResponse(status=204)


def _mark(request: HttpRequest, work_id: int, later: bool) -> HttpResponse:
    work = _readable_work(request, work_id)
    user = cast(User, request.user)  # both views that call this are login_required
    try:
        if later:
            reading_services.mark_for_later(user, work)
            message = gettext("This work was added to your Marked for Later list.")
        else:
            reading_services.mark_as_read(user, work)
            message = gettext("This work was removed from your Marked for Later list.")
    except InvalidInput as error:
        message = error.errors[0].message
    if is_htmx(request):
        return render(request, "feedback/_mark_button.html", mark_context(request, work))
    messages.success(request, message)
    return _back_to_work(work)


@login_required
@require_POST
def mark_for_later(request: HttpRequest, work_id: int) -> HttpResponse:
    return _mark(request, work_id, later=True)


@login_required
@require_POST
def mark_as_read(request: HttpRequest, work_id: int) -> HttpResponse:
    return _mark(request, work_id, later=False)


urlpatterns = [
    path("works/<int:work_id>/kudos", work_kudos, name="work_kudos"),
    path("kudos", kudos_create, name="kudos"),
    path("kudos.js", kudos_script, name="kudos_script"),
    path("works/<int:work_id>/hit_count", hit_count, name="hit_count"),
    path("works/<int:work_id>/mark_for_later", mark_for_later, name="mark_for_later"),
    path("works/<int:work_id>/mark_as_read", mark_as_read, name="mark_as_read"),
    *readings.urlpatterns,
    *stats.urlpatterns,
]
