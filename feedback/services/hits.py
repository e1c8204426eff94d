"""Counting hits: once per visitor per day, by a POST the work page's script makes (crawlers
that don't run scripts never count), never for the work's creators, spread over `HIT_SHARDS`
rows per work so readers never queue on one counter row."""

from __future__ import annotations

import random

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from access.visibility import is_creator
from lifestream.core.actors import Actor
from works.models import Work

from ..models import HIT_SHARDS, HitCount

HIT_WINDOW_SECONDS = 24 * 60 * 60


def _bump_shard(work_id: int, shard: int) -> None:
    now = timezone.now()
    # update() skips auto_now: the filter index reads updated_at to find fresh hits.
    bumped = HitCount.objects.filter(work_id=work_id, shard=shard).update(
        count=F("count") + 1, updated_at=now
    )
    if bumped:
        return
    try:
        with transaction.atomic():
            HitCount.objects.create(work_id=work_id, shard=shard, count=1)
    except IntegrityError:  # another reader created the row first: add to theirs
        HitCount.objects.filter(work_id=work_id, shard=shard).update(
            count=F("count") + 1, updated_at=now
        )


def record_hit(actor: Actor, work: Work) -> bool:
    """Count one hit on `work` (which the caller let `actor` read) unless the actor was
    counted in the last 24 hours or is one of its creators. True when it counted."""
    if not work.posted or is_creator(actor.user, work):
        return False
    # cache.add is atomic in every backend: of two tabs opening at once, one counts.
    if not cache.add(f"hit:{work.pk}:{actor.counted_as}", 1, timeout=HIT_WINDOW_SECONDS):
        return False
    _bump_shard(work.pk, random.randrange(HIT_SHARDS))
    return True
