"""Tags in the admin, for looking things up; wrangling itself happens on the tag pages."""

from django.contrib import admin

from .models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "canonical", "merger", "unwrangleable")
    list_filter = ("kind", "canonical", "unwrangleable")
    search_fields = ("name",)
    raw_id_fields = ("merger",)
