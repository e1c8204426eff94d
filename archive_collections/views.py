"""Collection pages: the list and its search, a collection's profile, its works and
bookmarks (the one listing stack), its Atom feed, the owners' forms, the participants and
items pages, and a user's collections and items. Writes go through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.getters import get_work_for_reader, listed_collections
from access.visibility import ANONYMOUS, public_byline_pseuds, public_byline_text
from feedback.moderators import can_moderate
from feedback.views.bookmarks import _listing as bookmark_listing
from feedback.views.subscriptions import user_nav
from lifestream.core.errors import Forbidden, InvalidInput, NotFound
from lifestream.core.pagination import paginate
from people import queries as people_queries
from people.models import User
from search.listing.form import read_request
from search.listing.query import search
from tags.views import XmlSafeAtom1Feed
from works import queries as work_queries
from works.models import Work

from . import queries, services
from .forms import AddBookmarkForm, CollectionForm, InviteWorkForm, RoleForm
from .models import Collection, Role

FEED_ITEMS = 25


def _collection(name: str) -> Collection:
    try:
        return services.get_collection(name)
    except NotFound as missing:
        raise Http404(str(missing)) from missing


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user


def index(request: HttpRequest) -> HttpResponse:
    """Every collection, by title; `?query=` searches names and titles."""
    query = request.GET.get("query", "")
    page = paginate(request, queries.with_people(queries.collections(query)), queries.PER_PAGE)
    return render(
        request,
        "collections/index.html",
        {"page": page, "collections": list(page.object_list), "query": query},
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    form = CollectionForm(request.POST or None, initial={"parent": request.GET.get("parent", "")})
    if request.method == "POST":
        try:
            collection = services.create_collection(_actor(request), form.data_for_service())
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Collection was successfully created."))
            return redirect(collection)
    status = 422 if form.is_bound else 200
    return render(
        request, "collections/form.html", {"form": form, "collection": None}, status=status
    )


def _role_context(request: HttpRequest, collection: Collection) -> dict[str, Any]:
    role = services.role_of(request.user, collection)
    return {
        "collection": collection,
        "viewer_role": role,
        "is_owner": role == Role.OWNER or can_moderate(request.user),
        "is_moderator": services.is_collection_moderator(request.user, collection),
    }


def show(request: HttpRequest, name: str) -> HttpResponse:
    """The collection's profile: header, introduction, FAQ, rules, its people, its counts and
    subcollections."""
    collection = _collection(name)
    people = queries.participants(collection)
    context = {
        **_role_context(request, collection),
        "owners": people[Role.OWNER],
        "moderators": people[Role.MODERATOR],
        "members": people[Role.MEMBER],
        "work_count": queries.listed_work_count(request.user, collection),
        "bookmark_count": queries.collection_bookmarks(request.user, collection).count(),
        "subcollections": queries.subcollections(collection),
    }
    return render(request, "collections/show.html", context)


@login_required
def edit(request: HttpRequest, name: str) -> HttpResponse:
    collection = _collection(name)
    context = _role_context(request, collection)
    if not context["is_owner"]:
        raise PermissionDenied(_("Only the collection's owners can do that."))
    if request.method == "POST":
        form = CollectionForm(request.POST)
        try:
            services.update_collection(_actor(request), collection, form.data_for_service())
        except InvalidInput as error:
            form.add_service_errors(error)
            collection.refresh_from_db()
        else:
            messages.success(request, _("Collection was successfully updated."))
            return redirect(collection)
    else:
        form = CollectionForm(initial=vars(services.collection_data_from(collection)))
    status = 422 if form.is_bound else 200
    return render(request, "collections/form.html", {**context, "form": form}, status=status)


@login_required
def delete(request: HttpRequest, name: str) -> HttpResponse:
    collection = _collection(name)
    context = _role_context(request, collection)
    if not context["is_owner"]:
        raise PermissionDenied(_("Only the collection's owners can do that."))
    if request.method != "POST":
        return render(request, "collections/confirm_delete.html", context)
    services.delete_collection(_actor(request), collection)
    messages.success(request, _("Collection was deleted. Its works and bookmarks stay."))
    return redirect("collections:index")


def participants(request: HttpRequest, name: str) -> HttpResponse:
    """Who is in the collection; owners give roles and remove people, others join, apply or
    leave (POST `action`)."""
    collection = _collection(name)
    form = RoleForm()
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        actor = _actor(request)
        action = request.POST.get("action", "")
        try:
            if action == "join":
                row = services.join_collection(actor, collection)
                if row.role == Role.APPLIED:
                    messages.success(request, _("You applied; the owners will decide."))
                else:
                    messages.success(request, _("You joined the collection."))
            elif action == "leave":
                services.remove_participant(actor, collection, actor.username)
                messages.success(request, _("You left the collection."))
            elif action == "remove":
                services.remove_participant(actor, collection, request.POST.get("login", ""))
                messages.success(request, _("They were removed from the collection."))
            else:
                form = RoleForm(request.POST)
                if form.is_valid():
                    services.set_role(
                        actor, collection, form.cleaned_data["login"], form.cleaned_data["role"]
                    )
                    messages.success(request, _("The role was saved."))
                else:
                    raise InvalidInput([])
        except InvalidInput as error:
            if form.is_bound:
                form.add_service_errors(error)
            else:
                for field_error in error.errors:
                    messages.error(request, field_error.message)
            status = 422
        except NotFound as missing:
            if form.is_bound:
                form.add_error("login", str(missing))
            else:
                messages.error(request, str(missing))
            status = 422
        else:
            return redirect("collections:participants", collection.name)
    grouped = queries.participants(collection)
    context = {
        **_role_context(request, collection),
        "people": [(value, label, grouped[value]) for value, label in Role.choices],
        "roles": Role.choices,
        "form": form,
    }
    return render(request, "collections/participants.html", context, status=status)


def _item_action(request: HttpRequest, collection: Collection) -> None:
    actor = _actor(request)
    action = request.POST.get("action", "")
    if action in {"approve", "reject", "remove"}:
        try:
            item_id = int(request.POST.get("item_id", ""))
        except ValueError:
            raise Http404(_("No such item in this collection.")) from None
        item = services.get_item(collection, item_id)
        if action == "remove":
            services.remove_item(actor, item)
            messages.success(request, _("The item was removed from the collection."))
        else:
            services.decide_item(actor, item, approve=action == "approve")
            if action == "approve":
                messages.success(request, _("The item was approved."))
            else:
                messages.success(request, _("The item was rejected."))
    elif action == "reveal":
        count = services.reveal_collection(actor, collection)
        messages.success(
            request, _("The collection was revealed (%(count)d works).") % {"count": count}
        )
    else:
        raise Http404(_("No such action."))


@login_required
def items(request: HttpRequest, name: str) -> HttpResponse:
    """The moderators' review of every item (approve, reject, remove, invite a work, reveal);
    a creator's own items here (accept an invitation, remove)."""
    collection = _collection(name)
    context = _role_context(request, collection)
    actor = _actor(request)
    invite_form = InviteWorkForm()
    bookmark_form = AddBookmarkForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "invite":
                invite_form = InviteWorkForm(request.POST)
                if not invite_form.is_valid():
                    raise InvalidInput([])
                services.invite_work(actor, collection, invite_form.cleaned_data["work_id"])
                messages.success(request, _("The work was invited."))
            elif action == "add_bookmark":
                bookmark_form = AddBookmarkForm(request.POST)
                if not bookmark_form.is_valid():
                    raise InvalidInput([])
                services.add_bookmark(actor, collection, bookmark_form.cleaned_data["bookmark_id"])
                messages.success(request, _("The bookmark was added."))
            else:
                _item_action(request, collection)
        except InvalidInput as error:
            (invite_form if action == "invite" else bookmark_form).add_service_errors(error)
            status = 422
        except (NotFound, Forbidden) as refused:
            target = invite_form if action == "invite" else bookmark_form
            if action not in {"invite", "add_bookmark"}:
                raise
            target.add_error(None, str(refused))
            status = 422
        else:
            return redirect("collections:items", collection.name)
    shown = (
        queries.items_for_moderators(collection)
        if context["is_moderator"]
        else queries.own_items(actor, collection)
    )
    page = paginate(request, shown, queries.PER_PAGE)
    context.update(
        {
            "page": page,
            "items": list(page.object_list),
            "invite_form": invite_form,
            "bookmark_form": bookmark_form,
        }
    )
    return render(request, "collections/items.html", context, status=status)


def works(request: HttpRequest, name: str) -> HttpResponse:
    """The works the collection lists, with the full filter sidebar (the listing stack)."""
    collection = _collection(name)
    results = search(request.user, read_request(request.GET), collection_id=collection.pk)
    return render(request, "works/index.html", {"collection": collection, **results.context()})


def bookmarks(request: HttpRequest, name: str) -> HttpResponse:
    """The bookmarks the collection lists, with the bookmark sidebar."""
    collection = _collection(name)
    listed = queries.collection_bookmarks(request.user, collection)
    return bookmark_listing(request, listed, {"collection": collection})


class CollectionFeed(Feed):
    """The newest works in a collection's listing, as a logged-out reader sees it."""

    feed_type = XmlSafeAtom1Feed

    def get_object(self, request: HttpRequest, name: str) -> Collection:
        self.viewer = AnonymousUser()
        return _collection(name)

    def title(self, collection: Collection) -> str:
        return f"{collection.title} works | Lifestream"

    def link(self, collection: Collection) -> str:
        return reverse("collections:works", args=[collection.name])

    def subtitle(self, collection: Collection) -> str:
        return f"The newest works in {collection.title}."

    def items(self, collection: Collection) -> QuerySet[Work]:
        listed = queries.collection_works(self.viewer, collection)
        return work_queries.listing(listed)[:FEED_ITEMS]

    def item_title(self, work: Work) -> str:
        return f"{work.title} by {self.item_author_name(work)}"

    def item_description(self, work: Work) -> str:
        return f"<p>by {escape(public_byline_text(work))}</p>\n{work.summary}"

    def item_link(self, work: Work) -> str:
        return work.get_absolute_url()

    def item_author_name(self, work: Work) -> str:
        return ", ".join(pseud.name for pseud in public_byline_pseuds(work)) or ANONYMOUS

    def item_pubdate(self, work: Work):
        return work.created_at

    def item_updateddate(self, work: Work):
        return work.revised_at


def work_collections(request: HttpRequest, work_id: int) -> HttpResponse:
    """The collections that list a work (AO3's `/works/ID/collections`), for those who may
    read it: a Mystery Work is 404 here."""
    work = get_work_for_reader(request.user, work_id)
    return render(
        request,
        "collections/work_collections.html",
        {"work": work, "collections": listed_collections(work)},
    )


def user_collections(request: HttpRequest, login_name: str) -> HttpResponse:
    """The collections a user owns, moderates or belongs to (AO3's `/users/L/collections`)."""
    owner = people_queries.get_user(login_name)
    rows = list(queries.collections_of_user(owner))
    context = {"owner": owner, "nav": user_nav(request, owner), "rows": rows}
    return render(request, "collections/user_collections.html", context)


@login_required
def user_items(request: HttpRequest, login_name: str) -> HttpResponse:
    """A user's own items and invitations, in every collection: theirs alone."""
    owner = people_queries.get_user(login_name)
    if owner.pk != request.user.pk:
        raise PermissionDenied(_("Only its owner can see this page."))
    page = paginate(request, queries.own_items(owner), queries.PER_PAGE)
    return render(
        request,
        "collections/user_items.html",
        {"owner": owner, "page": page, "items": list(page.object_list)},
    )


@login_required
@require_POST
def user_item_action(request: HttpRequest, login_name: str) -> HttpResponse:
    """Accept, refuse or remove one of one's items from the user's items page."""
    owner = people_queries.get_user(login_name)
    if owner.pk != request.user.pk:
        raise PermissionDenied(_("Only its owner can see this page."))
    collection = _collection(request.POST.get("collection", ""))
    _item_action(request, collection)
    return redirect("collections:user_items", owner.username)
