"""The API's router: each operation's documented answers include the errors that any request
to it can get, so the OpenAPI description lists every status a client may see."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, get_type_hints

from ninja import Router
from ninja.constants import NOT_SET
from pydantic import BaseModel

from .schemas import ErrorsOut

# Any request: one that cannot be understood (too many query fields, a Host the archive does
# not serve) is 400, a wrong or revoked token is 401 even where none is needed, a failure of
# the archive is 500.
ANY_REQUEST = (400, 401, 500)
# A request whose query or path parameters do not validate.
WITH_PARAMETERS = (422,)
# A request with a JSON body: not JSON (400, above), too large, not sent as JSON, or invalid.
WITH_BODY = (413, 415, 422)


def _statuses(key: Any) -> set[int]:
    return set(key) if isinstance(key, tuple) else {key}


def _reads(view_func: Callable[..., Any]) -> tuple[bool, bool]:
    """Whether the endpoint takes parameters (besides the request), and a JSON body."""
    hints = get_type_hints(view_func, include_extras=True)
    names = [name for name in inspect.signature(view_func).parameters if name != "request"]
    body = False
    for name in names:
        hint = hints.get(name)
        if inspect.isclass(hint) and issubclass(hint, BaseModel):
            body = True
    return bool(names), body


class ApiRouter(Router):
    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        response: Any = NOT_SET,
        **kwargs: Any,
    ) -> None:
        if isinstance(response, dict):
            has_parameters, has_body = _reads(view_func)
            wanted = {*ANY_REQUEST}
            if has_parameters:
                wanted.update(WITH_PARAMETERS)
            if has_body:
                wanted.update(WITH_BODY)
            documented = set().union(*(_statuses(key) for key in response))
            missing = tuple(sorted(wanted - documented))
            if missing:
                response = {**response, missing: ErrorsOut}
        super().add_api_operation(path, methods, view_func, response=response, **kwargs)
