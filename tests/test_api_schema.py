"""The API against its own OpenAPI description, by schemathesis: generated requests (valid and
not) to every operation, with a real token, on an archive with content. No answer may be a
server error or disagree with the schema: the status must be documented, and the body must be
JSON of the documented shape, errors included."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import post_comment
from lifestream.testing import make_user, make_work
from lifestream.wsgi import application
from people.services import create_api_token

# Generated requests per operation and mode: about 45 operations take under a minute.
EXAMPLES = 15
# The suite draws the same examples on every run, so a run fails only for a change in the code;
# LIFESTREAM_EXPLORE_API=1 draws new ones each time, to go looking for more.
EXPLORE = os.environ.get("LIFESTREAM_EXPLORE_API") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_process(db) -> Iterator[None]:
    # The WSGI app runs in this thread, inside the test's transaction; Django would close the
    # connection at the end of each request (as the test client stops it from doing).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(in_process) -> str:
    author = make_user("schema_author")
    reader = make_user("schema_reader")
    work = make_work(
        author,
        chapters=2,
        relationships=["Anselm Quarry/Teodor Vane"],
        characters=["Сирота"],
        freeforms=["Salt & Vinegar"],
    )
    make_work(author, draft=True, title="A draft")
    make_work(reader, title="The reader's own")
    post_comment(reader, work, "A comment.")
    create_bookmark(reader, work, BookmarkData(notes="Good.", tags=["Faves"]))
    return create_api_token(author, "schema")[1]


# Read when the tests are collected: the description needs no database. One test per operation
# and mode (valid requests, and requests that break the schema), each with its own node id, so
# pytest-xdist spreads them like any other test.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# An operation the description cannot express would be missing, and caught here.
OPERATIONS = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_the_api_keeps_to_its_schema(operation, mode, token):
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not EXPLORE,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        # A free-form string path parameter (a tag's name) is all some operations take: no
        # request breaks their schema.
        if mode is GenerationMode.NEGATIVE:
            pytest.skip("nothing in this operation's schema can be broken")
        raise


def test_every_operation_is_tested():
    assert len(OPERATIONS) == sum(1 for _ in schema.get_all_operations()) > 40
