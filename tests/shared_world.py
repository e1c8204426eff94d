"""One set of rows for a whole test module: the visibility matrices ask thousands of questions
of the same few users and works, and building them again for each question was most of the
suite's time.

`module_world(build)` gives a test module a `world` fixture whose rows `build()` writes once,
inside a transaction that is rolled back when the module is done. Each test still runs in its
own savepoint within it (it asks for `db` through `world`), so what a test writes is undone
after it, and the next test finds the rows exactly as `build()` left them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings

# What tests/conftest.py's autouse fixtures set for each test, for the rows made before any test.
BUILD_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "TWO_FACTOR_ENFORCED": False,
    "SPAM_CHECKS": False,
}


def module_world(build: Callable[[], Any], name: str = "world") -> tuple[Any, Any]:
    """The (`world`, rows) fixture pair for a module: assign both at module level,
    `world, _world_rows = module_world(build_world)`, and ask for `world` in tests (or for
    `name`, with `name, _name_rows = module_world(build, "name")`)."""

    @pytest.fixture(scope="module", name=f"_{name}_rows")
    def rows(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
        from news import banner
        from tags.services import ensure_fixed_tags

        with django_db_blocker.unblock():
            outer = transaction.atomic()
            # Marked as a test case's own block, so the services' durable blocks nest in it.
            outer._from_testcase = True  # type: ignore[attr-defined]
            outer.__enter__()
            try:
                with override_settings(**BUILD_SETTINGS):
                    banner.settle(None)
                    ensure_fixed_tags()
                    built = build()
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        yield built
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    def world(**fixtures: Any) -> Any:
        return fixtures[f"_{name}_rows"]

    # Named in the signature (not asked for while the test runs), so that the module's rows are
    # written before the test's own savepoint is opened by `db`.
    world.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(argument, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for argument in ("db", f"_{name}_rows")
        ]
    )
    return pytest.fixture(name=name)(world), rows
