"""Lifestream's one settings file. Everything a deployer changes is an environment variable.

| variable | default |
|---|---|
| LIFESTREAM_DATA_DIR | ./var, in the working directory (database, media, mail, secret key) |
| LIFESTREAM_BIND | 127.0.0.1:8000 (read by `make run`, and added to ALLOWED_HOSTS) |
| DATABASE_URL | SQLite in the data dir |
| REDIS_URL | unset: the cache is a table in the database |
| LIFESTREAM_SECRET_KEY (or LIFESTREAM_SECRET_KEY_FILE) | generated once into the data dir |
| LIFESTREAM_DEBUG | off |
| LIFESTREAM_DEMO | off; on (as `make run` sets it), the sample accounts may log in |
| LIFESTREAM_ALLOWED_HOSTS | localhost, 127.0.0.1, [::1] and the bind host |
| LIFESTREAM_EMAIL_URL | mail written as files to <data dir>/mail |
| LIFESTREAM_HTTPS | off; on behind a TLS proxy: secure cookies, HSTS, redirect to https |
| LIFESTREAM_SITE_URL | http://<bind> (https with LIFESTREAM_HTTPS); the address used in emails |
| LIFESTREAM_TASKS | database (run by `manage.py db_worker`); `immediate` runs tasks in-process |
| LIFESTREAM_RATE_<ACTION> | count/seconds per action: see RATE_LIMITS below |
| LIFESTREAM_IMPORT_MAX_BYTES | 10 MB: the largest file or pasted text an import accepts |
| LIFESTREAM_TWO_FACTOR_ENFORCED | 1: admins, moderators, staff, wranglers must turn two-factor on |
| LIFESTREAM_NEW_ACCOUNT_DAYS | 7 (accounts younger than this get the "new" rate limits) |
| LIFESTREAM_DOWNLOAD_WAIT_SECONDS | 25: how long a download tool waits for an AZW3/MOBI/PDF |
| LIFESTREAM_DOWNLOAD_WAITERS | 2: how many of those waits a server process holds at once |
| LIFESTREAM_SPAM_CHECKS | on: guests' and new accounts' comments are checked for spam |
| LIFESTREAM_SPAM_<NAME> | the spam check's numbers: see the Spam section below |
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

# The package's own directory: templates come with it, in a checkout or installed.
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    """A string setting; `NAME_FILE` names a file holding the value (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Relative to the working directory, as `make` and an installed `lifestream` command run it.
DATA_DIR = Path(env_str("LIFESTREAM_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = env_str("LIFESTREAM_SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Created with 0600 so the key is readable by the archive's user only.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(64))
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LIFESTREAM_DEBUG")
# A demo archive lets anyone in as the sample accounts, whose password the README publishes.
DEMO = env_bool("LIFESTREAM_DEMO")
HTTPS = env_bool("LIFESTREAM_HTTPS")

BIND = env_str("LIFESTREAM_BIND", "127.0.0.1:8000")
_bind_host = BIND.rsplit(":", 1)[0] if ":" in BIND else BIND
ALLOWED_HOSTS = env_list(
    "LIFESTREAM_ALLOWED_HOSTS",
    sorted({"localhost", "127.0.0.1", "[::1]", _bind_host} - {"0.0.0.0", ""}),  # noqa: S104  # takes the wildcard out
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves its bundled API docs assets from our own static files
    "django_tasks",
    "django_tasks_db",
    "lifestream",
    "people",
    "tags",
    "works",
    "news",
    "feedback",
    "archive_collections",
    "challenges",
    "downloads",
    "imports",
    "signups",
    "moderation",
    "search",
    "api",
]
# The benchmarks and their archive generator (`manage.py generate_archive`) are in a checkout
# only, outside the installed package and the runtime: nothing in the apps imports them.
if (PACKAGE_DIR.parent / "bench" / "__init__.py").exists():
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # Outermost, so a request's time and queries are counted whole (lifestream/metrics.py).
    "lifestream.metrics.MetricsMiddleware",
    # With a read replica: who wrote a moment ago reads from the primary.
    "lifestream.middleware.ReplicaPinMiddleware",
    # First, so that no error answer under /api/v1 leaves as an HTML page.
    "api.fallbacks.JsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lifestream.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface's language: the picker's cookie, else the browser's Accept-Language. No
    # language prefix in addresses (they stay AO3's), so no i18n_patterns.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lifestream.middleware.RefuseNulMiddleware",
    "lifestream.middleware.AuthenticityTokenMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in user's saved language wins over the cookie and the browser.
    "lifestream.middleware.UserLanguageMiddleware",
    # Sessions' "last seen".
    "people.middleware.SessionSeenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # What a logged-in user must do first (lifestream/first_steps.py): set up two-factor when
    # their role needs it, accept changed terms; a suspended account reads but does not write.
    "lifestream.middleware.FirstStepsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lifestream.middleware.CoreErrorsMiddleware",
]

ROOT_URLCONF = "lifestream.urls"
WSGI_APPLICATION = "lifestream.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Ahead of the apps' templates, so the archive's own pages replace the admin app's
        # registration pages.
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "people.context_processors.reading",
                "works.context_processors.site_skin",
                "lifestream.navigation.header",
                "news.context_processors.site_banner",
                "lifestream.languages.interface_messages",
            ],
            "builtins": [
                "django.contrib.humanize.templatetags.humanize",
                "works.templatetags.archive",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the zero-service default: WAL so readers never wait for the writer, synchronous=FULL
# so an acknowledged post survives a power cut, IMMEDIATE transactions so two writers queue on
# the busy timeout instead of failing half-way with "database is locked".
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=20000;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    else:
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "lifestream.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
# A read replica (lifestream/core/replica.py): reads go there, writes and a writer's next
# reads to the primary. In tests it mirrors the primary.
_replica_url = env_str("DATABASE_REPLICA_URL")
if _replica_url:
    _replica = dj_database_url.parse(_replica_url, conn_max_age=60)
    if _replica["ENGINE"] == "django.db.backends.sqlite3":
        _replica["OPTIONS"] = dict(SQLITE_OPTIONS)
    else:
        _replica["CONN_HEALTH_CHECKS"] = True
        # A replica that is down costs a request two seconds once, then is left alone.
        _replica["OPTIONS"] = {"connect_timeout": 2}
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["lifestream.core.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("LIFESTREAM_REPLICA_PIN_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared by every worker process (hit de-duplication, rate limits) with no extra service.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lifestream_cache",
        }
    }

# --- Background tasks -----------------------------------------------------------------------
# "database": queued in the database and run by `manage.py db_worker` (`make run` starts one);
# "immediate": run at once in the process that queued them (tests, or a site without a worker).
TASKS_BACKEND = env_str("LIFESTREAM_TASKS", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }.get(TASKS_BACKEND, "django_tasks_db.DatabaseBackend")
    }
}

# --- Health and metrics (lifestream/health.py, lifestream/metrics.py) -----------------------
# `/health` answers 503 past these bounds (seconds): the replica's replay lag, the filter
# index's delay behind the change log, the oldest task waiting for the worker.
REPLICA_MAX_LAG = env_int("LIFESTREAM_REPLICA_MAX_LAG", 30)
INDEX_MAX_LAG = env_int("LIFESTREAM_INDEX_MAX_LAG", 60)
TASKS_MAX_WAIT = env_int("LIFESTREAM_TASKS_MAX_WAIT", 900)
# `/metrics` (Prometheus) answers these addresses only; everyone else gets a 404.
METRICS_ALLOW = env_list("LIFESTREAM_METRICS_ALLOW", ["127.0.0.1", "::1"])

# Accounts that can act on others' things (people.two_factor.two_factor_required) must turn
# two-factor authentication on before using the archive. Tests turn this off except their own.
TWO_FACTOR_ENFORCED = env_bool("LIFESTREAM_TWO_FACTOR_ENFORCED", True)

# --- Rate limits ----------------------------------------------------------------------------
# "COUNT/SECONDS" per action and kind of actor; LIFESTREAM_RATE_<NAME> overrides one ("0/1"
# turns an action off for that actor, an empty value removes the limit).
# "new" accounts are those younger than NEW_ACCOUNT_DAYS.
NEW_ACCOUNT_DAYS = env_int("LIFESTREAM_NEW_ACCOUNT_DAYS", 7)
RATE_LIMITS = {
    name: env_str(f"LIFESTREAM_RATE_{name.upper()}", default)
    for name, default in {
        "comment_guest": "5/600",
        "comment_new": "20/600",
        "comment_user": "60/600",
        "kudos_guest": "20/600",
        "kudos_new": "60/600",
        # The forms autosave every few seconds while someone types; this is well above that.
        "autosave_new": "30/60",
        "autosave_user": "30/60",
        # Reports to the moderators.
        "report_guest": "5/3600",
        "report_new": "10/3600",
        "report_user": "30/3600",
        # Wrong passwords: per account (whoever tries), and per address (whichever account).
        "login_account": "10/900",
        "login_address": "50/900",
    }.items()
}

# --- Spam -----------------------------------------------------------------------------------
# Guests' comments, and those of accounts younger than SPAM_NEW_ACCOUNT_DAYS or with fewer than
# SPAM_TRUSTED_AFTER published comments, pass the spam check (feedback/spam.py); suspected spam
# is held for the work's creators or a moderator.
SPAM_CHECKS = env_bool("LIFESTREAM_SPAM_CHECKS", True)
SPAM_NEW_ACCOUNT_DAYS = env_int("LIFESTREAM_SPAM_NEW_ACCOUNT_DAYS", 7)
SPAM_TRUSTED_AFTER = env_int("LIFESTREAM_SPAM_TRUSTED_AFTER", 3)
# A form sent sooner than this after it was shown is held; one older than the maximum too.
SPAM_MIN_SECONDS = env_int("LIFESTREAM_SPAM_MIN_SECONDS", 3)
SPAM_MAX_FORM_AGE = env_int("LIFESTREAM_SPAM_MAX_FORM_AGE", 2 * 24 * 3600)
# More links than this in one comment; the same text more than this often in a day.
SPAM_MAX_LINKS = env_int("LIFESTREAM_SPAM_MAX_LINKS", 2)
SPAM_MAX_REPEATS = env_int("LIFESTREAM_SPAM_MAX_REPEATS", 2)
# The classifier holds a comment whose probability of spam is at least this many percent,
# once it has learnt from SPAM_MIN_EXAMPLES decisions of each kind.
SPAM_THRESHOLD_PERCENT = env_int("LIFESTREAM_SPAM_THRESHOLD_PERCENT", 90)
SPAM_MIN_EXAMPLES = env_int("LIFESTREAM_SPAM_MIN_EXAMPLES", 5)
# The classifier is retrained by a task after this many new decisions.
SPAM_RETRAIN_AFTER = env_int("LIFESTREAM_SPAM_RETRAIN_AFTER", 20)
# The guests' proof of work (ALTCHA): how hard, and how long a challenge lasts.
SPAM_POW_COST = env_int("LIFESTREAM_SPAM_POW_COST", 5000)
SPAM_POW_SECONDS = env_int("LIFESTREAM_SPAM_POW_SECONDS", 3600)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
# Django's own backend, refusing the sample accounts outside a demo (sessions included).
AUTHENTICATION_BACKENDS = ["people.backends.AccountBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Mail -----------------------------------------------------------------------------------


def email_settings(url: str, data_dir: Path) -> dict[str, object]:
    """Turn LIFESTREAM_EMAIL_URL into Django's email settings.

    `smtp://user:password@host:587` (STARTTLS with `?tls=1`), `smtps://…` (implicit TLS),
    `file:///path/to/dir`, `console:`. Empty means files in <data dir>/mail.
    """
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(data_dir / "mail"),
        }
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path) or str(data_dir / "mail"),
        }
    if parts.scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        implicit_tls = parts.scheme == "smtps"
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if implicit_tls else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": implicit_tls,
            "EMAIL_USE_TLS": not implicit_tls and query.get("tls", ["0"])[0] in {"1", "true"},
        }
    raise ValueError(f"LIFESTREAM_EMAIL_URL: unsupported scheme {parts.scheme!r}")


globals().update(email_settings(env_str("LIFESTREAM_EMAIL_URL"), DATA_DIR))
# Where the archive is reached from outside, for links in emails and feeds.
SITE_URL = env_str("LIFESTREAM_SITE_URL", f"{'https' if HTTPS else 'http'}://{BIND}").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("LIFESTREAM_FROM_EMAIL", "Lifestream <noreply@localhost>")

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when it is missing
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Unhashed names: pages render the same with or without `collectstatic` (tests, a fresh
    # checkout), and whitenoise serves them gzipped/brotli'd with a short max-age.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Internationalisation -------------------------------------------------------------------
# The interface's languages (README, "Interface languages"): each name in its own language, as
# the picker shows it. English is the default and the language of the code's strings.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("ja", "日本語"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# The picker's cookie (lifestream/languages.py) lasts a year, like the reading settings'.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
# JSON with a stable code under /api/v1, AO3's auth_error from its script endpoints, a page
# elsewhere (lifestream/csrf.py).
CSRF_FAILURE_VIEW = "lifestream.csrf.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # A load balancer or Prometheus asks the app servers directly, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("LIFESTREAM_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host]
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a promise about every subdomain of the deployer's domain; opt in by hand.
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Lifestream's own limits (AO3's are the baseline). Change them here, not in forms.
WORKS_PER_PAGE = 20
# One chapter may hold 510,000 characters; as UTF-8 form data or \u-escaped JSON that is several
# megabytes, past Django's 2.5 MB default. The services enforce the real limits with a message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
# Imports: the largest file an author may upload, and what an EPUB or DOCX may unpack to (counted
# while reading, whatever the archive's headers claim) in how many entries.
IMPORT_MAX_BYTES = env_int("LIFESTREAM_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
IMPORT_MAX_ZIP_ENTRIES = 1000
# Downloads built by a task (AZW3, MOBI, PDF): how long a download tool's request waits for the
# file before it is answered 503 with Retry-After (browsers get a page that asks again instead).
DOWNLOAD_WAIT_SECONDS = env_int("LIFESTREAM_DOWNLOAD_WAIT_SECONDS", 25)
DOWNLOAD_WAITERS = env_int("LIFESTREAM_DOWNLOAD_WAITERS", 2)
