"""Site news: the admins' posts (AO3's admin posts), with readers' comments on them
(`feedback.models.Comment.admin_post`), and the banner shown at the top of every page.
Workflows: services.py; reads: queries.py; the banner's per-process copy: banner.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from works.languages import LANGUAGE_CHOICES
from works.models import CommentPermission

TITLE_MAX = 255
CONTENT_MAX = 65_000
TAG_MAX = 100
TAGS_MAX = 20
BANNER_MAX = 2_000


class AdminPostTag(models.Model):
    """A word an admin files news under ("Tag Wrangling", "Archive Updates"); the news index
    lists a tag's posts. Not an archive tag: no fandom, no wrangling."""

    name = models.CharField(max_length=TAG_MAX, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AdminPost(models.Model):
    """One piece of site news, written by an admin; public to everyone."""

    title = models.CharField(max_length=TITLE_MAX)
    # Sanitised on the way in (`lifestream.core.text.sanitize_html`, without site classes).
    content = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tags = models.ManyToManyField(AdminPostTag, related_name="posts", blank=True)
    comment_permission = models.CharField(
        max_length=12, choices=CommentPermission.choices, default=CommentPermission.EVERYONE
    )
    language = models.CharField(max_length=12, choices=LANGUAGE_CHOICES, default="en")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:post", args=[self.pk])


class BannerKind(models.TextChoices):
    DEFAULT = "", _("Default")
    ALERT = "alert", _("Alert")
    EVENT = "event", _("Event")


class Banner(models.Model):
    """The site-wide banner: one row, made on first save. `version` goes up whenever its text
    changes, so a reader who dismissed an older banner sees the new one."""

    text = models.TextField(blank=True)
    kind = models.CharField(max_length=5, choices=BannerKind.choices, blank=True, default="")
    active = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"banner {self.version}"


class BannerDismissal(models.Model):
    """The newest banner a member dismissed, kept on their account (guests: a cookie)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="banner_dismissal",
    )
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"banner {self.version} dismissed by {self.user_id}"
