"""What readers give back: kudos, comments, bookmarks, subscriptions, reading history, hits,
and the notifications they raise. Workflows: services.py; reads: queries.py. Who may see what is
decided in `works/visibility.py`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from news.models import AdminPost
from people.models import Pseud
from tags.models import Tag
from works.models import Chapter, Creatorship, Series, Work

COMMENT_MAX = 10_000
GUEST_NAME_MAX = 100
# How a creator's comment on their own anonymous work is signed.
ANONYMOUS_CREATOR = "Anonymous Creator"
# The name of a comment whose writer deleted their account (AO3's words).
ACCOUNT_DELETED = "Account Deleted"
BOOKMARK_NOTES_MAX = 5_000
BOOKMARK_TAGS_MAX = 75
# Hits are spread over this many rows per work, so two readers never wait on one counter row.
HIT_SHARDS = 8


class WorkStats(models.Model):
    """A work's public numbers, kept by the services in the same transaction as the change
    they count (hits are summed from `HitCount` instead). One row per work, created lazily."""

    work = models.OneToOneField(
        Work, on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    kudos_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)
    bookmarks_count = models.PositiveIntegerField(default=0)  # public bookmarks only
    subscriptions_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "work stats"

    def __str__(self) -> str:
        return f"stats of {self.work_id}"


class HitCount(models.Model):
    """One of a work's `HIT_SHARDS` hit counters; a work's hits are the sum of its rows."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="hit_counts")
    shard = models.PositiveSmallIntegerField()
    count = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "shard"], name="one_hit_row_per_shard"),
        ]

    def __str__(self) -> str:
        return f"hits of {self.work_id} [{self.shard}]"


class Kudos(models.Model):
    """One per registered user, or one per guest (by a hash of their address), per work."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="kudos")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kudos",
    )
    guest_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "kudos"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "user"], condition=Q(user__isnull=False), name="one_kudos_per_user"
            ),
            models.UniqueConstraint(
                fields=["work", "guest_key"],
                condition=Q(user__isnull=True),
                name="one_kudos_per_guest",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_key=""), name="kudos_has_a_giver"
            ),
        ]

    def __str__(self) -> str:
        return f"kudos on {self.work_id}"


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Awaiting approval")
    # Suspected spam, waiting for the work's creator or a moderator (feedback.spam).
    HELD = "held", _("Held for review")
    # Marked as spam by a creator or a moderator: shown to no one.
    SPAM = "spam", _("Spam")


class SpamSignal(models.TextChoices):
    """Why the spam check held a comment (`Comment.spam_reasons`), in words for reviewers."""

    HONEYPOT = "honeypot", _("a field hidden from people was filled in")
    TOO_FAST = "too_fast", _("sent within seconds of the form being shown")
    NO_TOKEN = "no_token", _("sent without the form's signed time, or with a stale one")
    NO_PROOF = "no_proof", _("a guest's browser solved no proof-of-work challenge")
    LINKS = "links", _("many links")
    REPEATED = "repeated", _("the same text posted many times today")
    CLASSIFIER = "classifier", _("it reads like comments marked as spam before")


class Comment(models.Model):
    """A comment on a work (or one of its chapters) or on a piece of site news (`admin_post`:
    exactly one of the two), or a reply to another comment.

    `thread` is the top-level comment of the conversation (itself for a top-level comment), so a
    page of threads loads all its replies in one query. A registered commenter writes as one of
    their pseuds; a guest gives a name and an email that is never shown to anyone."""

    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    admin_post = models.ForeignKey(
        AdminPost, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    thread = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="thread_comments"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    pseud = models.ForeignKey(Pseud, on_delete=models.SET_NULL, null=True, blank=True)
    guest_name = models.CharField(max_length=GUEST_NAME_MAX, blank=True)
    guest_email = models.EmailField(blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    # A deleted comment with replies stays as a placeholder so the thread keeps its shape.
    is_deleted = models.BooleanField(default=False)
    is_frozen = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The spam check's findings (feedback.spam): a hash of the normalised text, for the
    # repetition check; why a comment was held (signal codes, space-separated); the
    # classifier's probability of spam when it was asked.
    body_digest = models.CharField(max_length=64, blank=True)
    spam_reasons = models.CharField(max_length=200, blank=True)
    spam_score = models.FloatField(null=True, blank=True)

    # How a page shows the comment, set per request by feedback.queries.comments (and the
    # moderation page) for the templates and the API; never stored. Bare annotations, so Django
    # makes no fields of them, and a comment no page has shaped simply lacks them.
    shown_replies: list[Comment]
    continue_thread: bool
    is_placeholder: bool
    placeholder_text: str
    can_reply: bool
    can_edit: bool
    can_delete: bool
    can_freeze: bool
    can_approve: bool
    can_mark_spam: bool
    # On a page of a whole work's conversations: the chapter the comment is on, numbered.
    on_chapter: Chapter | None

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["work", "parent", "status", "id"], name="comment_threads"),
            models.Index(fields=["thread", "id"], name="comment_thread_members"),
            models.Index(fields=["body_digest", "created_at"], name="comment_repeats"),
            models.Index(fields=["status", "created_at"], name="comment_held"),
            models.Index(
                fields=["admin_post", "parent", "status", "id"], name="news_comment_threads"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False, admin_post__isnull=True)
                | Q(work__isnull=True, admin_post__isnull=False),
                name="comment_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        if self.admin_post_id is not None:
            return f"comment {self.pk} on news {self.admin_post_id}"
        return f"comment {self.pk} on {self.work_id}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:comment", args=[self.pk])

    @property
    def on_news(self) -> bool:
        return self.admin_post_id is not None

    @property
    def target(self) -> Work | AdminPost:
        """What the comment is on: its work, or its piece of news."""
        if self.admin_post_id is not None:
            assert self.admin_post is not None
            return self.admin_post
        assert self.work is not None
        return self.work

    @property
    def held_because(self) -> list[str]:
        """Why the spam check held this comment, in the reader's language."""
        labels = dict(SpamSignal.choices)
        return [str(labels[code]) for code in self.spam_reasons.split() if code in labels]

    @property
    def is_guest(self) -> bool:
        return self.user_id is None and not self.is_deleted

    @property
    def by_anonymous_creator(self) -> bool:
        """A comment by a creator of an anonymous work, on it: shown as by "Anonymous Creator"
        (AO3's words) to everyone. The comment pages mark a whole thread at once
        (`feedback.queries.comments`); elsewhere it is worked out here, with a query only when
        the work is anonymous."""
        marked = self.__dict__.get("_by_anonymous_creator")
        if marked is None:
            marked = bool(
                self.user_id is not None
                and self.work is not None
                and self.work.anonymous
                and Creatorship.objects.filter(
                    work_id=self.work.pk, pseud__user_id=self.user_id
                ).exists()
            )
            self._by_anonymous_creator = marked
        return marked

    def mark_anonymous_creator(self, creator_ids: set[int]) -> None:
        """`creator_ids`: the creators of this comment's work if it is anonymous, else none."""
        self._by_anonymous_creator = self.user_id is not None and self.user_id in creator_ids

    @property
    def author_name(self) -> str:
        if self.by_anonymous_creator:
            return ANONYMOUS_CREATOR
        if self.pseud is not None:
            return self.pseud.byline
        return self.guest_name or ACCOUNT_DELETED

    @property
    def from_deleted_account(self) -> bool:
        return self.pseud_id is None and self.user_id is None and not self.guest_name

    @property
    def author_label(self) -> str:
        """`author_name` for a page or an email, in its reader's language (the API keeps
        `author_name` as it is)."""
        if self.by_anonymous_creator:
            return gettext("Anonymous Creator")
        if self.from_deleted_account:
            return gettext("Account Deleted")
        return self.author_name


class SpamLabel(models.TextChoices):
    SPAM = "spam", _("Spam")
    HAM = "ham", _("Not spam")


class SpamExample(models.Model):
    """A moderator's or creator's decision on a comment ("spam" or "not spam"), kept with the
    text it was about: what the spam classifier learns from. The text stays when the comment
    goes."""

    text = models.TextField()
    label = models.CharField(max_length=4, choices=SpamLabel.choices)
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} example {self.pk}"


class SpamModel(models.Model):
    """The trained spam classifier (word counts per label), one row, rebuilt from every
    `SpamExample` by `manage.py train_spam` or the retraining task."""

    data = models.JSONField(default=dict)
    examples = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"spam model of {self.examples} examples"


class Bookmark(models.Model):
    """A reader's bookmark of a work or of a series (exactly one of them), with their own notes
    and tags; private ones are seen by the bookmarker alone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="bookmarks")
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="bookmarks"
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="bookmarks"
    )
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, related_name="bookmarks", blank=True)
    private = models.BooleanField(default=False)
    rec = models.BooleanField("recommendation", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # NULLs are distinct in a unique constraint, so each holds for its own kind only.
            models.UniqueConstraint(fields=["user", "work"], name="one_bookmark_per_user"),
            models.UniqueConstraint(fields=["user", "series"], name="one_series_bookmark_per_user"),
            models.CheckConstraint(
                condition=Q(work__isnull=False, series__isnull=True)
                | Q(work__isnull=True, series__isnull=False),
                name="bookmark_has_one_target",
            ),
        ]
        indexes = [
            models.Index(fields=["work", "private", "-created_at"], name="bookmarks_of_work"),
            models.Index(fields=["series", "private", "-created_at"], name="bookmarks_of_series"),
        ]

    def __str__(self) -> str:
        if self.series_id is not None:
            return f"bookmark {self.pk} of series {self.series_id}"
        return f"bookmark {self.pk} of {self.work_id}"

    @property
    def is_of_series(self) -> bool:
        return self.series_id is not None

    @property
    def title(self) -> str:
        """The bookmarked work's or series' title."""
        target = self.series if self.series_id is not None else self.work
        return target.title if target is not None else ""


class Subscription(models.Model):
    """A user following a work (new chapters), another user (new works) or a series (new
    works in it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscribers",
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False, creator__isnull=True, series__isnull=True)
                | Q(work__isnull=True, creator__isnull=False, series__isnull=True)
                | Q(work__isnull=True, creator__isnull=True, series__isnull=False),
                name="subscription_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "series"],
                condition=Q(series__isnull=False),
                name="one_series_subscription",
            ),
            models.UniqueConstraint(
                fields=["user", "work"],
                condition=Q(work__isnull=False),
                name="one_work_subscription",
            ),
            models.UniqueConstraint(
                fields=["user", "creator"],
                condition=Q(creator__isnull=False),
                name="one_user_subscription",
            ),
        ]

    def __str__(self) -> str:
        return f"subscription {self.pk}"


class Reading(models.Model):
    """A user's reading history of one work, and their "Mark for Later". Private to the user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readings"
    )
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="readings")
    chapter = models.ForeignKey(Chapter, on_delete=models.SET_NULL, null=True, blank=True)
    # How far into `chapter` the reader got, in thousandths, for "Continue reading".
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    first_visited_at = models.DateTimeField(null=True, blank=True)
    last_visited_at = models.DateTimeField(null=True, blank=True, db_index=True)
    visit_count = models.PositiveIntegerField(default=0)
    marked_for_later = models.BooleanField(default=False)

    class Meta:
        ordering = ["-last_visited_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "work"], name="one_reading_per_work"),
        ]

    def __str__(self) -> str:
        return f"reading of {self.work_id} by {self.user_id}"


class NotificationKind(models.TextChoices):
    NEW_CHAPTER = "chapter", _("New chapter")
    NEW_WORK = "work", _("New work")
    COMMENT = "comment", pgettext_lazy("noun", "Comment")
    REPLY = "reply", pgettext_lazy("noun", "Reply")
    KUDOS = "kudos", _("Kudos")
    COCREATOR = "cocreator", _("Co-creator invitation")
    GIFT = "gift", _("Gift")
    RELATED = "related", _("Related work")
    MODERATION = "moderation", _("Message from the moderators")
    DATA_EXPORT = "export", _("Your data is ready")
    # A gift exchange's or prompt meme's news (an assignment, a fill of one's prompt).
    CHALLENGE = "challenge", _("Challenge")


# Notices about the account itself, about no work: in the inbox only (never in a digest).
ACCOUNT_NOTICES = (NotificationKind.MODERATION, NotificationKind.DATA_EXPORT)


class Notification(models.Model):
    """One thing for one user's inbox, emailed in their next digest if they asked for email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A new work told to a series' subscribers: the series it joined.
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A moderators' message (a warning, a suspension's reason), in their words.
    message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Null while waiting for the next digest; set when emailed or when email isn't wanted.
    emailed_at = models.DateTimeField(null=True, blank=True)
    # True when the notice went out in a digest (not just skipped): the daily kudos email is
    # timed from the last one that was really sent.
    in_digest = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="inbox"),
            models.Index(fields=["user", "emailed_at"], name="pending_email"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
