"""Paging for listings: 20 a page, and AO3's "1 - 20 of N Works" heading."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int | None = None) -> Page:
    """The requested page; a bad or out-of-range `page` gives the nearest real page."""
    paginator = Paginator(items, per_page or settings.WORKS_PER_PAGE, allow_empty_first_page=True)
    return paginator.get_page(request.GET.get("page"))


def listing_heading(page: Page, noun: str) -> str:
    """AO3's header: "21 - 40 of 1,234 Works" on a paged listing, "3 Works" on a single page."""
    total = page.paginator.count
    plural = noun if total == 1 else f"{noun}s"
    if page.paginator.num_pages < 2:
        return f"{total:,} {plural}"
    return f"{page.start_index():,} - {page.end_index():,} of {total:,} {plural}"
