"""The suggestions box on a draft's edit page, computed here so the works views stay as they
are (one query, and none when the page is not the work's creator's)."""

from __future__ import annotations

from typing import Any

from django import template

from people.models import User

from ..queries import pending_suggestions

register = template.Library()


@register.inclusion_tag("imports/_suggestions.html", takes_context=True)
def import_suggestions(context: template.Context) -> dict[str, Any]:
    work = context.get("work")
    user = context.get("user")
    if work is None or not isinstance(user, User):
        return {"suggestions": []}
    return {
        "suggestions": pending_suggestions(user, work),
        "work": work,
        "csrf_token": context.get("csrf_token"),
    }
