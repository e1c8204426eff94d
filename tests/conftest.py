"""Named personas shared by every test module."""

from __future__ import annotations

import pytest
from django.utils import translation

from lifestream.testing import make_admin, make_user


@pytest.fixture
def author(db):
    return make_user("cloud_author")


@pytest.fixture
def reader(db):
    return make_user("tifa_reader")


@pytest.fixture
def stranger(db):
    return make_user("a_stranger")


@pytest.fixture
def admin_user(db):
    return make_admin()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests make hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fixed_tags(request):
    # Tests with a live server flush the database afterwards, seeded rows included.
    if {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        from tags.services import ensure_fixed_tags

        request.getfixturevalue("db" if "db" in request.fixturenames else "transactional_db")
        ensure_fixed_tags()


@pytest.fixture(autouse=True)
def _downloads_of_this_test_process(settings, tmp_path_factory):
    # The downloads cache is named by work id and version; the test processes' databases give
    # the same ids to different works, so each process keeps its files in a data dir of its own.
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "data"


@pytest.fixture(autouse=True)
def _no_banner_kept_from_another_test():
    # Every test's database starts with no banner; the per-process copy (news.banner) is told
    # so, and is forgotten afterwards, so no page's query count depends on an earlier test.
    from news import banner

    banner.settle(None)
    yield
    banner.settle(None)


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A request in another language leaves it active in the thread (as a server's next request
    # would reset it); code a later test runs outside a request speaks the archive's default.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_run_in_process(settings):
    # Tasks run where they are queued; tests of the queued path switch to the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _two_factor_not_enforced(settings):
    # The suite's admins and wranglers act without setting up an authenticator app; the
    # tests of two-factor (test_two_factor.py) turn the enforcement back on.
    settings.TWO_FACTOR_ENFORCED = False


@pytest.fixture(autouse=True)
def _spam_checks_off(request, settings):
    # The spam check asks forms for a signed time and guests for a proof of work, which the
    # tests of other things don't send; tests of the spam check ask for `spam_checks`.
    settings.SPAM_CHECKS = "spam_checks" in request.fixturenames


@pytest.fixture
def spam_checks(settings):
    """The spam check on, with its defaults."""
    settings.SPAM_CHECKS = True
    return settings


def pytest_collection_modifyitems(config, items):
    # What does not depend on the database — the pages in a browser, the pages read by outside
    # clients over a live server, the built package — runs with the SQLite suite; the PostgreSQL
    # run of the same suite (`.ci/run`) leaves it to that one, which keeps CI within its time.
    # LIFESTREAM_ALL_ON_POSTGRES=1 runs them there too.
    import os

    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return
    if os.environ.get("LIFESTREAM_ALL_ON_POSTGRES") == "1":
        return
    skip = pytest.mark.skip(reason="the same on both databases: run with the SQLite suite")
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("database_independent"):
            item.add_marker(skip)
