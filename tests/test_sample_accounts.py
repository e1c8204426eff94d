"""Sample accounts have a published password: they log in on a demo archive (`make run`, or with
DEBUG on) and nowhere else, by any path; a real archive's setup never makes them."""

from __future__ import annotations

import base64
import importlib
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from lifestream.sample_text import AUTHORS, SAMPLE_PASSWORD
from lifestream.testing import PASSWORD, make_user
from people.models import User
from people.services import create_api_token
from works.models import Work

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sample(db):
    return User.objects.create_user(
        "moogle_quill", "moogle_quill@example.org", SAMPLE_PASSWORD, is_sample=True
    )


@pytest.fixture
def not_a_demo(settings):
    settings.DEBUG = False
    settings.DEMO = False


def log_in(client, username: str, password: str):
    return client.post("/users/login", {"username": username, "password": password})


@pytest.mark.parametrize("switch", ["DEMO", "DEBUG"])
def test_sample_accounts_log_in_on_a_demo(client, settings, sample, switch):
    settings.DEMO = settings.DEBUG = False
    setattr(settings, switch, True)

    response = log_in(client, "moogle_quill", SAMPLE_PASSWORD)

    assert response.status_code == 302
    assert get_user(client).pk == sample.pk


def test_sample_accounts_are_refused_outside_a_demo_and_told_why(client, not_a_demo, sample):
    response = log_in(client, "Moogle_Quill", SAMPLE_PASSWORD)

    assert response.status_code == 200
    page = response.content.decode()
    assert "moogle_quill is one of the sample accounts" in page
    assert "can only log in to a demo archive" in page
    assert not get_user(client).is_authenticated


def test_real_accounts_still_log_in_outside_a_demo(client, not_a_demo, sample, author):
    assert log_in(client, author.username, PASSWORD).status_code == 302
    assert get_user(client).pk == author.pk


def test_a_wrong_password_is_still_only_a_wrong_password(client, not_a_demo, author):
    page = log_in(client, author.username, "nope").content.decode()
    assert "sample accounts" not in page
    assert "correct user name and password" in page or "correct username and password" in page


def test_a_session_opened_in_a_demo_ends_with_it(client, settings, sample):
    settings.DEMO = True
    log_in(client, "moogle_quill", SAMPLE_PASSWORD)
    assert get_user(client).is_authenticated

    settings.DEMO = False

    assert not get_user(client).is_authenticated
    page = client.get(f"/users/{sample.username}/preferences")
    assert page.status_code == 302 and "/users/login" in page["Location"]


def test_the_admin_login_refuses_sample_accounts(client, not_a_demo, db):
    User.objects.create_user(
        "paper_comet", "x@example.org", SAMPLE_PASSWORD, is_sample=True, is_staff=True
    )
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "paper_comet", "password": SAMPLE_PASSWORD}
    )
    assert response.status_code == 200
    assert not get_user(client).is_authenticated


def test_api_tokens_of_sample_accounts_work_only_in_a_demo(client, settings, sample):
    _, key = create_api_token(sample, "made during the demo")
    bearer = {"Authorization": f"Bearer {key}"}
    basic = base64.b64encode(f"{sample.username}:{key}".encode()).decode()

    settings.DEMO = True
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert client.get("/opds/new", headers={"Authorization": f"Basic {basic}"}).status_code == 200

    settings.DEMO = settings.DEBUG = False
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    assert client.get("/opds/new", headers={"Authorization": f"Basic {basic}"}).status_code == 401


def test_the_sample_command_marks_its_accounts_and_warns_outside_a_demo(not_a_demo, db):
    make_user("a_real_person")  # a real archive: the command leaves it alone
    out = StringIO()
    call_command("create_sample_content", stdout=out)
    assert out.getvalue().startswith("Archive already has content")
    User.objects.all().delete()

    call_command("create_sample_content", stdout=out)

    logins = {author.login for author in AUTHORS}
    assert set(User.objects.filter(is_sample=True).values_list("username", flat=True)) == logins
    assert "the sample accounts can't log in" in out.getvalue()


def test_upgrading_marks_sample_accounts_made_before_the_flag(db):
    migration = importlib.import_module("people.migrations.0004_user_is_sample")
    public = make_password(SAMPLE_PASSWORD)
    old_sample = make_user("lanternfish")
    taken_over = make_user("paper_comet")  # the sample name, with a password of its own
    elsewhere = make_user("inkwell_otter")
    User.objects.filter(pk__in=[old_sample.pk, elsewhere.pk]).update(password=public)
    User.objects.filter(pk=elsewhere.pk).update(email="otter@example.net")

    migration.mark_existing_sample_accounts(apps, None)

    assert set(User.objects.filter(is_sample=True)) == {old_sample}
    assert not User.objects.get(pk=taken_over.pk).is_sample


def test_setting_up_a_real_archive_makes_no_sample_content(db):
    # The test database is made by `migrate`, the first step of every setup.
    assert not User.objects.exists()
    assert not Work.objects.exists()
    # `make serve`, the checkout's way to run a real archive, never calls the sample command;
    # `make run`, the demo, does.
    make = shutil.which("make")
    assert make is not None
    serve = subprocess.run(
        [make, "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "gunicorn" in serve.stdout and "migrate" in serve.stdout
    assert "create_sample_content" not in serve.stdout
    demo = subprocess.run([make, "-n", "run"], cwd=ROOT, capture_output=True, text=True)
    assert "create_sample_content" in demo.stdout
