"""The comment section of a work page, computed in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from access.visibility import is_creator

from ..comment_forms import CommentForm
from ..queries import comments as queries

register = template.Library()


@register.inclusion_tag("feedback/_comment_section.html", takes_context=True)
def comments_section(context: template.Context) -> dict[str, Any]:
    """A page of the conversations on the work (or on the chapter shown) and the form to join
    them, or the reason the viewer can't."""
    request = context["request"]
    work = context["work"]
    chapter = context.get("current")
    threads = queries.thread_page(request.user, work, chapter, page_number=request.GET.get("page"))
    user = request.user
    creator = is_creator(user, work)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "work": work,
        "chapter": chapter,
        "page": threads.page,
        "threads": threads.threads,
        "refusal": threads.permissions.refusal(),
        "form": CommentForm(user=user),
        "action": reverse("feedback:work_comments", args=[work.pk]),
        "submit_label": "Comment",
        "is_creator": creator,
        "pending_count": queries.pending_comments(user, work).count() if creator else 0,
    }
