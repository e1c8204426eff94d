"""Who moderates the archive's comments beyond each work's creators.

`can_moderate` is the one question every moderation rule asks (the archive-wide list of held
comments, approving or marking spam on any work)."""

from __future__ import annotations

from typing import Any


def can_moderate(user: Any) -> bool:
    """Whether `user` moderates comments archive-wide: the moderators and admins (the
    archive's superusers included), and staff."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(getattr(user, "can_moderate", False) or user.is_staff)
