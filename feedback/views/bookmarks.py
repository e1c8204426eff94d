"""Pages for bookmarks: bookmarking a work or a series, one bookmark, editing and deleting it,
and the listings (a work's, a series', a user's or pseud's, a tag's, the archive's) with their
filter sidebar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from access.getters import get_series_for_reader, get_work_for_reader
from access.visibility import has_listable_part
from archive_collections import services as collection_services
from lifestream import ao3_names
from lifestream.ao3_names import with_ao3_names
from lifestream.core.errors import ErrorList, InvalidInput
from lifestream.core.forms import ServiceErrorsForm
from people import queries as people_queries
from people.models import Pseud, User
from people.services import ensure_default_pseud
from search.listing.form import read_bookmark_filters
from search.listing.query import find_bookmarks
from tags.addresses import tag_for_action
from tags.models import tag_to_param
from tags.services import split_tag_names
from works.models import Series, Work

from ..models import Bookmark
from ..queries import bookmarks as queries
from ..services.bookmarks import (
    AlreadyBookmarked,
    BookmarkData,
    bookmark_data_from,
    create_bookmark,
    create_series_bookmark,
    delete_bookmark,
    update_bookmark,
)
from .subscriptions import user_nav


class BookmarkForm(ServiceErrorsForm):
    """What a bookmarker types; the limits and tag rules are the service's (so the API agrees)."""

    pseud = forms.ModelChoiceField(
        queryset=Pseud.objects.none(), label=_("Bookmarker's Pseud"), empty_label=None
    )
    notes = forms.CharField(
        required=False,
        strip=False,
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text or HTML; at most 5,000 characters."),
    )
    tags = forms.CharField(
        required=False,
        label=_("Your tags"),
        help_text=_("Separate tags with commas; at most 75."),
        widget=forms.TextInput(
            attrs={"data-autocomplete": "freeform", "autocomplete": "off", "class": "tag-input"}
        ),
    )
    private = forms.BooleanField(required=False, label=_("Private bookmark"))
    rec = forms.BooleanField(required=False, label=_("Rec"))
    collections = forms.CharField(
        required=False,
        label=_("Add to Collections"),
        help_text=_("Collection names, separated by commas (public bookmarks only)."),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pseud"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = user.pseuds.order_by("-is_default", "name")

    def data_for_service(self) -> BookmarkData:
        cleaned = self.cleaned_data
        return BookmarkData(
            pseud=cleaned["pseud"],
            notes=cleaned["notes"],
            tags=split_tag_names(cleaned["tags"]),
            private=cleaned["private"],
            rec=cleaned["rec"],
        )


def _initial(data: BookmarkData) -> dict[str, Any]:
    return {
        "pseud": data.pseud,
        "notes": data.notes,
        "tags": ", ".join(data.tags),
        "private": data.private,
        "rec": data.rec,
    }


def _already_bookmarked(request: HttpRequest, bookmark: Bookmark) -> HttpResponse:
    edit_url = reverse("feedback:bookmark_edit", args=[bookmark.pk])
    noun = "series" if bookmark.series_id is not None else "work"
    messages.info(
        request,
        format_html(
            'You have already bookmarked this {}. <a href="{}">Edit your bookmark</a>.',
            noun,
            edit_url,
        ),
    )
    return redirect(edit_url)


def _targets(bookmark: Bookmark) -> dict[str, Work | Series | None]:
    """The bookmarked work or series, for the templates."""
    return {"work": bookmark.work, "series": bookmark.series}


# --- one bookmark -------------------------------------------------------------------------------


def _new_bookmark(
    request: HttpRequest,
    user: User,
    existing: Bookmark | None,
    *,
    work: Work | None = None,
    series: Series | None = None,
) -> HttpResponse:
    """The new-bookmark form and its POST, for a work or a series (the same form)."""
    if existing is not None:
        return _already_bookmarked(request, existing)
    default_pseud = ensure_default_pseud(user)
    # A suspended account may only bookmark privately: the box comes ticked.
    initial = _initial(BookmarkData(pseud=default_pseud, private=user.is_suspended))
    posted = with_ao3_names(request.POST, ao3_names.BOOKMARK) if request.method == "POST" else None
    if posted is not None and not posted.get("pseud"):
        # A script that names no pseud bookmarks as the default one, as the form would.
        posted = posted.copy()
        posted["pseud"] = str(default_pseud.pk)
    form = BookmarkForm(user, posted, initial=initial)
    if posted is not None and form.is_valid():
        try:
            with transaction.atomic():
                data = form.data_for_service()
                collections = ErrorList()
                chosen = collection_services.check_bookmark_collections(
                    user, form.cleaned_data["collections"], None, data.private, collections
                )
                collections.raise_if_any()
                if series is not None:
                    bookmark = create_series_bookmark(user, series, data)
                else:
                    assert work is not None
                    bookmark = create_bookmark(user, work, data)
                collection_services.set_bookmark_collections(user, bookmark, chosen)
        except AlreadyBookmarked as error:
            return _already_bookmarked(request, error.bookmark)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("Bookmark was successfully created."))
            return redirect("feedback:bookmark", bookmark.pk)
    context = {"form": form, "work": work, "series": series, "new": True}
    return render(request, "feedback/bookmarks/form.html", context)


@login_required
def bookmark_new(request: HttpRequest, work_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    work = get_work_for_reader(user, work_id)
    if not work.posted:
        raise Http404(gettext("Drafts can't be bookmarked."))
    existing = Bookmark.objects.filter(user=user, work=work).first()
    return _new_bookmark(request, user, existing, work=work)


def _bookmarkable_series(user: User, series_id: int) -> Series:
    series = get_series_for_reader(user, series_id)
    if not has_listable_part(user, series.pk):
        # Its creators' series of drafts: nothing in it anyone else could see.
        raise Http404(gettext("A series with no posted work you can read can't be bookmarked."))
    return series


@login_required
def series_bookmark_new(request: HttpRequest, series_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    series = _bookmarkable_series(user, series_id)
    existing = Bookmark.objects.filter(user=user, series=series).first()
    return _new_bookmark(request, user, existing, series=series)


def bookmark_show(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = queries.get_bookmark_for_viewer(request.user, bookmark_id)
    return render(
        request,
        "feedback/bookmarks/show.html",
        {"bookmark": bookmark, **_targets(bookmark), "owner": bookmark.user},
    )


@login_required
def bookmark_edit(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = queries.get_bookmark_for_owner(request.user, bookmark_id)
    user = request.user
    assert isinstance(user, User)
    initial = _initial(bookmark_data_from(bookmark))
    initial["collections"] = ", ".join(
        c.name for c in collection_services.bookmark_collections(bookmark)
    )
    form = BookmarkForm(user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                data = form.data_for_service()
                collections = ErrorList()
                chosen = collection_services.check_bookmark_collections(
                    user, form.cleaned_data["collections"], bookmark, data.private, collections
                )
                collections.raise_if_any()
                update_bookmark(bookmark, data)
                collection_services.set_bookmark_collections(user, bookmark, chosen)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("Bookmark was successfully updated."))
            return redirect("feedback:bookmark", bookmark.pk)
    return render(
        request,
        "feedback/bookmarks/form.html",
        {"form": form, **_targets(bookmark), "bookmark": bookmark},
    )


@login_required
def bookmark_delete(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    bookmark = queries.get_bookmark_for_owner(request.user, bookmark_id)
    if request.method == "POST":
        delete_bookmark(bookmark)
        messages.success(request, gettext("Bookmark was successfully deleted."))
        return redirect("feedback:user_bookmarks", request.user.get_username())
    return render(request, "feedback/bookmarks/confirm_delete.html", {"bookmark": bookmark})


# --- listings -----------------------------------------------------------------------------------


def _listing(
    request: HttpRequest, bookmarks: QuerySet[Bookmark], context: dict[str, Any]
) -> HttpResponse:
    """A filtered page of bookmark blurbs with the sidebar."""
    filters = read_bookmark_filters(request.GET)
    results = find_bookmarks(request.user, bookmarks, filters, request.GET.get("page"))
    return render(request, "feedback/bookmarks/index.html", {**context, **results.context()})


def bookmarks_index(request: HttpRequest) -> HttpResponse:
    return _listing(request, queries.visible_bookmarks(request.user), {})


def work_bookmarks(request: HttpRequest, work_id: int) -> HttpResponse:
    """The work's bookmarks; a POST here is AO3's way to bookmark it."""
    if request.method == "POST":
        return bookmark_new(request, work_id)
    work = get_work_for_reader(request.user, work_id)
    if not work.posted:
        raise Http404(gettext("Drafts have no bookmarks."))
    bookmarks = queries.bookmarks_of_work(request.user, work)
    return _listing(request, bookmarks, {"work": work})


def series_bookmarks(request: HttpRequest, series_id: int) -> HttpResponse:
    """The series' bookmarks (AO3's `/series/ID/bookmarks`); a POST here bookmarks it."""
    if request.method == "POST":
        return series_bookmark_new(request, series_id)
    series = get_series_for_reader(request.user, series_id)
    bookmarks = queries.bookmarks_of_series(request.user, series)
    return _listing(request, bookmarks, {"series": series})


def user_bookmarks(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = people_queries.get_user(login_name)
    bookmarks = queries.bookmarks_of_user(request.user, owner)
    context = {"owner": owner, "nav": user_nav(request, owner), "byline": owner.username}
    return _listing(request, bookmarks, context)


def pseud_bookmarks(request: HttpRequest, login_name: str, pseud_name: str) -> HttpResponse:
    owner = people_queries.get_user(login_name)
    pseud = people_queries.get_pseud(owner, pseud_name)
    pseud.user = owner  # the byline needs the login, already at hand
    bookmarks = queries.bookmarks_of_pseud(request.user, pseud)
    context = {
        "owner": owner,
        "nav": user_nav(request, owner),
        "pseud": pseud,
        "byline": pseud.byline,
    }
    return _listing(request, bookmarks, context)


def tag_bookmarks(request: HttpRequest, tag_name: str) -> HttpResponse:
    tag = tag_for_action(
        request,
        tag_name,
        "bookmarks",
        lambda name: queries.findable_bookmark_tag(request.user, name),
    )
    if isinstance(tag, HttpResponse):
        return tag
    if tag is None:
        raise Http404(gettext("No such tag."))
    if tag.merger is not None:
        return redirect("feedback:tag_bookmarks", tag_to_param(tag.merger.name))
    if tag_to_param(tag.name) != tag_name:
        return redirect("feedback:tag_bookmarks", tag_to_param(tag.name), permanent=True)
    return _listing(request, queries.bookmarks_tagged(request.user, tag), {"tag": tag})


urlpatterns: list[URLPattern] = [
    path("bookmarks", bookmarks_index, name="bookmarks"),
    path("bookmarks/<int:bookmark_id>", bookmark_show, name="bookmark"),
    path("bookmarks/<int:bookmark_id>/edit", bookmark_edit, name="bookmark_edit"),
    path("bookmarks/<int:bookmark_id>/confirm_delete", bookmark_delete, name="bookmark_delete"),
    path("works/<int:work_id>/bookmarks", work_bookmarks, name="work_bookmarks"),
    path("works/<int:work_id>/bookmarks/new", bookmark_new, name="bookmark_new"),
    path("series/<int:series_id>/bookmarks", series_bookmarks, name="series_bookmarks"),
    path("series/<int:series_id>/bookmarks/new", series_bookmark_new, name="series_bookmark_new"),
    path("users/<str:login_name>/bookmarks", user_bookmarks, name="user_bookmarks"),
    path(
        "users/<str:login_name>/pseuds/<str:pseud_name>/bookmarks",
        pseud_bookmarks,
        name="pseud_bookmarks",
    ),
    # A tag name may hold slashes (tags/addresses.py).
    path("tags/<path:tag_name>/bookmarks", tag_bookmarks, name="tag_bookmarks"),
]
