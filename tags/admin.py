"""Tags in the admin, for looking things up: read-only, since wrangling happens on the tag pages,
whose service tells the filter index, the text index and the downloads cache."""

from django.contrib import admin

from lifestream.core.admin import ReadOnlyMixin

from .models import Tag


@admin.register(Tag)
class TagAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "canonical", "merger", "unwrangleable")
    list_filter = ("kind", "canonical", "unwrangleable")
    search_fields = ("name",)
    raw_id_fields = ("merger",)
