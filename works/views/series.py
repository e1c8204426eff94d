"""A series' page, its edit and delete pages, and the series of a user or a pseud."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.getters import get_series_for_editor, get_series_for_reader
from access.visibility import is_anonymous_series, is_series_creator
from feedback.queries.bookmarks import own_series_bookmark_id, series_bookmark_count
from feedback.views.subscriptions import subscribe_context
from lifestream.core.errors import InvalidInput
from lifestream.core.pagination import paginate
from people import queries as people_queries

from .. import series as series_services
from .. import series_queries
from ..series_forms import SeriesForm
from .posting import _user


def series_show(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_series_for_reader(request.user, series_id)
    works = series_queries.visible_works_of_series(request.user, series)
    context = {
        "series": series,
        "works": works,
        "stats": series_queries.stats_of(works),
        "dates": series_queries.dates_of(series, works),
        "is_series_creator": is_series_creator(request.user, series),
        "is_anonymous": is_anonymous_series(series),
        "subscribe": subscribe_context(request, series=series),
        "bookmark_count": series_bookmark_count(request.user, series),
        # A bookmark of a series needs a part the viewer may list (`works` are those).
        "bookmarkable": bool(works),
        "bookmark_id": own_series_bookmark_id(request.user, series),
    }
    return render(request, "works/series/show.html", context)


@login_required
def series_edit(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _user(request)
    series = get_series_for_editor(user, series_id)
    data = series_services.series_data_from(series)
    form = SeriesForm(request.POST or None, initial=data.__dict__)
    if request.method == "POST" and form.is_valid():
        try:
            series_services.update_series(user, series, form.series_data())
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Series was successfully updated."))
            return redirect(series)
    return render(request, "works/series/edit.html", {"form": form, "series": series})


@login_required
def series_delete(request: HttpRequest, series_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes the series (its works stay)."""
    user = _user(request)
    series = get_series_for_editor(user, series_id)
    if request.method == "POST":
        title = series.title
        series_services.delete_series(user, series)
        messages.success(request, _("Series “%(title)s” was deleted.") % {"title": title})
        return redirect("works:user_series", user.username)
    return render(request, "works/series/confirm_delete.html", {"series": series})


def user_series(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = people_queries.get_user(login_name)
    page = paginate(request, series_queries.series_by_user(request.user, owner))
    return render(request, "works/series/index.html", {"owner": owner, "page": page})


def pseud_series(request: HttpRequest, login_name: str, pseud_name: str) -> HttpResponse:
    owner = people_queries.get_user(login_name)
    pseud = people_queries.get_pseud(owner, pseud_name)
    page = paginate(request, series_queries.series_by_pseud(request.user, pseud))
    context = {"owner": owner, "pseud": pseud, "page": page}
    return render(request, "works/series/index.html", context)
