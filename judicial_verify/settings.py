"""Settings, all read from the environment (the table is in README.md).

No variable set gives the embedded default: SQLite in STATE_DIR, Celery tasks run in-process,
a local-memory cache and a secret key generated into STATE_DIR on first start. DATABASE_URL
selects PostgreSQL, REDIS_URL the Celery broker and the cache, DEPLOYMENT=production the
HTTPS settings. A bad value stops the start with ImproperlyConfigured naming the variable:
a court's ledger must never run on a silently substituted default.
"""

import ipaddress
import os
import re
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected one of {_TRUE + _FALSE}")


def _choice(name: str, choices: tuple[str, ...], *, default: str) -> str:
    value = os.environ.get(name, "") or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: expected one of {choices}")
    return value


_RATE = re.compile(r"[1-9][0-9]*/(second|minute|hour|day)")


def _rate(name: str, *, default: str) -> str:
    """A throttle rate such as `120/minute`."""
    value = os.environ.get(name, "").strip() or default
    if not _RATE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name}={value!r}: expected requests per period, e.g. 120/minute "
            "(period: second, minute, hour or day)"
        )
    return value


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (CIDR), such as `10.0.0.1,192.168.0.0/24`."""
    networks = _list(name)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {network!r} is no address ({exc})") from exc
    return networks


_ADMIN_PATH = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)+")
# The site's own top-level paths, which the admin's must not shadow.
_SITE_PATHS = (
    "api", "health", "status", "log", "i18n", "static",
    "v", "sign-in", "sign-out", "court", "report",
)  # fmt: skip


def _admin_url() -> str | None:
    """The admin's path (`admin/` by default), or None when ADMIN_URL is `off`."""
    value = os.environ.get("ADMIN_URL", "").strip() or "admin/"
    if value == "off":
        return None
    value = value.strip("/") + "/"
    if not _ADMIN_PATH.fullmatch(value) or value.split("/")[0] in _SITE_PATHS:
        raise ImproperlyConfigured(
            f"ADMIN_URL={value!r}: expected a path such as admin/ or staff/admin/, not one "
            f"of the site's own ({', '.join(_SITE_PATHS)}), or off"
        )
    return value


def _whole_number(name: str, *, default: int, least: int = 1) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < least:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number from {least}")
    return int(value)


def _seconds(name: str, *, default: float, zero: bool = False) -> float:
    """A number of seconds, such as `5` or `0.5`: positive, or 0 too where `zero` says."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not (seconds >= 0 if zero else seconds > 0) or seconds == float("inf"):
        least = "0 or more" if zero else "positive"
        raise ImproperlyConfigured(f"{name}={value!r}: expected a {least} number of seconds")
    return seconds


def _absolute_path(name: str) -> Path | None:
    """The absolute path in `name`, or None when unset; what it names is checked where used."""
    value = os.environ.get(name, "")
    if not value:
        return None
    path = Path(value)
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name}={value!r}: must be an absolute path")
    return path


def _url(name: str, schemes: tuple[str, ...]) -> str:
    """The URL in `name`, or "" when unset. The URL itself never goes into an error message:
    it may hold a password."""
    url = os.environ.get(name, "")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(f"{name}: scheme {parts.scheme!r}, expected one of {schemes}")
    try:
        parts.port  # noqa: B018 (parsing the port is the check)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: bad port ({exc})") from exc
    return url


def _secret(name: str) -> str | None:
    """A secret from `name`, or from the file named by `name`_FILE (Docker and systemd
    credentials), or None when neither is set."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if value and path:
        raise ImproperlyConfigured(f"{name} and {name}_FILE are both set: set one")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r}: cannot read it ({exc})") from exc
        if not value:
            raise ImproperlyConfigured(f"{name}_FILE={path!r}: the file is empty")
    return value or None


def _state_dir() -> Path:
    """STATE_DIR, created with mode 0700; an existing one others may read is refused, as it
    holds the signing key, the secret key and maybe the database."""
    path = Path(os.environ.get("STATE_DIR", "") or BASE_DIR / "var")
    if not path.is_absolute():
        raise ImproperlyConfigured(f"STATE_DIR={str(path)!r}: must be an absolute path")
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        raise ImproperlyConfigured(f"STATE_DIR={str(path)!r}: cannot create it ({exc})") from exc
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"STATE_DIR={str(path)!r}: mode {mode:04o} lets others in; it must be 0700 "
            f"(chmod 700 {path})"
        )
    return path


def _private_file(path: Path) -> Path:
    """`path`, created empty with mode 0600 if absent, else made 0600: SQLite creates its
    database with the umask's mode, usually readable by all, and its -wal and -shm files
    with the database's."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
    except OSError as exc:
        raise ImproperlyConfigured(f"STATE_DIR: cannot make {path} private ({exc})") from exc
    return path


def _generated_secret_key(state_dir: Path) -> str:
    """The secret key kept in STATE_DIR/secret_key, created with mode 0600 on first start."""
    path = state_dir / "secret_key"
    try:
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=state_dir, prefix=".secret_key.")  # mode 0600
            with os.fdopen(fd, "w") as tmp_file:
                tmp_file.write(secrets.token_urlsafe(50) + "\n")
            try:
                # link, not rename: when two processes start at once, the first key wins
                # and both read the same one.
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"STATE_DIR: cannot keep the secret key ({exc})") from exc
    if not key:
        raise ImproperlyConfigured(f"STATE_DIR: {path} is empty; delete it to make a new key")
    return key


def _log_origin() -> str:
    """The log's name: the checkpoint origin line and the signing key's name, so it must be a
    valid C2SP signed-note key name."""
    origin = os.environ.get("LOG_ORIGIN", "judicial-verify.localhost/log")
    try:
        origin.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ImproperlyConfigured("LOG_ORIGIN: not valid UTF-8") from exc
    if not origin or "+" in origin or any(char.isspace() for char in origin):
        raise ImproperlyConfigured(
            f"LOG_ORIGIN={origin!r}: must be non-empty, with no spaces and no '+'"
        )
    return origin


def _database(state_dir: Path) -> dict[str, Any]:
    url = _url("DATABASE_URL", ("postgres", "postgresql"))
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _private_file(state_dir / "db.sqlite3"),
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait for it
            # (up to the timeout) instead of failing with "database is locked" mid-way.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    config: dict[str, Any] = environ.Env.db_url_config(url)
    if not config["NAME"]:
        raise ImproperlyConfigured("DATABASE_URL: names no database (postgres://.../NAME)")
    # Reuse connections for a minute (per thread or worker process); Django checks a kept
    # connection before a request reuses it, and replaces one the server has ended.
    config["ENGINE"] = "django.db.backends.postgresql"
    config.setdefault("CONN_MAX_AGE", 60)
    config.setdefault("CONN_HEALTH_CHECKS", True)
    return config


# Deployment

DEPLOYMENT = _choice("DEPLOYMENT", ("development", "production"), default="development")
PRODUCTION = DEPLOYMENT == "production"

DEBUG = _bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG: must be off with DEPLOYMENT=production")

STATE_DIR = _state_dir()

_secret_key = _secret("SECRET_KEY")
if _secret_key is None and PRODUCTION:
    # Several web nodes must share one key, so production never generates its own.
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required in production")
SECRET_KEY = _secret_key or _generated_secret_key(STATE_DIR)
# Verification codes are derived from it (records.served_documents): a short key would be a
# guessable one.
SECRET_KEY_MIN_LENGTH = 50
if PRODUCTION and len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"SECRET_KEY: {len(SECRET_KEY)} characters; production needs at least "
        f"{SECRET_KEY_MIN_LENGTH} (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )

ALLOWED_HOSTS = _list("ALLOWED_HOSTS")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated)")
if PRODUCTION:
    # The container's HEALTHCHECK asks http://127.0.0.1:8000/health from inside.
    ALLOWED_HOSTS.append("127.0.0.1")
elif not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# The proxies (addresses or networks) whose X-Forwarded-For is believed: the client's
# address, which rate limits count by, is the right-most one in it that is no such proxy
# (judicial_verify.rate_limits). Empty: REMOTE_ADDR, and the header is ignored, so that a
# server reachable directly cannot be fooled by a forged one.
TRUSTED_PROXIES = _networks("TRUSTED_PROXIES")

# The admin's path; off where the admin is served only on an internal deployment.
ADMIN_URL = _admin_url()

# Production runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^status$"]
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION

# The log

LOG_ORIGIN = _log_origin()
# The ledger parses the key and checks that its name is LOG_ORIGIN.
LOG_SIGNING_KEY = _secret("LOG_SIGNING_KEY")
# How many tiles' hashes each process keeps for proofs (about 16 KiB a full tile; 0: none).
LOG_TILE_CACHE_TILES = _whole_number("LOG_TILE_CACHE_TILES", default=4096, least=0)

# The witness: the name it cosigns under and its key; judicial_verify.witness checks both.
WITNESS_NAME = os.environ.get("WITNESS_NAME", "") or LOG_ORIGIN.split("/")[0] + "/witness"
WITNESS_SIGNING_KEY = _secret("WITNESS_SIGNING_KEY")

# The log's alliance: a C2SP tlog-policy file naming the log's key, the witnesses (key and
# URL) and the quorum of cosignatures a checkpoint needs before it is published
# (judicial_verify.ledger.witnessing reads and checks it). Unset: quorum none, no witness.
WITNESS_POLICY = _absolute_path("WITNESS_POLICY")
# How long the log waits for one witness's answer to one add-checkpoint request.
WITNESS_TIMEOUT = _seconds("WITNESS_TIMEOUT", default=5.0)
# The institution that runs each witness of the policy, named in each of the portal's
# languages, for the log page (a JSON file; judicial_verify.portal.alliance reads it).
WITNESS_INSTITUTIONS = _absolute_path("WITNESS_INSTITUTIONS")

# POST /api/v1/verify hashes an upload as it streams and keeps none of it; past this, 413.
VERIFY_UPLOAD_MAX_BYTES = _whole_number("VERIFY_UPLOAD_MAX_BYTES", default=100 * 1024 * 1024)

# Application

INSTALLED_APPS = [
    "judicial_verify.apps.JudicialVerifyConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "judicial_verify.ledger",
    "judicial_verify.records",
    "judicial_verify.api",
    "judicial_verify.portal",
    "judicial_verify.witness",
    "judicial_verify.mirror",
    "csp",
]

MIDDLEWARE = [
    # The headers' middleware first: they see every response, static files (whitenoise
    # answers them itself) and the 400 for a disallowed host (CommonMiddleware's) included.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "judicial_verify.api.errors.IntegrityAlarmMiddleware",
]

ROOT_URLCONF = "judicial_verify.urls"
WSGI_APPLICATION = "judicial_verify.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": _database(STATE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Judges sign in on the portal, and land on their court's records. A session lasts a
# working day, not Django's two weeks: a court's records are open on a shared desk.
LOGIN_URL = "portal:sign-in"
LOGIN_REDIRECT_URL = "portal:judge-search"
SESSION_COOKIE_AGE = _whole_number("SESSION_HOURS", default=8) * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# The portal speaks Simplified Chinese and English; the browser's preference picks one and a
# switcher changes it. Compiled .mo files are built from the committed .po files by the
# set-up commands (manage.py compile_translations in scripts/serve, scripts/test and the
# Dockerfile), not committed.
LANGUAGE_CODE = "en"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice is remembered for a year, in a cookie no script reads.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names let whitenoise serve static files as cacheable forever.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The largest request body: a node's batch of 1,000 records, each with the most metadata a
# record may hold (records.kinds.MAX_METADATA_BYTES) and 2 KiB for the rest of it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "judicial_verify.api.openapi.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "judicial_verify.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["judicial_verify.api.parsers.JsonParser"],
    "EXCEPTION_HANDLER": "judicial_verify.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Every view: a rate per role, counted in the cache (judicial_verify.api.throttles).
    "DEFAULT_THROTTLE_CLASSES": ["judicial_verify.api.throttles.RoleRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _rate("THROTTLE_ANON", default="120/minute"),
        "lawyer": _rate("THROTTLE_LAWYER", default="1200/minute"),
        "judge": _rate("THROTTLE_JUDGE", default="600/minute"),
        "node": _rate("THROTTLE_NODE", default="600/minute"),
    },
}
# Per client address (judicial_verify.rate_limits): distinct verification codes named, on
# /v/CODE pages and the API together, where 95 secret bits leave nothing to guess at this
# rate; and the portal's report PDFs, each of which takes up to a second to build.
CODE_LOOKUP_RATE = _rate("THROTTLE_CODE", default="30/minute")
REPORT_RATE = _rate("THROTTLE_REPORT", default="20/minute")
# Personal API tokens created from one address: a person needs a few, a script making
# them by the thousand is no person.
PERSONAL_TOKEN_RATE = _rate("THROTTLE_PERSONAL_TOKEN", default="30/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "judicial-verify",
    # The description is the quick start, judicial_verify/api/quick_start.md, set by the hook.
    "VERSION": "1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "judicial_verify.api.openapi.quick_start_description",
    ],
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # Two fields named outcome, with different choices: each enum gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "VerifyOutcomeEnum": "judicial_verify.api.views.verify.OUTCOMES",
        "CodeCheckOutcomeEnum": "judicial_verify.api.views.codes.CHECK_OUTCOMES",
    },
}

# Redis: the Celery broker and the cache. Without it tasks run in-process, at once.

REDIS_URL = _url("REDIS_URL", ("redis", "rediss"))

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# No result backend: callers wait for a published checkpoint in the database, not for a task.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A task is acknowledged once done, and requeued when the process running it dies, so a
# crash mid-integration leaves the task to another process. (A whole worker killed leaves its
# task unacknowledged in Redis for the broker's visibility timeout; every worker's sweep,
# ledger/tasks.py, integrates what it left long before.) One task reserved at a time: a
# worker holds no queued task back from the others.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Seconds the oldest pending entry may wait for integration before /status answers 503
# "degraded"; workers sweep for pending entries four times within it.
INTEGRATION_BACKLOG_MAX_AGE = _whole_number("INTEGRATION_BACKLOG_MAX_AGE", default=60)

# Checkpoints are signed and published at most once per this many seconds, each covering
# everything integrated by then (ledger/publish.py); 0 publishes after every integration.
CHECKPOINT_INTERVAL = _seconds("CHECKPOINT_INTERVAL", default=1.0, zero=True)

# Logging: one line a record on stderr, for the web process and the worker alike.

LOG_LEVEL = _choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), default="INFO")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "()": "judicial_verify.log_format.OneLineFormatter",
            "format": "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
        },
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    # Django's own handlers would print some records twice, in another format.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        # fontTools logs every glyph it keeps while the PDF report subsets its fonts.
        "fontTools": {"level": "WARNING"},
    },
}

# Content-Security-Policy: no inline script or style anywhere; scripts and styles come from
# our own static files. 'wasm-unsafe-eval' lets the browser compile the vendored SHA-256
# WebAssembly that hashes documents on the visitor's device; it permits no eval of script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
