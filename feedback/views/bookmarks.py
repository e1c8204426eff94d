"""Pages for bookmarks: bookmarking a work, one bookmark, editing and deleting it, and the
listings (a work's, a user's or pseud's, a tag's, the archive's) with their filter sidebar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from access.getters import get_work_for_reader
from lifestream import ao3_names
from lifestream.ao3_names import with_ao3_names
from lifestream.core.errors import InvalidInput
from lifestream.core.forms import ServiceErrorsForm
from people import queries as people_queries
from people.models import Pseud, User
from people.services import ensure_default_pseud
from search.listing.form import read_bookmark_filters
from search.listing.query import find_bookmarks
from tags.addresses import tag_for_action
from tags.models import tag_to_param
from tags.services import split_tag_names

from ..models import Bookmark
from ..queries import bookmarks as queries
from ..services.bookmarks import (
    AlreadyBookmarked,
    BookmarkData,
    bookmark_data_from,
    create_bookmark,
    delete_bookmark,
    update_bookmark,
)
from .subscriptions import user_nav


class BookmarkForm(ServiceErrorsForm):
    """What a bookmarker types; the limits and tag rules are the service's (so the API agrees)."""

    pseud = forms.ModelChoiceField(
        queryset=Pseud.objects.none(), label="Bookmarker's Pseud", empty_label=None
    )
    notes = forms.CharField(
        required=False,
        strip=False,
        label="Notes",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Plain text or HTML; at most 5,000 characters.",
    )
    tags = forms.CharField(
        required=False,
        label="Your tags",
        help_text="Separate tags with commas; at most 75.",
        widget=forms.TextInput(
            attrs={"data-autocomplete": "freeform", "autocomplete": "off", "class": "tag-input"}
        ),
    )
    private = forms.BooleanField(required=False, label="Private bookmark")
    rec = forms.BooleanField(required=False, label="Rec")

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
    messages.info(
        request,
        format_html(
            'You have already bookmarked this work. <a href="{}">Edit your bookmark</a>.',
            edit_url,
        ),
    )
    return redirect(edit_url)


# --- one bookmark -------------------------------------------------------------------------------


@login_required
def bookmark_new(request: HttpRequest, work_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    work = get_work_for_reader(user, work_id)
    if not work.posted:
        raise Http404("Drafts can't be bookmarked.")
    existing = Bookmark.objects.filter(user=user, work=work).first()
    if existing is not None:
        return _already_bookmarked(request, existing)
    default_pseud = ensure_default_pseud(user)
    initial = _initial(BookmarkData(pseud=default_pseud))
    posted = with_ao3_names(request.POST, ao3_names.BOOKMARK) if request.method == "POST" else None
    if posted is not None and not posted.get("pseud"):
        # A script that names no pseud bookmarks as the default one, as the form would.
        posted = posted.copy()
        posted["pseud"] = str(default_pseud.pk)
    form = BookmarkForm(user, posted, initial=initial)
    if posted is not None and form.is_valid():
        try:
            bookmark = create_bookmark(user, work, form.data_for_service())
        except AlreadyBookmarked as error:
            return _already_bookmarked(request, error.bookmark)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Bookmark was successfully created.")
            return redirect("feedback:bookmark", bookmark.pk)
    return render(
        request, "feedback/bookmarks/form.html", {"form": form, "work": work, "new": True}
    )


def bookmark_show(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = queries.get_bookmark_for_viewer(request.user, bookmark_id)
    return render(
        request,
        "feedback/bookmarks/show.html",
        {"bookmark": bookmark, "work": bookmark.work, "owner": bookmark.user},
    )


@login_required
def bookmark_edit(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = queries.get_bookmark_for_owner(request.user, bookmark_id)
    user = request.user
    assert isinstance(user, User)
    form = BookmarkForm(user, request.POST or None, initial=_initial(bookmark_data_from(bookmark)))
    if request.method == "POST" and form.is_valid():
        try:
            update_bookmark(bookmark, form.data_for_service())
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Bookmark was successfully updated.")
            return redirect("feedback:bookmark", bookmark.pk)
    return render(
        request,
        "feedback/bookmarks/form.html",
        {"form": form, "work": bookmark.work, "bookmark": bookmark},
    )


@login_required
def bookmark_delete(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    bookmark = queries.get_bookmark_for_owner(request.user, bookmark_id)
    if request.method == "POST":
        delete_bookmark(bookmark)
        messages.success(request, "Bookmark was successfully deleted.")
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
        raise Http404("Drafts have no bookmarks.")
    bookmarks = queries.bookmarks_of_work(request.user, work)
    return _listing(request, bookmarks, {"work": work})


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
        raise Http404("No such tag.")
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
    path("users/<str:login_name>/bookmarks", user_bookmarks, name="user_bookmarks"),
    path(
        "users/<str:login_name>/pseuds/<str:pseud_name>/bookmarks",
        pseud_bookmarks,
        name="pseud_bookmarks",
    ),
    # A tag name may hold slashes (tags/addresses.py).
    path("tags/<path:tag_name>/bookmarks", tag_bookmarks, name="tag_bookmarks"),
]
