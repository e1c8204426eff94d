"""The admin: accounts, with the tag-wrangler role, and API tokens (hashes only)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Block, Mute, Pseud, User


@admin.register(User)
class LifestreamUserAdmin(UserAdmin):
    list_display = ("username", "email", "is_tag_wrangler", "is_staff", "is_active", "date_joined")
    list_filter = ("is_tag_wrangler", "is_staff", "is_superuser", "is_active", "is_sample")
    list_editable = ("is_tag_wrangler",)
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Archive", {"fields": ("is_tag_wrangler", "view_adult", "is_sample")}),
    )
    readonly_fields = ("is_sample",)


@admin.register(Pseud)
class PseudAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "is_default")
    search_fields = ("name", "user__username")
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at")
    readonly_fields = ("key_hash", "hint", "created_at", "last_used_at")
    raw_id_fields = ("user",)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("id", "blocker", "blocked", "created_at")
    raw_id_fields = ("blocker", "blocked")


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    list_display = ("id", "muter", "muted", "created_at")
    raw_id_fields = ("muter", "muted")
