"""Lifestream installs as a package: the wheel built from the checkout holds every template,
static file and migration and the `lifestream` command, and, installed away from the checkout,
that command checks and migrates a fresh archive without making any sample content."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    *("api", "downloads", "feedback", "imports", "lifestream"),
    *("people", "search", "tags", "works"),
)
NOT_SHIPPED = ("bench", "docs", "tests")

pytestmark = pytest.mark.database_independent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy, so files a previous build left in build/ can't slip into the wheel.
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(
        ROOT,
        source,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "var", "build", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-w", str(out), "-q"],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("lifestream-*.whl")
    return built


def _shipped(pattern: str) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for app in APPS
        for path in (ROOT / app).glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_holds_templates_static_files_migrations_and_the_command(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = _shipped("templates/**/*")
    static = _shipped("static/**/*")
    migrations = _shipped("migrations/*.py")
    assert len(templates) > 100 and static and len(migrations) > 10
    assert templates | static | migrations <= names
    assert "lifestream/templates/registration/login.html" in names
    assert {
        f"lifestream/locale/{language}/LC_MESSAGES/django.{kind}"
        for language in ("fr", "ja")
        for kind in ("po", "mo")
    } <= names
    assert not {name.split("/")[0] for name in names} & set(NOT_SHIPPED)

    info = next(name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA"))
    entry_points = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "[console_scripts]\nlifestream = lifestream.__main__:main" in entry_points


def test_dependencies_are_listed_once_and_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, dev = project["dependencies"], project["optional-dependencies"]["dev"]
    for requirement in (*runtime, *dev):
        assert "==" in requirement, requirement
    assert not set(runtime) & set(dev)
    assert not list(ROOT.glob("requirements*.txt"))


def test_the_installed_command_sets_up_an_archive_away_from_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target"]
    subprocess.run(
        [*install, str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    command = target / "bin" / "lifestream"
    assert command.is_file()
    home = tmp_path / "home"
    home.mkdir()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LIFESTREAM_", "DJANGO_")) and key != "DATABASE_URL"
    }
    # The installed copy comes first; the dependencies are this interpreter's.
    environment.update({"PYTHONPATH": str(target), "LIFESTREAM_DATA_DIR": str(tmp_path / "data")})

    def lifestream(*args: str) -> str:
        result = subprocess.run(
            [str(command), *args], cwd=home, env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "no issues" in lifestream("check")
    lifestream("migrate", "--noinput", "--verbosity", "0")
    report = lifestream(
        "shell",
        "-c",
        "from django.template.loader import get_template; from people.models import User;"
        " from works.models import Work; print(User.objects.count(), Work.objects.count());"
        " print(get_template('works/show.html').origin.name)",
    ).splitlines()
    assert report[-2] == "0 0"  # a real archive's setup makes no sample content
    assert report[-1].startswith(str(target))
    assert (tmp_path / "data" / "lifestream.sqlite3").is_file()
    assert not (home / "var").exists()
