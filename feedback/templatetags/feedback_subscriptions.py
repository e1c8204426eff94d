"""Template tags of the subscriptions area: the subscribe buttons and the user-menu links.
Each computes what it shows here, so the pages that include the slots stay unchanged."""

from __future__ import annotations

from typing import Any

from django import template

from ..queries import subscriptions as queries

register = template.Library()


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
