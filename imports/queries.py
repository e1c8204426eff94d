"""Reads of import suggestions: only a draft's creators ever see them."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext

from access.getters import findable_tags, get_work_for_editor
from access.visibility import is_creator
from people.models import User
from tags.models import Tag, TagKind
from works.models import Work

from .models import PLACEHOLDER_FANDOM, ImportSuggestion, SuggestionStatus


def pending_suggestions(viewer: User, work: Work) -> list[ImportSuggestion]:
    """The suggestions still waiting for the creator, naming only tags they can find now."""
    if not is_creator(viewer, work):
        return []
    findable = findable_tags(viewer, Tag.objects.all())
    suggestions = list(
        ImportSuggestion.objects.filter(
            work=work, status=SuggestionStatus.PENDING, tag__in=findable
        )
        # A tag the draft already has (added by the form rather than the Add button) is done.
        .exclude(tag__in=work.tags.all())
        .select_related("tag")
    )
    for suggestion in suggestions:
        # The edit page's Add button puts the tag in the form's field, in place of this.
        suggestion.replaces = PLACEHOLDER_FANDOM if suggestion.kind == TagKind.FANDOM else ""
    return suggestions


def get_suggestion_for_editor(viewer: User, work_id: int, suggestion_id: int) -> ImportSuggestion:
    """A pending suggestion on a work `viewer` may edit; 404 (or 403) otherwise."""
    work = get_work_for_editor(viewer, work_id)
    suggestion = (
        ImportSuggestion.objects.filter(
            pk=suggestion_id, work=work, status=SuggestionStatus.PENDING
        )
        .select_related("tag")
        .first()
    )
    if suggestion is None:
        raise Http404(gettext("No such suggestion."))
    suggestion.work = work
    return suggestion
