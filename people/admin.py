"""The admin: accounts, with the tag-wrangler role, and API tokens (hashes only). What counts,
indexes or the change feed follow (pseuds, a user's name, deleting an account with its works,
blocks and mutes) is read-only here and changes through the site, which calls the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from lifestream.core.admin import ReadOnlyMixin

from .models import ApiToken, Block, Mute, Pseud, RecoveryCode, TwoFactor, User
from .services import revoke_api_token


@admin.register(User)
class LifestreamUserAdmin(UserAdmin):
    list_display = ("username", "email", "is_tag_wrangler", "is_staff", "is_active", "date_joined")
    list_filter = ("is_tag_wrangler", "is_staff", "is_superuser", "is_active", "is_sample")
    list_editable = ("is_tag_wrangler",)
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]  # Optional only in the stubs
        ("Archive", {"fields": ("is_tag_wrangler", "view_adult", "is_sample")}),
    )
    readonly_fields = ("is_sample",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Works are found and listed by their creators' user names too.
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "username") if obj is not None else fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An account's works, kudos and comments would go with it, past every count and index.
        return False


@admin.register(Pseud)
class PseudAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "user", "is_default")
    search_fields = ("name", "user__username")
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be revoked here (a leaked one, say), through the same service as the site."""

    list_display = ("name", "user", "hint", "created_at", "last_used_at")
    readonly_fields = ("key_hash", "hint", "created_at", "last_used_at")
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a token's secret is shown once, to its owner, by the site

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        revoke_api_token(obj.user, obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.select_related("user"):
            revoke_api_token(token.user, token.pk)


@admin.register(Block)
class BlockAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "blocker", "blocked", "created_at")
    raw_id_fields = ("blocker", "blocked")


@admin.register(Mute)
class MuteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "muter", "muted", "created_at")
    raw_id_fields = ("muter", "muted")


@admin.register(TwoFactor)
class TwoFactorAdmin(admin.ModelAdmin):
    """Who has two-factor on. Deleting a row turns it off for someone who lost both their
    phone and their recovery codes (their codes go too); the secret is never shown."""

    list_display = ("user", "created_at", "confirmed_at")
    fields = ("user", "created_at", "confirmed_at")
    readonly_fields = ("user", "created_at", "confirmed_at")
    search_fields = ("user__username",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # set up by its owner, with their app

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TwoFactor) -> None:
        RecoveryCode.objects.filter(user_id=obj.user_id).delete()
        obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TwoFactor]) -> None:
        for setting in queryset:
            self.delete_model(request, setting)
