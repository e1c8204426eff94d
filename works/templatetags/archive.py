"""Template helpers for AO3's markup: headings, tag links, chapter numbering."""

from __future__ import annotations

import datetime as dt

from django import template
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.visibility import (
    ANONYMOUS,
    byline_pseuds,
    is_anonymous_series,
    is_creator,
    shows_series_creators,
)
from lifestream.core.pagination import listing_heading
from tags.models import CHOSE_NOT_TO_WARN_ID, NO_WARNINGS_ID, Tag, TagKind, tag_to_param
from works.models import Series, Work

register = template.Library()


@register.simple_tag
def heading(page: Page, noun: str = "Work") -> str:
    return listing_heading(page, noun)


@register.filter
def tag_works_url(tag: Tag) -> str:
    return reverse("tags:works", args=[tag_to_param(tag.name)])


@register.simple_tag
def tag_link(tag: Tag) -> str:
    return format_html('<a class="tag" href="{}">{}</a>', tag_works_url(tag), tag.name)


# Words a minute of a reader of fiction on a screen, about: enough for "how long is this".
READING_SPEED = 250


@register.filter
def reading_time(words: int) -> str:
    """A work's length as reading time: "under a minute", "12 min", "3 h 05 min"."""
    minutes = round((words or 0) / READING_SPEED)
    if minutes < 1:
        return _("under a minute")
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}


@register.filter(expects_localtime=True)
def ao3_date(moment: dt.date | None) -> str:
    """A date as AO3 writes it where clients parse it ("15 Jan 2024", `p.datetime`): in
    English whatever the interface's language, as `strptime("%d %b %Y")` reads it."""
    if moment is None:
        return ""
    with translation.override("en"):
        return dateformat.format(moment, "d M Y")


@register.filter
def ao3_number(value: int | None) -> str:
    """A count as AO3 writes it where clients parse it (`dl.stats`, listing headings): with
    "," between thousands whatever the interface's language ("1,234")."""
    return f"{value or 0:,}"


@register.filter
def of_kind(work, kind: str) -> list[Tag]:
    return work.tags_of(kind)


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """The current URL with `page` replaced, other query parameters kept."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def warning_class(work) -> str:
    """AO3's warning symbol: "yes" for any real warning, else "choosenotto" or "no"."""
    ids = {tag.pk for tag in work.tags_of(TagKind.WARNING)}
    if ids - {CHOSE_NOT_TO_WARN_ID, NO_WARNINGS_ID}:
        return "yes"
    if CHOSE_NOT_TO_WARN_ID in ids:
        return "choosenotto"
    return "no"


@register.filter
def warning_names(work) -> str:
    return ", ".join(tag.name for tag in work.tags_of(TagKind.WARNING))


@register.filter
def category_class(work) -> str:
    categories = work.tags_of(TagKind.CATEGORY)
    if not categories:
        return "none"
    if len(categories) > 1:
        return "multi"
    return categories[0].slug


@register.filter
def category_names(work) -> str:
    return ", ".join(tag.name for tag in work.tags_of(TagKind.CATEGORY)) or _("No category")


@register.simple_tag
def static_lock() -> str:
    return static("lifestream/img/lock.svg")


@register.filter
def page_window(page: Page) -> list[int | None]:
    """Page numbers to link: the first two, the last two and four around the current one,
    with None for a gap (never the whole range, which could be thousands)."""
    last = page.paginator.num_pages
    wanted = {1, 2, last - 1, last} | set(range(page.number - 4, page.number + 5))
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    window: list[int | None] = []
    for number in numbers:
        if window and window[-1] is not None and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


_META_KINDS = (
    (TagKind.RATING, gettext_lazy("Rating")),
    (TagKind.WARNING, gettext_lazy("Archive Warning")),
    (TagKind.CATEGORY, gettext_lazy("Category")),
    (TagKind.FANDOM, gettext_lazy("Fandom")),
    (TagKind.RELATIONSHIP, gettext_lazy("Relationship")),
    (TagKind.CHARACTER, gettext_lazy("Characters")),
    (TagKind.FREEFORM, gettext_lazy("Additional Tags")),
)


@register.simple_tag
def meta_kinds() -> tuple[tuple[str, object], ...]:
    """The tag rows of a work's meta block, in AO3's order with its labels."""
    return _META_KINDS


@register.filter
def lookup(mapping: dict | None, key: object) -> object:
    """`mapping[key]`, or None: `{{ results.snippets|lookup:work.pk }}`."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def in_zone(moment: dt.datetime | None, user: object) -> str:
    """A moment as `user` reads it: in their own time zone (My Preferences), named."""
    if moment is None:
        return ""
    zone = getattr(user, "zone", dt.UTC)
    local = timezone.localtime(moment, zone)
    return f"{local:%Y-%m-%d %H:%M} ({getattr(zone, 'key', 'UTC')})"


def _viewer(context: template.Context) -> object:
    # Pages have `user` from the auth context processor; files and emails rendered without a
    # request are for no one in particular, so they are rendered as a guest would see them.
    user = context.get("user")
    return user if user is not None else AnonymousUser()


def _pseud_links(pseuds: list) -> str:
    return format_html_join(
        ", ",
        '<a rel="author" href="{}">{}</a>',
        (
            (reverse("people:pseud", args=[pseud.user.username, pseud.name]), pseud.byline)
            for pseud in pseuds
        ),
    )


@register.simple_tag(takes_context=True)
def byline(context: template.Context, work: Work, pseuds: list | None = None) -> str:
    """A work's byline as AO3 links it (`a[rel=author]` per pseud, `pseuds` for a chapter's
    own creators): "Anonymous" for an anonymous work, with "[pseuds]" after it for its creators
    alone (`access.visibility.byline_pseuds` decides)."""
    shown = byline_pseuds(_viewer(context), work)  # type: ignore[arg-type]  # a user or a guest
    if not shown:
        return ANONYMOUS
    links = _pseud_links(pseuds or shown)
    return format_html("{} [{}]", ANONYMOUS, links) if work.anonymous else links


@register.simple_tag(takes_context=True)
def creator_classes(context: template.Context, work: Work) -> str:
    """A blurb's `user-ID` classes (and `own` for the viewer's own work), as AO3 writes them
    for skins and mutes; none for an anonymous work, whose ids would name its creators."""
    viewer = _viewer(context)
    if work.anonymous:
        return " own" if is_creator(viewer, work) else ""  # type: ignore[arg-type]  # a user or a guest
    ids = [pseud.user_id for pseud in work.creator_pseuds]
    classes = "".join(f" user-{user_id}" for user_id in ids)
    if getattr(viewer, "pk", None) in ids:
        classes += " own"
    return classes


@register.simple_tag(takes_context=True)
def series_byline(context: template.Context, series: Series) -> str:
    """A series' creators, or "Anonymous" for a series of anonymous works (except to its own
    creators, who see "Anonymous [pseuds]")."""
    pseuds = [creatorship.pseud for creatorship in series.creatorships.all()]
    if shows_series_creators(_viewer(context), series):  # type: ignore[arg-type]  # a user or a guest
        links = _pseud_links(pseuds)
        return format_html("{} [{}]", ANONYMOUS, links) if is_anonymous_series(series) else links
    return ANONYMOUS
