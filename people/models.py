"""Users, their pseuds (the names works are credited to) and their API tokens."""

from __future__ import annotations

import hashlib
import zoneinfo
from functools import cache
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

LOGIN_MIN, LOGIN_MAX = 3, 40
PSEUD_MAX = 40
PSEUD_DESCRIPTION_MAX = 500
PSEUDS_PER_USER_MAX = 300

login_validator = RegexValidator(
    r"\A[A-Za-z0-9]\w*[A-Za-z0-9]\Z",
    _(
        "User names may contain letters, numbers and underscores, and must begin and end with "
        "a letter or number."
    ),
)
pseud_validator = RegexValidator(
    r"\A[\w \-]*\w[\w \-]*\Z",
    _("Pseuds may contain letters, numbers, spaces, underscores and hyphens."),
)


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones this machine knows (zoneinfo), sorted, UTC first."""
    return ("UTC", *sorted(zoneinfo.available_timezones() - {"UTC"}))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(_("Choose a time zone from the list."), code="unknown_time_zone")


class LifestreamUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # Log-ins are case-insensitive, as their uniqueness is.
        return self.get(username__iexact=username)

    def _create_user(
        self, username: str, email: str | None, password: str | None, **extra_fields: object
    ) -> User:
        # Every account, however made (sign-up, createsuperuser, the API tests), gets its
        # default pseud in the same transaction.
        with transaction.atomic():
            user = super()._create_user(username, email, password, **extra_fields)  # type: ignore[misc]  # Django's hook, not in the stubs
            Pseud.objects.create(user=user, name=user.username, is_default=True)
        return user


class User(AbstractUser):
    """An archive account. `username` is the login that appears in `/users/LOGIN`."""

    username = models.CharField(
        _("user name"),
        max_length=LOGIN_MAX,
        unique=True,
        validators=[login_validator],
        help_text=format_lazy(
            _("{min} to {max} characters: letters, numbers and underscores."),
            min=LOGIN_MIN,
            max=LOGIN_MAX,
        ),
        error_messages={"unique": _("That user name is already taken.")},
    )
    email = models.EmailField(_("email address"), max_length=254)
    is_tag_wrangler = models.BooleanField(
        _("tag wrangler"),
        default=False,
        help_text=_("May make tags canonical, synonyms, metatags and parents, and rename them."),
    )
    # The archive's staff (`moderation/`): moderators act on works, comments, bookmarks and
    # accounts; admins do that and give the roles. Superusers count as admins.
    is_moderator = models.BooleanField(
        _("moderator"),
        default=False,
        help_text=_("May hide works, delete comments and bookmarks, warn, suspend and ban."),
    )
    is_archive_admin = models.BooleanField(
        _("admin"),
        default=False,
        help_text=_("Everything a moderator may do, and giving or taking the roles."),
    )
    # Set only by the moderation services, each step in the audit log. A suspension ends by
    # itself at `suspended_until`; a ban lasts until lifted.
    suspended_until = models.DateTimeField(null=True, blank=True, editable=False)
    banned_at = models.DateTimeField(null=True, blank=True, editable=False)
    restriction_reason = models.TextField(blank=True, default="", editable=False)
    view_adult = models.BooleanField(
        _("show me adult content without checking"),
        default=False,
        help_text=_("Skip the notice before works rated Mature or Explicit."),
    )
    # AO3's reading preferences.
    hide_warnings = models.BooleanField(
        _("hide archive warnings"),
        default=False,
        help_text=_("Warnings on works and in listings are hidden until I choose to show them."),
    )
    hide_freeforms = models.BooleanField(
        _("hide additional tags"),
        default=False,
        help_text=_("Additional tags are hidden until I choose to show them."),
    )
    view_full_works = models.BooleanField(
        _("show the whole work by default"),
        default=False,
        help_text=_("Open works with every chapter on one page."),
    )
    hide_from_search_engines = models.BooleanField(
        _("hide my works and pages from search engines"),
        default=False,
        help_text=_("Ask search engines not to list my works and my user pages (noindex)."),
    )
    # Reading history and what reaches the inbox and the mailbox (feedback/).
    history_enabled = models.BooleanField(
        _("keep my reading history"),
        default=True,
        help_text=_("Remember the works I read, when, and how often. Only I can see it."),
    )
    email_subscriptions = models.BooleanField(_("email me about my subscriptions"), default=True)
    email_comments = models.BooleanField(_("email me comments on my works"), default=True)
    email_kudos = models.BooleanField(_("email me kudos on my works (once a day)"), default=True)
    # Who may credit this user on their works (works/): AO3's `allow_cocreator`, `allow_gifts`.
    allow_cocreator = models.BooleanField(
        _("allow others to invite me to be a co-creator"),
        default=True,
        help_text=_("Off: invitations to co-create a work are refused."),
    )
    allow_gifts = models.BooleanField(
        _("allow others to gift works to me"),
        default=True,
        help_text=_("Off: nobody can gift a work to me; earlier gifts stay unless I refuse them."),
    )
    email_invitations = models.BooleanField(
        _("email me gifts and co-creator invitations"), default=True
    )
    digest_interval = models.CharField(
        _("send my notification emails"),
        max_length=10,
        choices=[
            ("hourly", _("at most once an hour")),
            ("daily", _("once a day")),
            ("weekly", _("once a week")),
        ],
        default="hourly",
    )
    # Scheduled posting reads and shows times in this zone (an IANA name, e.g. "Europe/Paris").
    time_zone = models.CharField(
        _("my time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Scheduled posting times are in this zone."),
    )
    # The interface's language (one of settings.LANGUAGES); empty: the browser's or the
    # picker's cookie (`lifestream.middleware.UserLanguageMiddleware`).
    language = models.CharField(
        _("interface language"),
        max_length=16,
        blank=True,
        default="",
        choices=[("", _("as my browser asks")), *settings.LANGUAGES],
        help_text=_("The language of the archive's menus, buttons and messages (not of works)."),
    )
    # How story text is shown to them (`people.reading`): face, size, spacing, width, theme,
    # and whether works' skins apply. Empty until they save some; a guest's are in a cookie.
    reading_settings = models.JSONField(default=dict, blank=True, editable=False)
    # Made by `create_sample_content`, with a password published in the README.
    is_sample = models.BooleanField(
        _("sample account"),
        default=False,
        editable=False,
        help_text=_("Made with the sample content; logs in only on a demo archive."),
    )
    # Set while a digest email is scheduled, so a burst of events schedules one email.
    digest_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[LifestreamUserManager] = LifestreamUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_login_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("people:user", args=[self.username])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The user's time zone (UTC if the stored name is unknown here)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def can_wrangle(self) -> bool:
        """Tag wranglers, and the archive's superusers, may wrangle tags."""
        return self.is_tag_wrangler or self.is_superuser

    @property
    def may_sign_in(self) -> bool:
        """Sample accounts' password is public: they sign in only where the archive is a demo
        (LIFESTREAM_DEMO, which `make run` sets) or in development (DEBUG). A banned account
        never signs in: its sessions end at their next request, its API tokens stop working."""
        if self.banned_at is not None:
            return False
        return not self.is_sample or settings.DEMO or settings.DEBUG

    @property
    def is_admin(self) -> bool:
        """Admins give the roles and read the audit log; superusers are admins."""
        return self.is_archive_admin or self.is_superuser

    @property
    def can_moderate(self) -> bool:
        """Moderators and admins use the moderation desk."""
        return self.is_moderator or self.is_admin

    @property
    def is_suspended(self) -> bool:
        """Suspended now: the suspension ends by itself at `suspended_until`."""
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def default_pseud(self) -> Pseud:
        return self.pseuds.get(is_default=True)


# What a user changes on their preferences page.
PREFERENCE_FIELDS = (
    "view_adult",
    "hide_warnings",
    "hide_freeforms",
    "view_full_works",
    "hide_from_search_engines",
    "history_enabled",
    "email_subscriptions",
    "email_comments",
    "email_kudos",
    "email_invitations",
    "digest_interval",
    "allow_cocreator",
    "allow_gifts",
    "time_zone",
    "language",
)


class Pseud(models.Model):
    """A name a user writes under. Every user has a default pseud named like the user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pseuds")
    name = models.CharField(max_length=PSEUD_MAX, validators=[pseud_validator])
    description = models.TextField(blank=True, max_length=PSEUD_DESCRIPTION_MAX)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint("user", Lower("name"), name="pseud_name_ci_unique_per_user"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="one_default_pseud_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.byline

    def get_absolute_url(self) -> str:
        return reverse("people:pseud", args=[self.user.username, self.name])

    @property
    def byline(self) -> str:
        """AO3's byline: the pseud, with the login in brackets when they differ."""
        if self.name == self.user.username:
            return self.name
        return f"{self.name} ({self.user.username})"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 of the secret is stored."""

    PREFIX = "ls_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(
        max_length=12, help_text=_("The first characters, to tell tokens apart.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The account's password as it was when the token was made (Django's session hash of it):
    # a token stops working once the password changes, however it was changed.
    password_stamp = models.CharField(max_length=128, default="")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()


BLOCKS_MAX = 2000
MUTES_MAX = 2000


class Block(models.Model):
    """`blocker` no longer hears from `blocked`: no comments, replies, kudos or gifts from them."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="no_self_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Mute(models.Model):
    """`muter` no longer sees `muted`'s works, bookmarks, series or comments anywhere."""

    muter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mutes")
    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="one_mute_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(muter=models.F("muted")), name="no_self_mute"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"


class AuditAction(models.TextChoices):
    HIDE_WORK = "hide_work", _("Hid a work")
    UNHIDE_WORK = "unhide_work", _("Unhid a work")
    DELETE_COMMENT = "delete_comment", _("Deleted a comment")
    DELETE_BOOKMARK = "delete_bookmark", _("Deleted a bookmark")
    WARN = "warn", _("Warned a user")
    SUSPEND = "suspend", _("Suspended a user")
    BAN = "ban", _("Banned a user")
    LIFT = "lift", _("Lifted a suspension or ban")
    ROLES = "roles", _("Changed a user's roles")
    REPORT = "report", _("Handled a report")
    POST_NEWS = "post_news", _("Posted news")
    EDIT_NEWS = "edit_news", _("Edited news")
    DELETE_NEWS = "delete_news", _("Deleted news")
    BANNER = "banner", _("Changed the site banner")


class AppendOnlyError(Exception):
    """The audit log is written once: no entry is ever changed or deleted."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("The audit log is append-only: entries are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit log is append-only: entries are never deleted.")


class AuditEntry(models.Model):
    """One moderator's or admin's action, with its reason. Append-only here and in the
    database, whose triggers (migration people/0011) refuse UPDATE and DELETE. No foreign key:
    the entry outlives the accounts and objects it names, and a cascade could not touch it."""

    actor_user_id = models.BigIntegerField(null=True)
    actor_name = models.CharField(max_length=LOGIN_MAX)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    object_label = models.CharField(max_length=200)
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects: ClassVar[models.Manager[AuditEntry]] = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only: entries are never changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Django's own arguments

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit log is append-only: entries are never deleted.")


class TwoFactor(models.Model):
    """A user's authenticator app (TOTP, RFC 6238). On only once `confirmed_at` is set, after
    a first good code; `last_step` is the 30-second step of the last code taken, so a code
    can't be used twice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"two-factor of {self.user_id}"

    @property
    def is_on(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """One of the ten codes that stand in for the authenticator, each usable once. Only a
    SHA-256 of the code is kept (they are long and random, as API tokens are)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="one_recovery_code_each")
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}"


class AccountSession(models.Model):
    """A logged-in session of a user, for their sessions page: the device, the address, when
    it started and when it was last seen (updated at most once a minute)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    # The password the session was opened under (Django's session hash of it): a session made
    # under an earlier password no longer works and is left off the list.
    password_stamp = models.CharField(max_length=128, default="")

    class Meta:
        ordering = ["-last_seen_at", "-id"]

    def __str__(self) -> str:
        return f"session of {self.user_id}"


class DataExport(models.Model):
    """A zip of everything of an account, made by a task, downloadable by its owner only until
    `expires_at`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Relative to MEDIA_ROOT; empty until the zip is made.
    path = models.CharField(max_length=200, blank=True)
    size = models.BigIntegerField(default=0)
    failed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id}"
