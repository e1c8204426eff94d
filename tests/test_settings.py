"""The environment-driven settings: mail URLs, SQLite pragmas, and `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from lifestream.settings import email_settings

ROOT = Path(__file__).resolve().parent.parent


def test_default_mail_goes_to_files(tmp_path):
    settings = email_settings("", tmp_path)
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert settings["EMAIL_FILE_PATH"] == str(tmp_path / "mail")


def test_smtp_urls(tmp_path):
    starttls = email_settings("smtp://me%40x.org:p%40ss@mail.example.org:587?tls=1", tmp_path)
    assert starttls["EMAIL_HOST"] == "mail.example.org"
    assert starttls["EMAIL_PORT"] == 587
    assert starttls["EMAIL_HOST_USER"] == "me@x.org"
    assert starttls["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert starttls["EMAIL_USE_TLS"] is True
    implicit = email_settings("smtps://mail.example.org", tmp_path)
    assert implicit["EMAIL_PORT"] == 465
    assert implicit["EMAIL_USE_SSL"] is True
    with pytest.raises(ValueError, match="unsupported scheme"):
        email_settings("carrier-pigeon://coop", tmp_path)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragmas")
def test_sqlite_pragmas(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LIFESTREAM_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment.update({"LIFESTREAM_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        check=False,
    )


def test_sqlite_file_database_uses_wal(tmp_path):
    result = _manage(
        tmp_path,
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor();"
        " print(c.execute('PRAGMA journal_mode').fetchone()[0])",
    )
    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


def test_check_deploy_is_clean_behind_tls(tmp_path):
    result = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        LIFESTREAM_HTTPS="1",
        LIFESTREAM_ALLOWED_HOSTS="archive.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_generated_once(tmp_path):
    show_key = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _manage(tmp_path, "shell", "-c", show_key).stdout.strip().splitlines()[-1]
    second = _manage(tmp_path, "shell", "-c", show_key).stdout.strip().splitlines()[-1]
    assert first == second
    assert len(first) > 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
