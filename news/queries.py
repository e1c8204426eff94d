"""Reading site news: the index (newest first), a tag's posts, the home page's headlines and
the feed. News is public; its comment counts are of published comments only."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from feedback.models import CommentStatus

from .models import AdminPost, AdminPostTag

PER_PAGE = 20
HEADLINES = 3
FEED_ITEMS = 20


def news(tag: AdminPostTag | None = None) -> QuerySet[AdminPost]:
    """Posts newest first, with their tags and how many published comments each has."""
    posts = AdminPost.objects.all()
    if tag is not None:
        posts = posts.filter(tags=tag)
    return (
        posts.annotate(
            comment_count=Count(
                "comments",
                filter=Q(comments__status=CommentStatus.PUBLISHED, comments__is_deleted=False),
            )
        )
        .prefetch_related(Prefetch("tags", queryset=AdminPostTag.objects.order_by("name")))
        .order_by("-created_at", "-id")
    )


def headlines() -> list[AdminPost]:
    """The newest posts, for the home page's News module (one query)."""
    return list(
        AdminPost.objects.only("id", "title", "created_at").order_by("-created_at", "-id")[
            :HEADLINES
        ]
    )


def find_tag(name: str) -> AdminPostTag | None:
    return AdminPostTag.objects.filter(name__iexact=name.strip()).first() if name.strip() else None


def all_tags() -> list[AdminPostTag]:
    return list(AdminPostTag.objects.order_by("name"))
