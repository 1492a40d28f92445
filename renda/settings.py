"""Settings for renda. Every deployment-specific value comes from the environment (see README, 环境变量)."""

import hashlib
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env, envbool, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
TESTING = envbool("RENDA_TESTING", False)
# Secrets a server needs. Without them (and without DEBUG) the settings still load, so that tools that need no
# secret work on a bare checkout (`manage.py makemigrations --check`), but nothing serves or processes data: the web
# application, the Celery worker and beat refuse to start (renda.env.require_secrets), encryption refuses to run
# (core.crypto) and `check --deploy` reports them (ops.E004).
MISSING_SECRETS: list[str] = []
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-dev-key-only-for-make-run-and-tests"
    else:
        MISSING_SECRETS.append("SECRET_KEY")
        SECRET_KEY = secrets.token_urlsafe(50)  # this process's only: it signs nothing that is ever served

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_celery_beat",
    "axes",
    "core",
    "accounts",
    "organization",
    "deputies",
    "suggestions",
    "stations",
    "training",
    "duties",
    "reports",
    "ops",
    "engagement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "renda.middleware.SecurityHeadersMiddleware",
    "ops.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "renda.urls"
WSGI_APPLICATION = "renda.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL in production and tests, SQLite only for the `make run` demo.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/renda"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}


# PostgreSQL's JIT compiles a few millisecond queries for tens of milliseconds (the scope's long IN lists inflate the
# planner's costs past jit_above_cost): off, as usual for an OLTP application (bench/RESULTS.md). DB_OPTIONS overrides.
def _with_db_options(db: dict) -> dict:
    if db["ENGINE"].endswith("postgresql"):
        db.setdefault("OPTIONS", {})["options"] = env("DB_OPTIONS", "-c jit=off")
    return db


_with_db_options(DATABASES["default"])
# An optional read replica (PostgreSQL streaming replication) for the report builds: renda/db_routers.py.
if env("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = _with_db_options(
        dj_database_url.parse(
            env("DATABASE_REPLICA_URL"), conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["renda.db_routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrPhoneBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    # Staff, units, administrators: ≥ 12 characters, 3 of 4 classes; deputies ≥ 8 (accounts.passwords).
    {"NAME": "accounts.passwords.RolePasswordValidator"},
    {"NAME": "accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Passwords of staff, unit and administrator accounts expire (等保 2.0; OWASP ASVS differs, see docs/security.md).
PASSWORD_MAX_AGE_DAYS = envint("PASSWORD_MAX_AGE_DAYS", 90)
# Roles that must use a second factor (TOTP). Production default: administrators and office staff; off in the demo
# (DEBUG) and in tests unless set.
MFA_REQUIRED_ROLES = envlist("MFA_REQUIRED_ROLES", "" if (DEBUG or TESTING) else "admin,secadmin,staff")
# The audit log is kept this long (the law's minimum is 6 months; never below 183 days).
AUDIT_RETENTION_DAYS = max(183, envint("AUDIT_RETENTION_DAYS", 3 * 365))

# Sessions live in the database so that logging in works while Redis is down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", 30 * 60)
DEPUTY_SESSION_IDLE_SECONDS = envint("DEPUTY_SESSION_IDLE_SECONDS", 14 * 24 * 3600)
SESSION_COOKIE_AGE = max(SESSION_IDLE_SECONDS, DEPUTY_SESSION_IDLE_SECONDS)

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["renda.formats"]  # ISO dates first for input: what <input type="date"> shows and sends
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded files are served only through views that check permissions; there is no public MEDIA_URL.
MEDIA_URL = "/files/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Redis: cache and Celery broker. Short timeouts everywhere, so a stuck Redis never hangs a request.
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_SOCKET_TIMEOUT = float(env("REDIS_SOCKET_TIMEOUT", "1.0"))
if env("CACHE_BACKEND", "redis") == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "renda"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
if CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport, except that a queue item that is not a message is dropped, not fatal (renda.celery).
    CELERY_BROKER_TRANSPORT = "renda.celery:RedisTransport"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 1800)
# The longest time limit a task declares for itself (a report build): the visibility timeout outlasts both.
LONGEST_TASK_TIME_LIMIT = 1800
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any task's time limit, so an unacknowledged task is redelivered only after it must have died.
    "visibility_timeout": max(CELERY_TASK_TIME_LIMIT, LONGEST_TASK_TIME_LIMIT) + 600,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "max_retries": 1,
}
# Publishing a task must fail fast when Redis is down: the outbox sweeper delivers it later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": env("TOKEN_THROTTLE_RATE", "10/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "renda API",
    "DESCRIPTION": "县区人大代表工作平台 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name get explicit component names.
    "ENUM_NAME_OVERRIDES": {
        "AreaLevelEnum": "organization.models.Area.Level",
        "CongressLevelEnum": "organization.models.Congress.Level",
        "UnitKindEnum": "organization.models.HandlingUnit.Kind",
        "GroupKindEnum": "deputies.models.ActivityGroup.Kind",
    },
}
API_TOKEN_TTL_HOURS = envint("API_TOKEN_TTL_HOURS", 12)

# django-axes: lock a (username, address) pair after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = envbool("AXES_ENABLED", True)

# Personal data. ID numbers are encrypted with Fernet keys (comma-separated: the first encrypts, all decrypt,
# so keys can be rotated) and matched through an HMAC with ID_HASH_KEY.
FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS")
ID_HASH_KEY = env("ID_HASH_KEY")
if DEBUG or TESTING:
    # Development keys derived from the development SECRET_KEY, unless given.
    import base64

    _derived = hashlib.sha256(("renda-dev-fernet:" + SECRET_KEY).encode()).digest()
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [base64.urlsafe_b64encode(_derived).decode()]
    ID_HASH_KEY = ID_HASH_KEY or hashlib.sha256(("renda-dev-hmac:" + SECRET_KEY).encode()).hexdigest()
else:
    MISSING_SECRETS += [name for name in ("FIELD_ENCRYPTION_KEYS", "ID_HASH_KEY") if not globals()[name]]

# Notifications.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "renda@localhost")
SMS_BACKEND = env("SMS_BACKEND", "core.sms.LoggingSMSBackend")

# An upper congress's office may read the records of the congresses below it.
RENDA_UPPER_READS_LOWER = envbool("RENDA_UPPER_READS_LOWER", True)

# Training (local rules): a deputy outside a session's target who scans its code is refused or checked in and
# flagged for staff; the check-in code rotates every window (the previous window stays valid); late after the grace.
TRAINING_OUTSIDE_TARGET = env("TRAINING_OUTSIDE_TARGET", "flag")
if TRAINING_OUTSIDE_TARGET not in ("refuse", "flag"):
    raise ImproperlyConfigured("TRAINING_OUTSIDE_TARGET must be 'refuse' or 'flag'.")
TRAINING_QR_WINDOW_SECONDS = envint("TRAINING_QR_WINDOW_SECONDS", 60)
TRAINING_LATE_GRACE_MINUTES = envint("TRAINING_LATE_GRACE_MINUTES", 15)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Logs and error reports never carry ID numbers, phone numbers or passwords (core.security_logging).
    "filters": {"personal_data": {"()": "core.security_logging.PersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Operations logging (ops.logging): JSON lines carrying the request id, masked, rotated when LOG_FILE is set, and the
# last 200 errors kept for the administrators' page. LOG_FORMAT=text gives plain lines (the demo's default).
_ops_filters = ["request_id", "ops_personal_data"]
LOGGING.setdefault("filters", {}).update(
    {"request_id": {"()": "ops.logging.RequestIdFilter"}, "ops_personal_data": {"()": "ops.logging.PersonalDataFilter"}}
)
LOGGING.setdefault("formatters", {})["json"] = {"()": "ops.logging.JsonFormatter"}
LOGGING["handlers"]["console"]["filters"] = [*LOGGING["handlers"]["console"].get("filters", []), *_ops_filters]
if env("LOG_FORMAT", "text" if DEBUG else "json") == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
LOGGING["handlers"]["recent_errors"] = {
    "()": "ops.logging.RecentErrorsHandler",
    "level": "ERROR",
    "filters": _ops_filters,
}
LOGGING["root"]["handlers"] = [*LOGGING["root"]["handlers"], "recent_errors"]
if env("LOG_FILE"):
    LOGGING["handlers"]["file"] = {
        "class": "logging.handlers.RotatingFileHandler",
        "filename": env("LOG_FILE"),
        "maxBytes": envint("LOG_FILE_MAX_MB", 20) * 1024 * 1024,
        "backupCount": envint("LOG_FILE_BACKUPS", 10),
        "encoding": "utf-8",
        "formatter": "json",
        "filters": _ops_filters,
    }
    LOGGING["root"]["handlers"].append("file")
# Which health checks make GET /healthz answer 503 (ops.health); the others only show on /healthz/detail.
OPS_HEALTH_REQUIRED = envlist("OPS_HEALTH_REQUIRED", "database,redis,workers,beat,queue,disk")

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Stations (local rules): open constituents' messages are reminded after these ages in days; the public message
# form accepts at most STATIONS_MESSAGE_RATE messages per address per STATIONS_MESSAGE_RATE_WINDOW seconds.
STATIONS_MESSAGE_REMIND_DAYS = [int(d) for d in envlist("STATIONS_MESSAGE_REMIND_DAYS", "3,7")]
STATIONS_MESSAGE_RATE = envint("STATIONS_MESSAGE_RATE", 5)
STATIONS_MESSAGE_RATE_WINDOW = envint("STATIONS_MESSAGE_RATE_WINDOW", 3600)
