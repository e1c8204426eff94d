"""/api/v1/: the NinjaAPI's routes, with JSON answers also for unknown paths and methods."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path, re_path

from .api import api
from .fallbacks import json_error, not_found


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    # Ninja answers a method no operation handles with a plain-text 405; clients get JSON here.
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        answer = json_error(
            405, "method_not_allowed", f"{request.method} is not allowed on this path."
        )
        answer["Allow"] = response["Allow"]
        return answer

    return wrapped


def _patterns() -> list[URLPattern | URLResolver]:
    ninja_patterns, app_name, namespace = api.urls
    patterns: list[URLPattern | URLResolver] = []
    for pattern in ninja_patterns:
        if isinstance(pattern, URLPattern):
            # Ninja's root view only exists to be reversed, and answers with an HTML 404.
            view = not_found if pattern.name == "api-root" else pattern.callback
            pattern = URLPattern(
                pattern.pattern, _json_method_not_allowed(view), pattern.default_args, pattern.name
            )
        patterns.append(pattern)
    return [path("", include((patterns, app_name), namespace=namespace))]


urlpatterns = [*_patterns(), re_path(r"", not_found)]
