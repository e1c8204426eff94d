"""API for subscriptions: the same queries and services as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["subscriptions"])
