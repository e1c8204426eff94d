"""Imports: a file (multipart) or pasted text (JSON) becomes a draft work with tag suggestions.

The body is read here rather than by the API's JSON parser, because this one endpoint also takes
multipart uploads; JSON bodies still refuse duplicate keys, as everywhere else."""

from __future__ import annotations

import json
from typing import NoReturn

from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError

from imports.formats import ImportRefused
from imports.services import import_work

from .auth import BearerToken, user_of
from .errors import BodyError, _refuse_duplicate_keys
from .routing import ApiRouter
from .schemas import ErrorsOut

router = ApiRouter(tags=["imports"])


class SuggestionOut(Schema):
    tag: str
    kind: str
    count: int
    reason: str


class ImportOut(Schema):
    work_id: int
    title: str
    chapters: int
    suggestions: list[SuggestionOut]


def _refuse_body(status: int, code: str, message: str) -> NoReturn:
    # The API's error handler answers an HttpError caused by a BodyError with that code.
    raise HttpError(status, message) from BodyError(status, code, message)


def _json_body(request: HttpRequest) -> tuple[str, str]:
    try:
        payload = json.loads(request.body or b"null", object_pairs_hook=_refuse_duplicate_keys)
    except BodyError as exc:
        _refuse_body(exc.status, exc.code, exc.message)
    except (ValueError, UnicodeDecodeError):
        _refuse_body(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(payload, dict):
        raise ImportRefused("empty", 'Send {"text": …} or a multipart file.', field="text")
    text, filename = payload.get("text"), payload.get("filename", "")
    if not isinstance(text, str):
        raise ImportRefused("missing", 'Send the story as "text" (a string).', field="text")
    if not isinstance(filename, str):
        raise ImportRefused("invalid_type", '"filename" must be a string.', field="filename")
    return text, filename


@router.post(
    "/imports",
    response={201: ImportOut, (400, 401, 413, 415, 422): ErrorsOut},
    auth=BearerToken(),
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"text": {"type": "string"}, "filename": {"type": "string"}},
                        "required": ["text"],
                    }
                },
            }
        }
    },
)
def create_import(request: HttpRequest) -> Status:
    """Import a story as a draft: `file` as multipart/form-data, or JSON `{"text", "filename"}`.
    Answers the draft's id, its chapter count and the suggested tags."""
    user = user_of(request)
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise ImportRefused("missing", 'Send the story as the multipart field "file".')
        result = import_work(user, upload, filename=upload.name or "")
    elif request.content_type == "application/json":
        text, filename = _json_body(request)
        result = import_work(user, text, filename=filename)
    else:
        _refuse_body(
            415,
            "unsupported_media_type",
            "Send a file as multipart/form-data, or text as application/json.",
        )
    return Status(
        201,
        {
            "work_id": result.work.pk,
            "title": result.work.title,
            "chapters": result.work.chapter_count,
            "suggestions": [
                {"tag": s.tag.name, "kind": s.kind, "count": s.count, "reason": s.reason}
                for s in result.suggestions
            ],
        },
    )
