"""Telling a work's creators that another work names theirs as its inspiration (a consumer of
the change feed, in the writing transaction, so the notice exists exactly when the link and the
posted child do)."""

from __future__ import annotations

from access.visibility import creator_user_ids, is_released, news_audience
from lifestream.core.changes import WorkChanged
from works.models import RelatedStatus, RelatedWork, Work

from ..models import Notification, NotificationKind
from ..notify import notify


def tell_parent_creators(change: WorkChanged) -> None:
    """A link was made, or its child posted: each parent's creators who may read the child
    hear of it once (a draft or scheduled child waits until it is out)."""
    child = Work.objects.filter(pk=change.work_id).first()
    if child is None or not is_released(child):
        return
    links = RelatedWork.objects.filter(
        work=child, parent__isnull=False, status=RelatedStatus.PENDING
    ).select_related("parent")
    for link in links:
        assert link.parent is not None
        readers = news_audience(creator_user_ids(link.parent), child)
        told = set(
            Notification.objects.filter(
                kind=NotificationKind.RELATED, work=child, user_id__in=readers
            ).values_list("user_id", flat=True)
        )
        if readers - told:
            notify(readers - told, NotificationKind.RELATED, work=child)
