"""Work skins: a creator's stylesheets for the look of their works. Written through here only,
so every stylesheet stored went through the sanitiser; a stylesheet with anything the
sanitiser would drop is refused whole, with what and why, and nothing is saved."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from access.visibility import usable_skins_q
from lifestream.core.css import sanitise_css
from lifestream.core.errors import ErrorList, Forbidden
from lifestream.core.text import one_line
from people.models import User

from .models import SKIN_DESCRIPTION_MAX, SKIN_TITLE_MAX, Skin, Work

SKINS_PER_USER_MAX = 100


SKIN_KINDS = ("work", "site")
# Where a skin's rules apply: inside the works wearing it, or anywhere on the pages.
SCOPES = {"work": "#workskin", "site": ""}


@dataclass
class SkinData:
    title: str = ""
    description: str = ""
    css: str = ""
    kind: str = "work"


def skin_data_from(skin: Skin) -> SkinData:
    return SkinData(title=skin.title, description=skin.description, css=skin.css, kind=skin.kind)


def _clean(user: User, data: SkinData, skin: Skin | None) -> SkinData:
    errors = ErrorList()
    title = one_line(data.title)
    if not title:
        errors.add("title", "required", _("Please enter a title for the skin."))
    errors.check_length("title", _("Skin title"), title, SKIN_TITLE_MAX)
    errors.check_length("description", _("Description"), data.description, SKIN_DESCRIPTION_MAX)
    same_title = Skin.objects.filter(author=user, title__iexact=title)
    if skin is not None:
        same_title = same_title.exclude(pk=skin.pk)
    if title and same_title.exists():
        errors.add(
            "title", "taken", _("You already have a skin called “%(title)s”.") % {"title": title}
        )
    kind = data.kind if data.kind in SKIN_KINDS else ""
    if not kind:
        errors.add("kind", "unknown_choice", _("A skin is a work skin or a site skin."))
    clean = sanitise_css(data.css, scope=SCOPES.get(kind, "#workskin"))
    for reason in clean.dropped:
        errors.add("css", "css_not_allowed", reason)
    if skin is None and Skin.objects.filter(author=user).count() >= SKINS_PER_USER_MAX:
        errors.add(
            "title",
            "too_many_skins",
            _("You can have at most %(limit)d skins.") % {"limit": SKINS_PER_USER_MAX},
        )
    errors.raise_if_any()
    return SkinData(title=title, description=data.description.strip(), css=clean.css, kind=kind)


def _save(skin: Skin) -> Skin:
    try:
        with transaction.atomic():
            skin.save()
    except IntegrityError:  # the same title saved at the same moment by another request
        errors = ErrorList()
        errors.add(
            "title",
            "taken",
            _("You already have a skin called “%(title)s”.") % {"title": skin.title},
        )
        errors.raise_if_any()
    return skin


def create_skin(user: User, data: SkinData) -> Skin:
    clean = _clean(user, data, None)
    return _save(
        Skin(
            author=user,
            title=clean.title,
            description=clean.description,
            css=clean.css,
            kind=clean.kind,
        )
    )


def update_skin(user: User, skin: Skin, data: SkinData) -> Skin:
    if skin.author_id != user.pk:
        raise Forbidden(_("Only the skin's author can change it."))
    clean = _clean(user, data, skin)
    skin.title, skin.description, skin.css = clean.title, clean.description, clean.css
    skin.kind = clean.kind
    return _save(skin)


def delete_skin(user: User, skin: Skin) -> None:
    """Delete a skin; the works wearing it go back to the archive's look."""
    if skin.author_id != user.pk:
        raise Forbidden(_("Only the skin's author can delete it."))
    skin.delete()


def set_skins_public(skins: list[Skin], *, public: bool) -> None:
    """An admin's choice: public skins are listed at /skins and offered to every creator; made
    private again, the works already wearing one keep it."""
    Skin.objects.filter(pk__in=[skin.pk for skin in skins]).update(public=public)


def check_work_skin(user: User, skin_id: int | None, work: Work | None, errors: ErrorList) -> None:
    """A work may wear a skin its creator may use (their own, or a public one), or keep the one
    it wears (a co-creator's own skin stays on when another creator edits the work)."""
    if skin_id is None or (work is not None and work.skin_id == skin_id):
        return
    if not Skin.objects.filter(usable_skins_q(user), pk=skin_id, kind="work").exists():
        errors.add("skin", "unknown_choice", _("Choose one of your skins or a public one."))
