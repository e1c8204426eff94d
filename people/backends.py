"""How accounts sign in: Django's model backend, with the sample accounts shut out where the
archive is not a demo. Django asks `user_can_authenticate` on every password check and every
request of a logged-in session, so a session opened during a demo ends with it too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "may_sign_in", True)
