"""`/downloads/ID/TITLE.FORMAT` (AO3's scheme; `?updated_at=` is accepted and ignored)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase

from works.queries import LoginRequired, get_work_for_download

from .book import make_book
from .formats import FORMATS, built_file


def download(request: HttpRequest, work_id: int, filename: str) -> HttpResponseBase:
    _, dot, extension = filename.rpartition(".")
    fmt = FORMATS.get(extension.lower()) if dot else None
    if fmt is None:
        raise Http404("No such download format.")
    try:
        work, chapters = get_work_for_download(request.user, work_id)
    except LoginRequired:
        messages.info(request, "This work is only available to registered users of the archive.")
        return redirect_to_login(request.get_full_path())
    book = make_book(work, chapters)
    response = FileResponse(
        built_file(book, fmt).open("rb"),
        content_type=fmt.media_type,
        as_attachment=True,
        filename=f"{book.filename_stem}.{fmt.extension}",
    )
    # Restricted works are for registered readers: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-cache" if work.restricted else "public, max-age=0"
    return response
