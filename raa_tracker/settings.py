"""Settings for raa_tracker, all read from the environment.

One module for every deployment. Development defaults are embedded (SQLite
under var/, a file-system Celery broker, console e-mail) so that a newcomer
needs only Python; production sets DATABASE_URL, REDIS_URL, SECRET_KEY and
DEBUG=false. A malformed value stops start-up with a message naming the
variable. In development, `make` writes a git-ignored .env (DEBUG=true and a
generated SECRET_KEY) that is read here when present, so that manage.py typed
in a plain shell behaves as under make; the real environment wins over it.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # the embedded defaults' files: SQLite database, broker queue, mail, static files

env = environ.Env()


def read_env_file() -> None:
    """Development settings from a file, so that manage.py needs no exported DEBUG outside make.

    The file is .env beside manage.py, or ENV_FILE (relative to it); ENV_FILE= (empty) reads none. Variables
    already in the environment win over the file. Production needs no file: the image has none (.dockerignore),
    and a missing default .env is simply not read, while a missing ENV_FILE is an error.
    """
    name = os.environ.get("ENV_FILE")
    if name == "":
        return
    path = BASE_DIR / (name or ".env")
    if not path.is_file():
        if name:
            raise ImproperlyConfigured(f"ENV_FILE names no readable file: {name!r}.")
        return
    env.read_env(path, overwrite=False)


read_env_file()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: 'maybe' is an error, not False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}.")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}.")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env.str(name, default=default).split(",") if item.strip()]


def database_from_env() -> dict:
    default = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    url = env.str("DATABASE_URL", default=default)
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with sqlite:// or postgres://, got {url.split(':', 1)[0]!r}."
        )
    config = env.db_url_config(url)
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database.")
    config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    # A kept connection is tested before reuse, so one broken by a database restart is replaced, not kept.
    config["CONN_HEALTH_CHECKS"] = True
    if scheme != "sqlite":
        # An unreachable server costs a request at most this long before it answers 503 (raa_tracker.middleware);
        # a connect_timeout in the URL's query string wins.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5, 2))
    return config


def email_from_env() -> dict:
    url = env.str("EMAIL_URL", default="consolemail://")
    scheme = urlsplit(url).scheme
    if scheme not in {"consolemail", "filemail", "memorymail", "dummymail", "smtp", "smtps", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must be smtp://, smtp+tls://, smtps://, consolemail://, filemail:// or "
            f"memorymail://, got {scheme or url!r}."
        )
    config = env.email_url_config(url)
    if scheme == "filemail":
        # django-environ drops the leading slash of an absolute path.
        parts = urlsplit(url)
        path = parts.path
        if parts.netloc or not path.startswith("/"):
            raise ImproperlyConfigured("EMAIL_URL filemail:// needs an absolute path, e.g. filemail:///var/mail.")
        config["EMAIL_FILE_PATH"] = path
    return config


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Anonymous visitors may read the record; false makes every read need a login.
PUBLIC_READ = env_bool("PUBLIC_READ", True)
# An agreement still under way whose status has neither changed nor been confirmed by an official for this many
# days is listed as stale (overview, API), and its watchers who asked are told once.
STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 180, minimum=1)
# Visitors who are not signed in may report an error in the record (throttled, API_THROTTLE_REPORTS) when true.
ANONYMOUS_REPORTS = env_bool("ANONYMOUS_REPORTS", False)
# Imports of the record (interchange/, docs/import-format.md): the largest file taken, and how large a workbook
# (a zip archive) may unpack, so that a zip bomb is refused before it is read.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024, minimum=1024)

INSTALLED_APPS = [
    "raa_tracker",  # its AppConfig makes the embedded defaults' folders at start-up
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "parties",
    "accounts",
    "negotiations",
    "notifications",
    "record_cache",
    "analysis",
    "transfer",
    "interchange",
    "intake",
    "bench",
]

MIDDLEWARE = [
    "raa_tracker.middleware.HealthCheckMiddleware",
    "raa_tracker.middleware.WriteContextMiddleware",  # the channel and request id of the change log
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "raa_tracker.middleware.DatabaseOutageMiddleware",  # 503, not 500, while the database is down
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Repeated failed sign-ins lock the account and address out for a while (django-axes).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Benchmark runs mount the baselines under /bench/ and report query counts (never in production).
BENCH_BASELINES = env_bool("BENCH_BASELINES", False)
if BENCH_BASELINES:
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")

ROOT_URLCONF = "raa_tracker.urls"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "raa_tracker.wsgi.application"

DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True  # stored times are UTC

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development WhiteNoise serves straight from the app folders; production runs collectstatic into STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files clients ask for at the site's root (/favicon.ico), served by WhiteNoise before any view or database.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
CSRF_FAILURE_VIEW = "raa_tracker.urls.csrf_failure"

# E-mail: EMAIL_URL in django-environ syntax (smtp://user:pass@host:587, consolemail://, filemail:///abs/path).
_email = email_from_env()
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="raa-tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. REDIS_URL selects Redis; without it the broker is kombu's file-system
# transport under var/, which needs no server.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and urlsplit(REDIS_URL).scheme not in {"redis", "rediss"}:
    raise ImproperlyConfigured(f"REDIS_URL must start with redis:// or rediss://, got {REDIS_URL.split(':', 1)[0]!r}.")
# A Redis that refuses or hangs costs each call at most this (connect, then each reply), and is then left alone
# for CACHE_RETRY_SECONDS: the app goes on without it (raa_tracker.cache; README "When Redis is down").
CACHE_TIMEOUT_MS = env_int("CACHE_TIMEOUT_MS", 250, minimum=10)
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 5, minimum=1)
# The embedded broker's folders (no REDIS_URL); the test suite points its own at another (pyproject.toml).
CELERY_BROKER_DIR = BASE_DIR / env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery-broker"))
# Redis redelivers an unacknowledged task after this many seconds; retries are always scheduled well below it.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, float | str | bool]
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # Bounded waits, so that queueing from a request gives up quickly on a Redis that hangs. The workers'
        # BRPOP is read only once its socket is readable, so this does not cut its 1 s server-side wait short.
        "socket_connect_timeout": CACHE_TIMEOUT_MS / 1000,
        "socket_timeout": 0.5,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With the broker down a request gives up queueing quickly; the outbox row stays pending for the sweep.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Reminders: beat runs the sweep (run exactly one beat); deadlines are polled from the database.
NOTIFICATION_SWEEP_SECONDS = env_int("NOTIFICATION_SWEEP_SECONDS", 60, minimum=5)
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 6)
NOTIFICATION_RETRY_BASE_SECONDS = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 30, minimum=1)
NOTIFICATION_RETRY_MAX_SECONDS = env_int("NOTIFICATION_RETRY_MAX_SECONDS", 1800, minimum=1)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
# A notice claimed by a worker that then died is sent again after this many seconds.
NOTIFICATION_LEASE_SECONDS = env_int("NOTIFICATION_LEASE_SECONDS", 300, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# Webhooks to loopback addresses are refused unless this is true (development and tests).
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", False)
# The intake's fetches of articles and feeds (raa_tracker.outbound): each whole exchange, redirects included, ends
# after this many seconds and at this many bytes; loopback addresses are refused unless allowed (development).
INTAKE_FETCH_TIMEOUT_SECONDS = env_int("INTAKE_FETCH_TIMEOUT_SECONDS", 10, minimum=1)
INTAKE_FETCH_MAX_BYTES = env_int("INTAKE_FETCH_MAX_BYTES", 2_000_000, minimum=1024)
INTAKE_FETCH_ALLOW_LOOPBACK = env_bool("INTAKE_FETCH_ALLOW_LOOPBACK", False)
# Beat looks for feeds due to be polled this often (each feed has its own interval).
INTAKE_FEED_POLL_SECONDS = env_int("INTAKE_FEED_POLL_SECONDS", 60, minimum=1)
# host:port pairs that outbound requests may reach although private or local (the tests' own servers only).
OUTBOUND_ALLOWED_ADDRESSES = env_list("OUTBOUND_ALLOWED_ADDRESSES", "")
# The address of this site, for links in e-mails and feeds.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "raa_tracker.heartbeat", "schedule": 60.0},
    "enter-into-force": {"task": "negotiations.enter_into_force", "schedule": float(NOTIFICATION_SWEEP_SECONDS)},
    "sweep": {"task": "notifications.sweep", "schedule": float(NOTIFICATION_SWEEP_SECONDS)},
    "poll-feeds": {"task": "intake.poll_feeds", "schedule": float(INTAKE_FEED_POLL_SECONDS)},
    "digest": {"task": "notifications.digest", "schedule": crontab(minute=0, hour=NOTIFICATION_DIGEST_HOUR)},
    "stale-notices": {
        "task": "notifications.stale_notices",
        "schedule": crontab(minute=30, hour=NOTIFICATION_DIGEST_HOUR),
    },
}
# Workers are reported down when their last heartbeat is older than this (seconds).
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 180, minimum=60)

# A cache shared by web and workers: Redis when REDIS_URL is set, otherwise files under var/.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "raa_tracker.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Lists and pages built from the record are cached for this long (seconds), or until the record
# changes (record_cache: database triggers replace a generation token). 0 turns the cache off.
RECORD_CACHE_SECONDS = env_int("RECORD_CACHE_SECONDS", 600)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.PolicyPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "raa_tracker.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["raa_tracker.api.renderers.ORJSONRenderer", "raa_tracker.api.export.CSVRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "raa_tracker.api.export.FormatNegotiation",
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.api.throttling.AnonymousRateThrottle",
        "accounts.api.throttling.UserOrTokenRateThrottle",
    ],
    "EXCEPTION_HANDLER": "raa_tracker.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "ORDERING_PARAM": "ordering",
    "COERCE_DECIMAL_TO_STRING": False,
}
# Requests per client: "N/second|minute|hour|day"; per token (or user) and per address for anonymous clients.
API_THROTTLE_RATES = {
    "anonymous": env.str("API_THROTTLE_ANONYMOUS", default="120/minute"),
    "user": env.str("API_THROTTLE_USER", default="1200/minute"),
    # Error reports from anonymous visitors (ANONYMOUS_REPORTS), per address: dashboard and API together.
    "reports": env.str("API_THROTTLE_REPORTS", default="5/hour"),
}
for _scope, _rate in API_THROTTLE_RATES.items():
    _count, _, _period = _rate.partition("/")
    if not _count.isdigit() or _period not in {"second", "minute", "hour", "day", "s", "m", "h", "d"}:
        raise ImproperlyConfigured(f"API_THROTTLE_{_scope.upper()} must look like 120/minute, got {_rate!r}.")

SPECTACULAR_SETTINGS = {
    "TITLE": "RAA Tracker API",
    "DESCRIPTION": (
        "Agreements under negotiation: parties, status history, rounds, milestones and sources. "
        "Authenticate with `Authorization: Token <key>` or a browser session. Errors are RFC 9457 "
        "problem documents. Detail responses carry an ETag; send it as If-Match when you write."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "negotiations.choices.Status",
        "MilestoneStatusEnum": "negotiations.choices.MilestoneStatus",
        "DatePrecisionEnum": "negotiations.choices.DatePrecision",
        "ApprovalStatusEnum": "negotiations.choices.ApprovalStatus",
        "MilestoneKindEnum": "negotiations.choices.MilestoneKind",
        "NotificationKindEnum": "notifications.choices.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "raa_tracker.api.schema.add_problem_responses",
        "raa_tracker.api.schema.forbid_additional_properties",
    ],
}

# Security. Everything below is on whenever DEBUG is false, so that
# `manage.py check --deploy` passes on production settings.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
