"""A user's blocked and muted users: the lists, and the confirm pages before each change.

AO3's paths: `/users/LOGIN/blocked/users` (POST there blocks), `…/confirm_block?blocked_id=NAME`,
`…/confirm_unblock?blocked_id=NAME`, and the same under `/muted/users` with `muted_id`. Every
page is its owner's alone: anyone else, admins included, gets a 404, so no one learns from them
who blocked or muted whom.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from feedback.views.subscriptions import user_nav
from lifestream.core.errors import InvalidInput
from lifestream.core.ids import parse_id
from lifestream.core.pagination import paginate

from . import models, queries, services
from .models import User
from .owners import own_account


@dataclass(frozen=True)
class Relation:
    """What differs between the blocked list and the muted list."""

    kind: str  # "blocked" | "muted": the URL segment
    verb: str  # "block" | "mute"
    param: str  # the query parameter naming the other user, as AO3's forms send it
    listed: Callable[[User], QuerySet[Any]]
    check: Callable[[User, User], None]
    add: Callable[[User, User], object]
    remove: Callable[[User, User], bool]
    limit: Callable[[], int]

    @property
    def title(self) -> str:
        return gettext("Blocked Users") if self.kind == "blocked" else gettext("Muted Users")

    @property
    def list_url(self) -> str:
        return f"people:{self.kind}_users"


BLOCKED = Relation(
    kind="blocked",
    verb="block",
    param="blocked_id",
    listed=queries.blocks_of,
    check=services.check_new_block,
    add=services.block_user,
    remove=services.unblock_user,
    limit=lambda: models.BLOCKS_MAX,
)
MUTED = Relation(
    kind="muted",
    verb="mute",
    param="muted_id",
    listed=queries.mutes_of,
    check=services.check_new_mute,
    add=services.mute_user,
    remove=services.unmute_user,
    limit=lambda: models.MUTES_MAX,
)
RELATIONS = {relation.kind: relation for relation in (BLOCKED, MUTED)}


def _render_list(
    request: HttpRequest,
    owner: User,
    relation: Relation,
    *,
    error: str = "",
    typed: str = "",
) -> HttpResponse:
    page = paginate(request, relation.listed(owner))
    context = {
        "owner": owner,
        "nav": user_nav(request, owner),
        "relation": relation,
        "page": page,
        "limit": relation.limit(),
        "error": error,
        "typed": typed,
    }
    return render(request, "people/blocks/list.html", context, status=422 if error else 200)


def _render_confirm(
    request: HttpRequest, owner: User, other: User, relation: Relation, action: str, post_url: str
) -> HttpResponse:
    context = {
        "owner": owner,
        "other": other,
        "relation": relation,
        "action": action,
        "post_url": post_url,
    }
    return render(request, "people/blocks/confirm.html", context)


def _named_user(request: HttpRequest, relation: Relation, source: Any) -> tuple[str, User | None]:
    # AO3's forms name the other user by login; a numeric id is taken too, for links that
    # carry one, when no account has that number as its login.
    typed = str(source.get(relation.param, "")).strip()[: models.LOGIN_MAX + 10]
    user = queries.find_user(typed)
    user_id = parse_id(typed)
    if user is None and user_id is not None:
        user = User.objects.filter(pk=user_id, is_active=True).first()
    return typed, user


def _no_such_user(typed: str) -> str:
    if not typed:
        return gettext("Please enter the user name of the account.")
    return gettext("There is no user called “%(name)s”.") % {"name": typed}


def _relation_list(request: HttpRequest, login_name: str, relation: Relation) -> HttpResponse:
    owner = own_account(request.user, login_name)
    if request.method != "POST":
        return _render_list(request, owner, relation)
    typed, other = _named_user(request, relation, request.POST)
    if other is None:
        return _render_list(request, owner, relation, error=_no_such_user(typed), typed=typed)
    try:
        relation.add(owner, other)
    except InvalidInput as error:
        messages.error(request, error.errors[0].message)
    else:
        done = (
            gettext("You have blocked %(name)s.")
            if relation.kind == "blocked"
            else gettext("You have muted %(name)s.")
        )
        messages.success(request, done % {"name": other.username})
    return redirect(relation.list_url, owner.username)


def _confirm_add(request: HttpRequest, login_name: str, relation: Relation) -> HttpResponse:
    owner = own_account(request.user, login_name)
    typed, other = _named_user(request, relation, request.GET)
    if other is None:
        return _render_list(request, owner, relation, error=_no_such_user(typed), typed=typed)
    try:
        relation.check(owner, other)
    except InvalidInput as error:
        return _render_list(request, owner, relation, error=error.errors[0].message, typed=typed)
    post_url = reverse(relation.list_url, args=[owner.username])
    return _render_confirm(request, owner, other, relation, relation.verb, post_url)


def _confirm_remove(request: HttpRequest, login_name: str, relation: Relation) -> HttpResponse:
    owner = own_account(request.user, login_name)
    typed, other = _named_user(request, relation, request.GET)
    if other is None:
        return _render_list(request, owner, relation, error=_no_such_user(typed), typed=typed)
    if not relation.listed(owner).filter(**{f"{relation.kind}": other}).exists():
        message = (
            gettext("You haven't blocked %(name)s.")
            if relation.kind == "blocked"
            else gettext("You haven't muted %(name)s.")
        ) % {"name": other.username}
        return _render_list(request, owner, relation, error=message)
    post_url = reverse(f"people:un{relation.verb}", args=[owner.username])
    return _render_confirm(request, owner, other, relation, f"un{relation.verb}", post_url)


def _remove(request: HttpRequest, login_name: str, relation: Relation) -> HttpResponse:
    owner = own_account(request.user, login_name)
    _, other = _named_user(request, relation, request.POST)
    if other is not None and relation.remove(owner, other):
        undone = (
            gettext("You have unblocked %(name)s.")
            if relation.kind == "blocked"
            else gettext("You have unmuted %(name)s.")
        )
        messages.success(request, undone % {"name": other.username})
    else:
        # Already undone (a second click, another tab): the list shows how things stand.
        messages.info(
            request,
            gettext("That user wasn't blocked.")
            if relation.kind == "blocked"
            else gettext("That user wasn't muted."),
        )
    return redirect(relation.list_url, owner.username)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def blocked_users(request: HttpRequest, login_name: str) -> HttpResponse:
    return _relation_list(request, login_name, BLOCKED)


@login_required
def confirm_block(request: HttpRequest, login_name: str) -> HttpResponse:
    return _confirm_add(request, login_name, BLOCKED)


@login_required
def confirm_unblock(request: HttpRequest, login_name: str) -> HttpResponse:
    return _confirm_remove(request, login_name, BLOCKED)


@login_required
@require_POST
def unblock(request: HttpRequest, login_name: str) -> HttpResponse:
    return _remove(request, login_name, BLOCKED)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def muted_users(request: HttpRequest, login_name: str) -> HttpResponse:
    return _relation_list(request, login_name, MUTED)


@login_required
def confirm_mute(request: HttpRequest, login_name: str) -> HttpResponse:
    return _confirm_add(request, login_name, MUTED)


@login_required
def confirm_unmute(request: HttpRequest, login_name: str) -> HttpResponse:
    return _confirm_remove(request, login_name, MUTED)


@login_required
@require_POST
def unmute(request: HttpRequest, login_name: str) -> HttpResponse:
    return _remove(request, login_name, MUTED)
