"""Template tags for bookmarks on pages other areas own (the work page's actions)."""

from __future__ import annotations

from typing import Any

from django import template

from ..queries.bookmarks import own_bookmark_id

register = template.Library()


@register.inclusion_tag("feedback/bookmarks/_action.html", takes_context=True)
def bookmark_action(context: template.Context) -> dict[str, Any]:
    """`li.bookmark` of a work's actions: "Bookmark", or "Edit Bookmark" when the reader has
    one (one query, for logged-in readers only)."""
    work = context["work"]
    request = context.get("request")
    viewer = getattr(request, "user", None)
    bookmark_id = own_bookmark_id(viewer, work) if viewer is not None else None
    return {"work": work, "bookmark_id": bookmark_id}
