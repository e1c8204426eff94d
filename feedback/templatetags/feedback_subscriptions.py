"""Template tags of the subscriptions area: the subscribe buttons and the user-menu links.
Each computes what it shows here, so the pages that include the slots stay unchanged."""

from __future__ import annotations

from typing import Any

from django import template

from access.visibility import is_creator
from people.models import User
from works.models import Work

from ..queries import subscriptions as queries

register = template.Library()


@register.inclusion_tag("feedback/_subscribe_item.html", takes_context=True)
def subscribe_button(
    context: template.Context, work: Work | None = None, creator: User | None = None
) -> dict[str, Any]:
    """Subscribe/Unsubscribe for a logged-in reader of `work` (not its creators) or a visitor
    of `creator`'s profile (not their own): one query for the current subscription."""
    request = context["request"]
    viewer = request.user
    shown = viewer.is_authenticated and (
        (work is not None and work.posted and not is_creator(viewer, work))
        or (creator is not None and creator.pk != viewer.pk)
    )
    return {
        "shown": shown,
        "subscription": queries.subscription_to(viewer, work=work, creator=creator)
        if shown
        else None,
        "target_work": work,
        "target_user": creator,
        "next": request.get_full_path(),
        "user": viewer,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("feedback/_nav_links.html", takes_context=True)
def subscriptions_nav(context: template.Context) -> dict[str, Any]:
    """Subscriptions and Inbox (with the unread count) on the owner's own user pages only:
    one query there, none anywhere else."""
    viewer = context["request"].user
    owner = context.get("owner")
    mine = owner is not None and viewer.is_authenticated and viewer.pk == owner.pk
    return {
        "mine": mine,
        "owner": owner,
        "unread": queries.unread_count(viewer) if mine else 0,
    }
