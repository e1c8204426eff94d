"""The Block/Mute buttons on another user's profile.

They describe only what the viewer did to the profile's owner, never the reverse: a user someone
blocked or muted sees the same buttons as anyone else (as on AO3, being blocked is not shown).
"""

from __future__ import annotations

from typing import Any

from django import template

from access.visibility import muted_user_ids
from people.models import User
from people.queries import has_blocked

register = template.Library()


@register.inclusion_tag("people/_profile_block_buttons.html", takes_context=True)
def profile_block_actions(context: template.Context) -> dict[str, Any]:
    viewer, owner = context.get("user"), context.get("owner")
    if not isinstance(viewer, User) or not isinstance(owner, User) or viewer.pk == owner.pk:
        return {"shown": False}
    if owner.is_staff or owner.is_superuser:
        # Official accounts can't be blocked or muted: no button that could only fail.
        return {"shown": False}
    return {
        "shown": True,
        "owner": owner,
        "viewer": viewer,
        "blocked": has_blocked(viewer, owner),
        # The same per-request set the listings on this page use: usually no extra query.
        "muted": owner.pk in muted_user_ids(viewer),
    }
