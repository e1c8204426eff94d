from __future__ import annotations

from django import template

from works.models import Work

from ..book import slugify_title
from ..formats import available_formats

register = template.Library()


@register.simple_tag
def download_links(work: Work) -> list[tuple[str, str]]:
    """(label, URL) of each download format, with AO3's `updated_at` cache-buster."""
    stem = slugify_title(work.title)
    stamp = int(work.updated_at.timestamp())
    return [
        (fmt.label, f"/downloads/{work.pk}/{stem}.{fmt.extension}?updated_at={stamp}")
        for fmt in available_formats().values()
    ]
