"""Tag autocomplete for the posting form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse

from . import queries
from .models import USER_KINDS


@login_required
def autocomplete(request: HttpRequest) -> JsonResponse:
    kind = request.GET.get("kind", "")
    if kind not in USER_KINDS:
        return JsonResponse(
            {
                "errors": [
                    {"field": "kind", "code": "unknown_choice", "message": "Unknown tag kind."}
                ]
            },
            status=400,
        )
    tags = queries.autocomplete(kind, request.GET.get("term", "")[:150])
    return JsonResponse({"results": [{"id": tag.pk, "name": tag.name} for tag in tags]})
