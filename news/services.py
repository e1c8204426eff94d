"""Writing site news and the banner: the archive's admins alone, each change in the audit
log in the same transaction. Bad input raises `InvalidInput` naming the field; anyone but an
admin gets `Forbidden`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lifestream.core.errors import ErrorList
from lifestream.core.text import html_to_text, one_line, sanitize_html
from moderation.services import audit, check_admin
from people.models import AuditAction, User
from works.languages import LANGUAGE_CHOICES
from works.models import CommentPermission

from . import banner
from .models import (
    BANNER_MAX,
    CONTENT_MAX,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
    AdminPost,
    AdminPostTag,
    Banner,
    BannerDismissal,
    BannerKind,
)


@dataclass
class PostData:
    title: str
    content: str
    tags: list[str] = field(default_factory=list)
    comment_permission: str = CommentPermission.EVERYONE
    language: str = "en"


def split_tags(text: str) -> list[str]:
    """Tags as an admin types them: separated by commas, each once (first spelling kept)."""
    seen: dict[str, str] = {}
    for raw in (text or "").split(","):
        name = one_line(raw)
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def _clean(data: PostData) -> tuple[PostData, ErrorList]:
    errors = ErrorList()
    title = one_line(data.title or "")
    if not title:
        errors.add("title", "required", _("Please enter a title."))
    errors.check_length("title", _("The title"), title, TITLE_MAX)
    raw = data.content or ""
    errors.check_length("content", _("The text"), raw, CONTENT_MAX)
    content = sanitize_html(raw, allow_classes=False) if len(raw) <= CONTENT_MAX else ""
    if len(raw) <= CONTENT_MAX and not html_to_text(content).strip() and "<img" not in content:
        errors.add("content", "required", _("Please write the news."))
    tags = split_tags(", ".join(data.tags))
    if len(tags) > TAGS_MAX:
        errors.add(
            "tags",
            "too_many",
            _("A post can have at most %(count)d tags.") % {"count": TAGS_MAX},
        )
    for name in tags:
        if len(name) > TAG_MAX:
            errors.add(
                "tags",
                "too_long",
                _("Tags can be at most %(count)d characters long.") % {"count": TAG_MAX},
            )
            break
    if data.comment_permission not in CommentPermission.values:
        errors.add("comment_permission", "invalid", _("Choose who may comment."))
    if data.language not in dict(LANGUAGE_CHOICES):
        errors.add("language", "invalid", _("Choose a language from the list."))
    cleaned = PostData(title, content, tags, data.comment_permission, data.language)
    return cleaned, errors


def _set_tags(post: AdminPost, names: list[str]) -> None:
    tags = []
    for name in names:
        tag = AdminPostTag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = AdminPostTag.objects.create(name=name)
        tags.append(tag)
    post.tags.set(tags)


@transaction.atomic
def create_post(actor: User, data: PostData) -> AdminPost:
    """Post a piece of site news."""
    check_admin(actor)
    cleaned, errors = _clean(data)
    errors.raise_if_any()
    post = AdminPost.objects.create(
        title=cleaned.title,
        content=cleaned.content,
        author=actor,
        comment_permission=cleaned.comment_permission,
        language=cleaned.language,
    )
    _set_tags(post, cleaned.tags)
    audit(actor, AuditAction.POST_NEWS, "admin_post", post.pk, post.title, "")
    return post


@transaction.atomic
def update_post(actor: User, post: AdminPost, data: PostData) -> AdminPost:
    """Change a piece of news (its comments stay)."""
    check_admin(actor)
    cleaned, errors = _clean(data)
    errors.raise_if_any()
    post.title = cleaned.title
    post.content = cleaned.content
    post.comment_permission = cleaned.comment_permission
    post.language = cleaned.language
    post.save(update_fields=["title", "content", "comment_permission", "language", "updated_at"])
    _set_tags(post, cleaned.tags)
    AdminPostTag.objects.filter(posts__isnull=True).delete()
    audit(actor, AuditAction.EDIT_NEWS, "admin_post", post.pk, post.title, "")
    return post


@transaction.atomic
def delete_post(actor: User, post: AdminPost) -> None:
    """Delete a piece of news with its comments."""
    check_admin(actor)
    post_id, title = post.pk, post.title
    post.delete()
    AdminPostTag.objects.filter(posts__isnull=True).delete()
    audit(actor, AuditAction.DELETE_NEWS, "admin_post", post_id, title, "")


# --- the banner ------------------------------------------------------------------------------


@transaction.atomic
def set_banner(actor: User, text: str, kind: str, active: bool) -> Banner:
    """Change the site-wide banner. A change of its text makes it a new banner, shown again to
    everyone who dismissed the old one; its kind or turning it on and off does not."""
    check_admin(actor)
    errors = ErrorList()
    raw = text or ""
    errors.check_length("text", _("The banner"), raw, BANNER_MAX)
    cleaned = sanitize_html(raw, allow_classes=False) if len(raw) <= BANNER_MAX else ""
    if active and not html_to_text(cleaned).strip() and not errors.has("text"):
        errors.add("text", "required", _("Write the banner's text before turning it on."))
    if kind not in BannerKind.values:
        errors.add("kind", "invalid", _("Choose a kind of banner."))
    errors.raise_if_any()
    current = Banner.objects.select_for_update().order_by("pk").first() or Banner()
    if cleaned != current.text:
        current.version += 1
    current.text = cleaned
    current.kind = kind
    current.active = active
    current.save()
    label = html_to_text(cleaned).strip() or _("(empty)")
    audit(actor, AuditAction.BANNER, "banner", current.pk, label, "")
    banner.forget()
    transaction.on_commit(banner.forget)
    return current


def dismiss_banner(user: User | None, version: int) -> None:
    """Remember on `user`'s account that they dismissed the banner of `version` (a guest's
    dismissal is kept by the page in a cookie)."""
    if user is None or version <= 0:
        return
    updated = BannerDismissal.objects.filter(user=user).update(version=version)
    if not updated:
        BannerDismissal.objects.get_or_create(user=user, defaults={"version": version})
