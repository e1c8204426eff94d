"""Pages for subscriptions: the subscribe buttons, a user's subscriptions and inbox (their own
only: anyone else gets a 404, admins too), and the Atom feed of a user's works."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from access.getters import get_series_for_reader, get_work_for_reader
from access.visibility import is_creator, is_series_creator
from lifestream.core.errors import InvalidInput, LoginRequired
from lifestream.core.ids import parse_id, parse_ids
from lifestream.core.pagination import paginate
from people import queries as people_queries
from people.models import User
from people.owners import own_account
from tags.views import FEED_ITEMS, TagFeed
from works import queries as work_queries
from works.models import Series, Work

from ..models import Subscription
from ..queries import subscriptions as queries
from ..services import inbox as inbox_services
from ..services import subscriptions as services

NOTICES_PER_PAGE = 20
SUBSCRIPTIONS_PER_PAGE = 50
INBOX_ACTIONS = ("read", "unread", "delete", "read_all")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


# The inbox's filter menu, in the reader's language.
INBOX_FILTER_LABELS = {
    "comments": _("Comments"),
    "kudos": _("Kudos"),
    "subscriptions": _("Subscriptions"),
    "gifts": _("Gifts"),
}


# --- inbox ------------------------------------------------------------------------------------


def inbox(request: HttpRequest, login_name: str) -> HttpResponse:
    user = own_account(request.user, login_name)
    if request.method == "POST":
        action = request.POST.get("action", "")
        chosen = parse_ids(request.POST.getlist("notices"))
        if action == "read_all":
            inbox_services.mark_read(user)
            messages.success(request, gettext("All notifications marked as read."))
        elif action in INBOX_ACTIONS and not chosen:
            messages.error(request, gettext("Select at least one notification first."))
        elif action == "read":
            inbox_services.mark_read(user, chosen)
        elif action == "unread":
            inbox_services.mark_unread(user, chosen)
        elif action == "delete":
            count = inbox_services.delete_notices(user, chosen)
            messages.success(
                request,
                ngettext(
                    "Deleted %(count)d notification.", "Deleted %(count)d notifications.", count
                )
                % {"count": count},
            )
        return redirect(request.get_full_path())
    kind = request.GET.get("kind", "")
    kind = kind if kind in queries.INBOX_FILTERS else ""
    unread = request.GET.get("unread") in {"1", "true", "on"}
    page = paginate(request, queries.inbox(user, kind, unread), per_page=NOTICES_PER_PAGE)
    context = {
        "owner": user,
        "nav": user_nav(request, user),
        "page": page,
        "kind": kind,
        "unread": unread,
        "kinds": [(key, INBOX_FILTER_LABELS[key]) for key in queries.INBOX_FILTERS],
    }
    return render(request, "feedback/inbox.html", context)


# --- subscriptions ----------------------------------------------------------------------------


Target = tuple[Work | None, User | None, Series | None]


def _subscribe_target(request: HttpRequest, user: User) -> Target:
    """The work (`work_id`), user (`user`, a login) or series (`series_id`) a subscribe form
    names, as the subscriber may see it."""
    kind = request.POST.get("subscription[subscribable_type]", "")
    raw_work_id = request.POST.get("work_id", "")
    raw_series_id = request.POST.get("series_id", "")
    if kind:
        # AO3's form names its target by type and row id.
        row_id = parse_id(request.POST.get("subscription[subscribable_id]", ""))
        if kind not in ("Work", "User", "Series") or row_id is None:
            raise Http404(gettext("Only works, users and series can be subscribed to."))
        if kind == "User":
            creator = User.objects.filter(pk=row_id, is_active=True).first()
            if creator is None:
                raise Http404(gettext("No such user."))
            return None, creator, None
        if kind == "Series":
            return None, None, _series_target(user, row_id)
        work_id = row_id
    elif raw_series_id:
        return None, None, _series_target(user, parse_id(raw_series_id))
    elif raw_work_id:
        parsed = parse_id(raw_work_id)
        if parsed is None:
            raise Http404(gettext("No such work."))
        work_id = parsed
    else:
        return None, people_queries.get_user(request.POST.get("user", "")), None
    try:
        return get_work_for_reader(user, work_id), None, None
    except LoginRequired as error:  # not for a logged-in user
        raise Http404(gettext("No such work.")) from error


def _series_target(user: User, series_id: int | None) -> Series:
    if series_id is None:
        raise Http404(gettext("No such series."))
    try:
        return get_series_for_reader(user, series_id)
    except LoginRequired as error:  # not for a logged-in user
        raise Http404(gettext("No such series.")) from error


def _name(work: Work | None, creator: User | None, series: Series | None = None) -> str:
    if series is not None:
        return series.title
    return work.title if work is not None else creator.username if creator is not None else ""


def user_nav(request: HttpRequest, owner: User) -> dict[str, Any]:
    """What a user's menu adds for the subscriptions area: Subscriptions and Inbox (with the
    unread count) on the owner's own pages only, in the query the header's count makes too.
    Every page that includes `people/_user_nav.html` passes this as `nav`."""
    viewer = request.user
    if not isinstance(viewer, User) or viewer.pk != owner.pk:
        return {"mine": False, "unread": 0}
    return {"mine": True, "unread": queries.unread_count(viewer)}


def subscribe_context(
    request: HttpRequest,
    work: Work | None = None,
    creator: User | None = None,
    series: Series | None = None,
) -> dict[str, Any]:
    """What `_subscribe_item.html` shows on a page: Subscribe/Unsubscribe for a logged-in
    reader of `work` (not its creators) or of `series` (not its creators), or a visitor of
    `creator`'s profile (not their own), in one query for the current subscription, none when
    there is no button."""
    viewer = request.user
    shown = viewer.is_authenticated and (
        (work is not None and work.posted and not is_creator(viewer, work))
        or (creator is not None and creator.pk != viewer.pk)
        or (series is not None and not is_series_creator(viewer, series))
    )
    return {
        "shown": shown,
        "subscription": queries.subscription_to(viewer, work=work, creator=creator, series=series)
        if shown
        else None,
        "target_work": work,
        "target_user": creator,
        "target_series": series,
        "next": request.get_full_path(),
    }


def _button(
    request: HttpRequest,
    work: Work | None,
    creator: User | None,
    series: Series | None = None,
    error: str = "",
) -> HttpResponse:
    """The subscribe button alone, for htmx (with the reason when it was refused)."""
    context = {
        "subscription": queries.subscription_to(
            request.user, work=work, creator=creator, series=series
        ),
        "target_work": work,
        "target_user": creator,
        "target_series": series,
        "next": request.POST.get("next", ""),
        "error": error,
    }
    return render(request, "feedback/_subscribe_button.html", context)


def subscriptions(request: HttpRequest, login_name: str) -> HttpResponse:
    """GET: the user's subscriptions; POST: subscribe to a work or a user (AO3's address)."""
    user = own_account(request.user, login_name)
    if request.method == "POST":
        work, creator, series = _subscribe_target(request, user)
        error = ""
        try:
            services.subscribe(user, work=work, creator=creator, series=series)
        except InvalidInput as refused:
            error = refused.errors[0].message
        if _is_htmx(request):
            return _button(request, work, creator, series, error)
        if error:
            messages.error(request, error)
        else:
            name = _name(work, creator, series)
            messages.success(
                request, gettext("You are now subscribed to %(name)s.") % {"name": name}
            )
        target: Work | User | Series | None = series or work or creator
        return _back(request, target.get_absolute_url() if target is not None else "/")
    kind = request.GET.get("type", "")
    kind = kind if kind in queries.SUBSCRIPTION_FILTERS else ""
    page = paginate(request, queries.subscriptions_of(user, kind), per_page=SUBSCRIPTIONS_PER_PAGE)
    return render(
        request,
        "feedback/subscriptions.html",
        {"owner": user, "nav": user_nav(request, user), "page": page, "type": kind},
    )


@require_POST
def subscription_delete(
    request: HttpRequest, login_name: str, subscription_id: int
) -> HttpResponse:
    user = own_account(request.user, login_name)
    subscription = (
        Subscription.objects.filter(pk=subscription_id, user=user)
        .select_related("work", "creator", "series")
        .first()
    )
    if subscription is None:
        raise Http404(gettext("No such subscription."))
    services.delete_subscription(user, subscription.pk)
    work, creator, series = subscription.work, subscription.creator, subscription.series
    if _is_htmx(request):
        return _button(request, work, creator, series)
    name = _name(work, creator, series)
    messages.success(request, gettext("You are no longer subscribed to %(name)s.") % {"name": name})
    return _back(request, reverse("feedback:subscriptions", args=[user.username]))


# --- feed -------------------------------------------------------------------------------------


class UserWorksFeed(TagFeed):
    """A user's newest works as a logged-out reader sees them (feed readers never log in, so
    restricted works and drafts are never in it). The entries are written as the tag feeds'."""

    # TagFeed's hooks are typed for a tag; Django's Feed hands each hook whatever get_object
    # returned, here the user.
    def get_object(self, request: HttpRequest, login_name: str) -> User:  # type: ignore[override]  # a user, not a tag
        self.viewer = AnonymousUser()
        return people_queries.get_user(login_name)

    def title(self, owner: User) -> str:  # type: ignore[override]  # the user from get_object
        return f"Works by {owner.username} | Lifestream"

    def link(self, owner: User) -> str:  # type: ignore[override]  # the user from get_object
        return reverse("people:works", args=[owner.username])

    def subtitle(self, owner: User) -> str:  # type: ignore[override]  # the user from get_object
        return f"The newest works by {owner.username}."

    def items(self, owner: User) -> QuerySet[Work]:  # type: ignore[override]  # the user from get_object
        works = work_queries.works_by_user(self.viewer, owner)
        return work_queries.listing(works).order_by("-created_at", "-id")[:FEED_ITEMS]


urlpatterns: list[URLPattern] = [
    path("users/<str:login_name>/inbox", inbox, name="inbox"),
    path("users/<str:login_name>/subscriptions", subscriptions, name="subscriptions"),
    path(
        "users/<str:login_name>/subscriptions/<int:subscription_id>/delete",
        subscription_delete,
        name="subscription_delete",
    ),
    path("users/<str:login_name>/works/feed.atom", UserWorksFeed(), name="user_feed"),
]
