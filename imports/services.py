"""Imports: a file or pasted text becomes a draft work with tag suggestions, whole or not at all.
The draft is never posted here; the author reviews it, confirms or dismisses the suggestions on
its edit page, and posts it when ready."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext

from lifestream.core.errors import InvalidInput
from people.models import User
from people.services import ensure_default_pseud
from tags.models import TagKind
from works import services as work_services
from works.models import Work
from works.services import ChapterData, WorkData

from .formats import ImportRefused, read_file, read_pasted
from .models import PLACEHOLDER_FANDOM, ImportSuggestion, SuggestionStatus
from .suggest import Suggestion, suggest_tags
from .understand import Story, understand

# An imported draft needs a fandom, a rating and a warning to be saved; these say "not chosen
# yet" until the author picks (accepting a fandom suggestion replaces the placeholder).
IMPORT_RATING = "Not Rated"
IMPORT_WARNING = "Creator Chose Not To Use Archive Warnings"

_KIND_FIELDS = {
    TagKind.FANDOM: "fandoms",
    TagKind.RELATIONSHIP: "relationships",
    TagKind.CHARACTER: "characters",
}


@dataclass
class ImportResult:
    work: Work
    story: Story
    suggestions: list[Suggestion] = field(default_factory=list)


def _read(upload_or_text: UploadedFile | bytes | str, filename: str) -> tuple[Story, str]:
    """The story and the name of the input field it came from ("file" or "text")."""
    limit = settings.IMPORT_MAX_BYTES
    if isinstance(upload_or_text, str):
        if len(upload_or_text.encode("utf-8")) > limit:
            raise ImportRefused(
                "too_large",
                gettext("The pasted text is longer than Lifestream imports at once (%(max)s MB).")
                % {"max": f"{limit / (1024 * 1024):.0f}"},
                field="text",
            )
        return understand(read_pasted(upload_or_text), filename=filename), "text"
    if isinstance(upload_or_text, bytes):
        data = upload_or_text
    else:
        filename = filename or upload_or_text.name or ""
        if upload_or_text.size is not None and upload_or_text.size > limit:
            raise ImportRefused(
                "too_large",
                gettext("This file is %(size)s MB; Lifestream imports files of up to %(max)s MB.")
                % {
                    "size": f"{upload_or_text.size / (1024 * 1024):.1f}",
                    "max": f"{limit / (1024 * 1024):.0f}",
                },
            )
        upload_or_text.seek(0)
        data = upload_or_text.read(limit + 1)
    return understand(read_file(data, filename), filename=filename), "file"


def _refused_from(error: InvalidInput, source_field: str) -> ImportRefused:
    """A rule of works.services broken by the imported text, reported against the upload."""
    first = error.errors[0]
    where = first.field
    chapter = ""
    if where.startswith("chapters."):
        number = int(where.split(".")[1]) + 1
        chapter = gettext("Chapter %(number)d: ") % {"number": number}
    return ImportRefused(first.code, f"{chapter}{first.message}", field=source_field)


def import_work(
    user: User, upload_or_text: UploadedFile | bytes | str, *, filename: str = ""
) -> ImportResult:
    """Read a story (an upload, its bytes, or pasted text) and save it as a draft with tag
    suggestions. Anything refused raises ImportRefused and stores nothing.

    The file is read, understood and matched against the tags before the one transaction that
    saves the draft: on SQLite an open transaction holds the archive's write lock."""
    story, source_field = _read(upload_or_text, filename)
    if not story.chapters:
        raise ImportRefused(
            "empty", gettext("There is no story text in this file."), field=source_field
        )
    suggestions = suggest_tags(user, story.plain_text())
    with transaction.atomic():
        return _save_draft(user, story, source_field, suggestions)


def _save_draft(
    user: User, story: Story, source_field: str, suggestions: list[Suggestion]
) -> ImportResult:
    chapters = [
        ChapterData(
            body=chapter.body,
            title=chapter.title,
            summary=chapter.summary,
            notes=chapter.notes,
            end_notes=chapter.end_notes,
            body_format="html",
        )
        for chapter in story.chapters
    ]
    data = WorkData(
        title=story.title,
        pseuds=[ensure_default_pseud(user)],
        summary=story.summary,
        notes=story.notes,
        end_notes=story.end_notes,
        rating=IMPORT_RATING,
        warnings=[IMPORT_WARNING],
        fandoms=[PLACEHOLDER_FANDOM],
        language="en",
    )
    try:
        work = work_services.create_work(
            user, data, chapters[0], post=False, more_chapters=chapters[1:]
        )
    except InvalidInput as error:
        raise _refused_from(error, source_field) from error
    ImportSuggestion.objects.bulk_create(
        ImportSuggestion(work=work, tag=s.tag, kind=s.kind, count=s.count, reason=s.reason)
        for s in suggestions
    )
    return ImportResult(work, story, suggestions)


@transaction.atomic
def accept_suggestion(user: User, suggestion: ImportSuggestion) -> Work:
    """Add the suggested tag to the draft (replacing the placeholder fandom)."""
    work = suggestion.work
    data = work_services.work_data_from(work)
    names: list[str] = getattr(data, _KIND_FIELDS[TagKind(suggestion.kind)])
    if suggestion.tag.name.casefold() not in {name.casefold() for name in names}:
        names.append(suggestion.tag.name)
    if suggestion.kind == TagKind.FANDOM and PLACEHOLDER_FANDOM in data.fandoms:
        data.fandoms.remove(PLACEHOLDER_FANDOM)
    work_services.update_work(user, work, data)
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.save(update_fields=["status"])
    return work


@transaction.atomic
def dismiss_suggestion(suggestion: ImportSuggestion) -> None:
    suggestion.status = SuggestionStatus.DISMISSED
    suggestion.save(update_fields=["status"])
