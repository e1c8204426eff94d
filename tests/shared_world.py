"""One set of rows for a whole test module: the visibility matrices ask thousands of questions
of the same few users and works, and building them again for each question was most of the
suite's time.

`module_world(build)` gives a test module a `world` fixture whose rows `build()` writes once,
inside a transaction that is rolled back when the module is done. Each test still runs in its
own savepoint within it (it asks for `db` through `world`), so what a test writes is undone
after it, and the next test finds the rows exactly as `build()` left them.
"""

from __future__ import annotations

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


def module_world(build: Callable[[], Any]) -> tuple[Any, Any]:
    """The (`world`, rows) fixture pair for a module: assign both at module level,
    `world, _world_rows = module_world(build_world)`, and ask for `world` in tests."""

    @pytest.fixture(scope="module", name="_world_rows")
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

    @pytest.fixture(name="world")
    def world(db: None, _world_rows: Any) -> Any:
        return _world_rows

    return world, rows
