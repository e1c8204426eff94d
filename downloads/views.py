"""`/downloads/ID/TITLE.FORMAT` (AO3's scheme; `?updated_at=` is accepted and ignored), for the
site's session or the API token an e-reader app sends with the catalogue's links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from works.queries import LoginRequired, get_work_for_download

from .access import reader, unauthorized
from .book import make_book
from .formats import available_formats, built_file, cached_file
from .tasks import build_download

# How long the "being prepared" page waits before asking again.
RETRY_SECONDS = 5


def download(request: HttpRequest, work_id: int, filename: str) -> HttpResponseBase:
    _, dot, extension = filename.rpartition(".")
    fmt = available_formats().get(extension.lower()) if dot else None
    if fmt is None:
        raise Http404("No such download format.")
    viewer = reader(request)
    if viewer is None:
        return unauthorized()
    try:
        work, chapters = get_work_for_download(viewer, work_id)
    except LoginRequired:
        messages.info(request, "This work is only available to registered users of the Archive.")
        return redirect_to_login(request.get_full_path())
    book = make_book(work, chapters)
    if fmt.in_task:
        path = cached_file(book, fmt)
        if not path.exists():
            build_download.enqueue(work.pk, fmt.extension)
        if not path.exists():
            response: HttpResponse = render(
                request,
                "downloads/preparing.html",
                {"work": work, "format": fmt, "retry": RETRY_SECONDS},
                status=202,
            )
            response["Retry-After"] = str(RETRY_SECONDS)
            response["Cache-Control"] = "no-store"
            return response
    else:
        path = built_file(book, fmt)
    file_response = FileResponse(
        path.open("rb"),
        content_type=fmt.media_type,
        as_attachment=True,
        filename=f"{book.filename_stem}.{fmt.extension}",
    )
    # Restricted works are for registered readers: no shared cache may keep a copy.
    file_response["Cache-Control"] = "private, no-cache" if work.restricted else "public, max-age=0"
    return file_response
