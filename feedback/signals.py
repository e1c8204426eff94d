"""Receivers of works' signals (works.signals). They run inside the transaction that posts or
deletes, and only record what changed; emails go out later, from the digest task."""

from __future__ import annotations

from works import signals as work_signals

from .services import comments, subscriptions


def connect() -> None:
    """Called once from FeedbackConfig.ready. `dispatch_uid` keeps a second call harmless."""
    work_signals.work_posted.connect(
        subscriptions.announce_work, dispatch_uid="feedback.announce_work"
    )
    work_signals.chapter_posted.connect(
        subscriptions.announce_chapter, dispatch_uid="feedback.announce_chapter"
    )
    work_signals.chapter_deleting.connect(
        comments.forget_chapter_comments, dispatch_uid="feedback.forget_chapter_comments"
    )
