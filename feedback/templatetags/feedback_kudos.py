"""Template tags that format kudos and a work's numbers; the views load what they show."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext, pgettext

from feedback.queries.kudos import KudosSummary
from feedback.queries.stats import Numbers, numbers_of
from works.models import Work

register = template.Library()


def _and(items: list[SafeString]) -> SafeString:
    """ "A", "A and B", "A, B and C" (items are already escaped)."""
    if len(items) == 1:
        return items[0]
    head = format_html_join(
        pgettext("list separator", ", "), "{}", ((item,) for item in items[:-1])
    )
    return format_html(gettext("{head} and {last}"), head=head, last=items[-1])


@register.simple_tag
def kudos_sentence(work: Work, summary: KudosSummary) -> SafeString:
    """AO3's "A, B, C and 3 guests left kudos on this work!", the names linking to the givers
    and "N more users" to the whole list."""
    names = [
        format_html(
            '<a href="{}">{}</a>', reverse("people:user", args=[user.username]), user.username
        )
        for user in summary.users
    ]
    guests: SafeString | None = None
    if summary.guests:
        guests = format_html(
            ngettext("{count} guest", "{count} guests", summary.guests),
            count=f"{summary.guests:,}",
        )
    if summary.more_users:
        more = format_html(
            '<a href="{}">{}</a>',
            reverse("feedback:work_kudos", args=[work.pk]),
            ngettext("{count} more user", "{count} more users", summary.more_users).format(
                count=f"{summary.more_users:,}"
            ),
        )
        text = _and([*names, more])
        if guests is not None:
            text = format_html(gettext("{users} as well as {guests}"), users=text, guests=guests)
    else:
        text = _and([*names, *([guests] if guests is not None else [])])
    return format_html(gettext("{givers} left kudos on this work!"), givers=text)


@register.simple_tag
def work_numbers(work: Work) -> Numbers:
    """`work`'s comments, kudos, bookmarks and hits. Like AO3, pages show the non-zero comments,
    kudos and bookmarks and always the hits: clients read `dd.hits` as a number on every blurb."""
    return numbers_of(work)
