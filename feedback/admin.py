"""Feedback in the admin, for looking things up: read-only, since kudos, comments, bookmarks and
subscriptions are counted on their works, and readers' history and inboxes are their own; they
change through the site, which calls the services."""

from django.contrib import admin

from lifestream.core.admin import ReadOnlyMixin

from .models import (
    Bookmark,
    Comment,
    Kudos,
    Notification,
    Reading,
    SpamExample,
    Subscription,
)


@admin.register(Comment)
class CommentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "work",
        "author_name",
        "status",
        "spam_reasons",
        "is_deleted",
        "created_at",
    )
    list_filter = ("status", "is_deleted", "is_frozen")
    raw_id_fields = ("work", "chapter", "parent", "thread", "user", "pseud")
    search_fields = ("body", "guest_name")


@admin.register(Bookmark)
class BookmarkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "user", "work", "series", "private", "rec", "created_at")
    list_filter = ("private", "rec")
    raw_id_fields = ("user", "pseud", "work", "series", "tags")


@admin.register(Kudos)
class KudosAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "work", "user", "created_at")
    raw_id_fields = ("work", "user")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "user", "work", "creator", "created_at")
    raw_id_fields = ("user", "work", "creator")


@admin.register(Reading)
class ReadingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "user", "work", "visit_count", "last_visited_at", "marked_for_later")
    raw_id_fields = ("user", "work", "chapter")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "user", "kind", "work", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("user", "work", "chapter", "comment", "actor")


@admin.register(SpamExample)
class SpamExampleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The decisions the spam classifier learns from (made on the site's held lists)."""

    list_display = ("id", "label", "text", "decided_by", "created_at")
    list_filter = ("label",)
    raw_id_fields = ("comment", "decided_by")
    search_fields = ("text",)
