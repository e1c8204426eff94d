"""What a request that fails the CSRF check is told, in the language it was asked in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from api.fallbacks import is_api_request, json_error

EXPIRED = (
    "Your session has expired or the page was open too long. Please reload the page and try "
    "again; nothing was changed."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The API answers JSON with a stable code; AO3's script endpoints (`/kudos.js`,
    `/comments.js`) answer as AO3 does, 422 with `auth_error`, which its clients look for; a
    page says what happened and that nothing was lost."""
    if is_api_request(request):
        # The API authenticates with bearer tokens and exempts its views from CSRF; this
        # answers only if one is ever left unexempted.
        return json_error(403, "csrf_failed", "The request was refused as a possible forgery.")
    if request.path_info.endswith(".js") or request.headers.get("X-Requested-With"):
        return JsonResponse({"errors": {"auth_error": [EXPIRED]}}, status=422)
    return render(request, "403.html", {"exception": EXPIRED}, status=403)
