"""Who hears of each change: every consumer of the change feed (`lifestream.core.changes`),
registered here and only here, once, when the project starts (`LifestreamConfig.ready`).

Reading down this file answers "what happens when a work changes?". A new write path announces
one of the changes below; a new consumer is added here, for each kind it must hear of."""

from __future__ import annotations

from challenges import services as challenges
from downloads import cache as downloads_cache
from feedback.services import comments, credits, related, subscriptions
from lifestream.core.changes import (
    ChapterDeleting,
    ChapterPosted,
    CreatorInvited,
    PseudRenamed,
    TagsChanged,
    WorkChanged,
    WorkDeleted,
    WorkGifted,
    WorkLinked,
    WorkPosted,
    WorkSerialized,
    WorkStatsChanged,
    register,
)
from lifestream.models import log_tag_change, log_work_change, log_work_changes
from search import indexing as text_index

# --- the filter index: rows in the change log, written in the writing transaction --------------


def _log_work(change: WorkChanged | WorkStatsChanged | WorkDeleted) -> None:
    log_work_change(change.work_id)


def _log_tags(change: TagsChanged) -> None:
    for tag_id in change.tag_ids:
        log_tag_change(tag_id)


def _log_pseud_works(change: PseudRenamed) -> None:
    # The works are re-read, and so re-ranked by their creators' names.
    log_work_changes(text_index.works_of_pseud(change.pseud_id))


def register_consumers() -> None:
    """Called once at start-up; a second call changes nothing."""
    # The filter index (tag filters, facets, sorting) replays the change log, so its rows
    # commit or roll back with the write.
    # A work's reveal moment (its challenges' works reveal dates) follows its collections.
    register(WorkChanged, challenges.keep_reveal_moment, after_commit=False)
    register(WorkChanged, _log_work, after_commit=False)
    register(WorkStatsChanged, _log_work, after_commit=False)
    register(WorkDeleted, _log_work, after_commit=False)
    register(TagsChanged, _log_tags, after_commit=False)
    register(PseudRenamed, _log_pseud_works, after_commit=False)

    # The text index, once committed (many works at once: by a task).
    register(WorkChanged, text_index.work_changed, after_commit=True)
    register(WorkDeleted, text_index.work_changed, after_commit=True)
    register(TagsChanged, text_index.tags_changed, after_commit=True)
    register(PseudRenamed, text_index.pseud_renamed, after_commit=True)

    # The downloads cache, once committed: files of changed versions and deleted works go.
    register(WorkChanged, downloads_cache.work_changed, after_commit=True)
    register(WorkStatsChanged, downloads_cache.work_changed, after_commit=True)
    register(WorkDeleted, downloads_cache.work_deleted, after_commit=True)
    register(TagsChanged, downloads_cache.tags_changed, after_commit=True)
    register(PseudRenamed, downloads_cache.pseud_renamed, after_commit=True)

    # Subscribers' notices exist exactly when what they announce does; the emails are sent
    # later, by the digest task.
    register(WorkPosted, subscriptions.announce_work, after_commit=False)
    register(WorkSerialized, subscriptions.announce_series_work, after_commit=False)
    register(ChapterPosted, subscriptions.announce_chapter, after_commit=False)
    # Invitees and gift recipients are told in the same way.
    register(CreatorInvited, credits.tell_invitee, after_commit=False)
    register(WorkGifted, credits.tell_recipient, after_commit=False)
    register(WorkPosted, credits.tell_recipients_of_posted, after_commit=False)
    # A work inspired by another: the parent's creators are told once the child is out.
    register(WorkLinked, related.tell_parent_creators, after_commit=False)
    register(WorkPosted, related.tell_parent_creators, after_commit=False)
    # A deleted chapter's comments leave the work's count before they go with it.
    register(ChapterDeleting, comments.forget_chapter_comments, after_commit=False)
