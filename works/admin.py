"""Works and their chapters in the admin, for finding them: read-only, because a work's text,
counts, search index, downloads and notifications change together only through works.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from lifestream.core.admin import ReadOnlyMixin
from lifestream.core.ids import parse_id
from tags.models import FIXED_TAGS, Tag, TagKind

from .models import Chapter, Creatorship, Skin, Work
from .skins import set_skins_public


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("posted", "Posted"), ("draft", "Draft")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Work]) -> QuerySet[Work]:
        if self.value() in {"posted", "draft"}:
            return queryset.filter(posted=self.value() == "posted")
        return queryset


class RatingFilter(admin.SimpleListFilter):
    title = "rating"
    parameter_name = "rating"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        # The ratings are AO3's fixed tags: known without asking the database.
        ratings = [(tag_id, name) for tag_id, kind, name, _ in FIXED_TAGS if kind == TagKind.RATING]
        return [(str(tag_id), name) for tag_id, name in ratings]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Work]) -> QuerySet[Work]:
        tag_id = parse_id(self.value())
        return queryset if tag_id is None else queryset.filter(tags=tag_id)


class ChapterInline(ReadOnlyMixin, admin.TabularInline):
    model = Chapter
    fields = ("position", "title", "posted", "word_count", "published_on", "on_site")
    readonly_fields = fields
    ordering = ("position",)
    extra = 0
    can_delete = False

    @admin.display(description="page")
    def on_site(self, chapter: Chapter) -> str:
        return format_html('<a href="{}">view on site</a>', chapter.get_absolute_url())


@admin.register(Work)
class WorkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "creators",
        "rating_name",
        "state",
        "restricted",
        "word_count",
        "chapter_count",
        "revised_at",
    )
    list_filter = (StateFilter, RatingFilter, "restricted", "language")
    search_fields = (
        "title",
        "creatorships__pseud__name",
        "creatorships__pseud__user__username",
    )
    ordering = ("-revised_at",)
    date_hierarchy = "revised_at"
    fields = (
        "title",
        "creators",
        "state",
        "restricted",
        "tag_list",
        "language",
        "summary",
        "notes",
        "end_notes",
        "published_on",
        "backdated",
        "revised_at",
        "created_at",
        "word_count",
        "chapter_count",
        "expected_chapters",
        "comment_permission",
        "moderated_comments",
    )
    readonly_fields = fields
    inlines = (ChapterInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Work]:
        creatorships = Creatorship.objects.select_related("pseud__user").order_by("position")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("creatorships", queryset=creatorships),
                Prefetch("tags", queryset=Tag.objects.order_by("kind", "name")),
            )
        )

    @admin.display(description="creators")
    def creators(self, work: Work) -> str:
        return ", ".join(pseud.byline for pseud in work.creator_pseuds)

    @admin.display(description="rating")
    def rating_name(self, work: Work) -> str:
        rating = work.rating
        return rating.name if rating else ""

    @admin.display(description="state")
    def state(self, work: Work) -> str:
        return "Posted" if work.posted else "Draft"

    @admin.display(description="tags")
    def tag_list(self, work: Work) -> str:
        kinds = dict(TagKind.choices)
        return format_html_join(
            "",
            "<div><strong>{}:</strong> {}</div>",
            (
                (kinds[kind], ", ".join(tag.name for tag in work.tags_of(kind)))
                for kind in kinds
                if work.tags_of(kind)
            ),
        )


@admin.register(Skin)
class SkinAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Work skins, for admins to make public (offered to every creator) or private again, by
    the actions above the list (through `works.skins`). The stylesheet is never edited here:
    it is only written through the skin pages, which sanitise it."""

    list_display = ("title", "author", "public", "updated_at")
    list_filter = ("public",)
    search_fields = ("title", "author__username")
    fields = ("title", "author", "description", "css", "public", "created_at", "updated_at")
    actions = ("make_public", "make_private")

    @admin.action(description="Make the selected skins public")
    def make_public(self, request: HttpRequest, queryset: QuerySet[Skin]) -> None:
        set_skins_public(list(queryset), public=True)

    @admin.action(description="Make the selected skins private")
    def make_private(self, request: HttpRequest, queryset: QuerySet[Skin]) -> None:
        set_skins_public(list(queryset), public=False)
