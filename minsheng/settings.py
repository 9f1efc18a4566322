"""The one settings module. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from core.files import private_dir, write_private
from core.storage_url import default_storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
# Files this process creates (database and its WAL, cache, uploads, backups, keys) are the owner's only.
os.umask(0o077)
VAR_DIR = private_dir(Path(os.environ.get("MINSHENG_VAR_DIR", BASE_DIR / "var")))


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random key generated once and kept under var/."""
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        write_private(path, secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
#: One switch for a production install (see README, 生产部署): HTTPS-only settings below, no demo accounts.
PRODUCTION = _env_bool("MINSHENG_PRODUCTION", False)
DEBUG = _env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "orgs",
    "catalogue",
    "responsibility",
    "funding",
    "reporting",
    "supervision",
    "upkeep",
    "disclosure",
    "portal",
    "documents",
    "jobs",
    "search",
    "evaluation",
    "alerts",
    "bulletins",
    "surveys",
    "dashboard",
    "api",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.logging.RequestLogMiddleware",  # deploy: user and unit in every log line of the request
    "core.db_router.ReplicaReadsMiddleware",  # deploy: read-only pages read from MINSHENG_REPLICA_URL
    "core.security.SessionIdleMiddleware",
    "orgs.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a lockout during authentication into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out account or client before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "minsheng.urls"
WSGI_APPLICATION = "minsheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    }
]

# SQLite (WAL) under var/ by default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'minsheng.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    # Tests use a file too (not shared-cache memory, whose table locks fail at once instead of waiting), so
    # the live server and background-job threads work as in production; one file per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

# --- PostgreSQL at scale (deploy): PgBouncer and a read replica. See docs/performance.md.
# MINSHENG_PGBOUNCER=1: connections go through PgBouncer in transaction mode, where a server-side cursor
# (.iterator() on PostgreSQL) cannot outlive its transaction: Django's are turned off.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _env_bool("MINSHENG_PGBOUNCER"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# MINSHENG_REPLICA_URL=postgres://…: the read-only pages below read from this replica (core/db_router.py).
if replica_url := os.environ.get("MINSHENG_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        replica_url, conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"].get(
        "DISABLE_SERVER_SIDE_CURSORS", False
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
#: URL names whose GET requests read from the replica (fnmatch patterns).
MINSHENG_REPLICA_VIEWS = [
    "reporting:progress",
    "reporting:ranking",
    "reporting:overdue",
    "catalogue:program_detail",
    "catalogue:program_diff",
    "catalogue:program_diff_xlsx",
    "catalogue:program_notice",
    "portal:*",
    "public-program*",
    *[v for v in os.environ.get("MINSHENG_REPLICA_VIEWS", "").split(",") if v],
]
# --- end PostgreSQL at scale

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's default hashers, plus a light one used only for machine-generated one-time passwords (orgs/hashers.py).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "orgs.hashers.OneTimePasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- Uploaded files (deploy): the file system under var/media by default; MINSHENG_STORAGE=s3://BUCKET?endpoint=…
# puts them on an S3-compatible object store (django-storages; see core/storage_url.py). Downloads always go
# through core.downloads under the policy, never a bucket URL. Backups (var/backups) stay on the file system.
_default_storage, MEDIA_ROOT = default_storage_from_url(
    os.environ.get("MINSHENG_STORAGE", ""), VAR_DIR / "media"
)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "core.storage.StaticStorage"},
}
MEDIA_URL = "/media/"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# --- end uploaded files

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION or _env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Shared office PCs: a session ends after MINSHENG_SESSION_IDLE_MINUTES (default 30) without a request
# (core.security.SessionIdleMiddleware pushes the end back, at most once a minute) and when the browser
# is closed.
SESSION_COOKIE_AGE = int(os.environ.get("MINSHENG_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

if PRODUCTION:
    # Served over HTTPS only, behind a reverse proxy that sets X-Forwarded-Proto (and strips it from clients).
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("DJANGO_HSTS_PRELOAD", True)

#: How many reverse proxies in front of the server append to X-Forwarded-For (0: use REMOTE_ADDR);
#: decides the client address used by login lockouts and the public feedback limits.
MINSHENG_PROXY_COUNT = int(os.environ.get("MINSHENG_PROXY_COUNT", "1" if PRODUCTION else "0"))

# A strict Content-Security-Policy on every response: only our own scripts, styles, images and fonts;
# no inline script or style, no eval. Bootstrap's CSS draws its icons with data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account (from anywhere)
# or from one client address (for any account), further attempts are refused for the cool-off time, even
# with the right password. 系统管理员 unlocks in 系统设置 → Axes → Access attempts, or `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = int(os.environ.get("MINSHENG_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("MINSHENG_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A lockout lasts the cool-off time from the failure that caused it; attempts while locked are not counted.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
# Masked in the stored attempts and the log (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.PolicyPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    # Translated by the request's language (the language cookie, or ?lang=en|zh-hans on /api/schema/).
    "TITLE": _("民生工程管理系统 API"),
    "DESCRIPTION": _(
        "读写民生工程的年度计划、项目、责任分工与目标、资金、月度调度报表、监督整改、长效管护和宣传公示；"
        "每个接口都只返回和接受调用者的角色与单位有权访问的数据。用 POST /api/token/ 取得令牌"
        "（请求头 Authorization: Token …），或使用已登录的会话。金额以元为单位（十进制字符串），"
        "页面上以万元显示。"
    ),
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI puts them as links inside each operation's toggle button (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.document_errors"],
    # One name per choice set (without these the schema gets generated names and `check` warns).
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "reporting.models.Status",
        "FundingSourceEnum": "funding.models.Source",
        "FindingSourceEnum": "supervision.models.Finding.Source",
        "FindingStatusEnum": "supervision.models.Finding.Status",
        "ProgramStatusEnum": "catalogue.models.Program.Status",
        "ProposalStatusEnum": "catalogue.models.ProjectProposal.Status",
        "LetterStatusEnum": "responsibility.models.Letter.Status",
        "EvaluationStatusEnum": "evaluation.models.Status",
        "AssessmentRunStatusEnum": "evaluation.models.RunStatus",
        "AssessmentAppliesEnum": "evaluation.models.Applies",
        "AssessmentSampleSourceEnum": "evaluation.models.SampleSource",
    },
}

# API tokens (django-rest-knox): only a hash is stored; a token expires MINSHENG_API_TOKEN_HOURS after it
# was issued by POST /api/token/.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=int(os.environ.get("MINSHENG_API_TOKEN_HOURS", "10"))),
    "AUTH_HEADER_PREFIX": "Token",
}

# A file cache shared by the server's worker processes (rate limits of the public feedback form).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache",
    }
}

# E-mail (reminders) only where an SMTP server is configured; government intranets often have none.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "minsheng@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_403": {"()": "core.logging.QuietPermissionDenied"}},  # 403: one line, no traceback
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["quiet_403"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
# --- JSON logs (deploy): MINSHENG_LOG_FORMAT=json (the default in production) writes one JSON line per event on
# stdout, each with the request's user, role and unit (core.logging.RequestContext), and one "request" event per
# request (core.logging.RequestLogMiddleware: method, path, status, duration_ms) for journald / a log collector.
LOG_FORMAT = os.environ.get("MINSHENG_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING["filters"]["request_context"] = {"()": "core.logging.RequestContext"}
LOGGING["handlers"]["console"]["filters"].append("request_context")
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {
        "json": {"()": "core.logging.JsonFormatter", "fmt": "%(levelname)s %(name)s %(message)s"}
    }
    LOGGING["handlers"]["console"].update(formatter="json", stream="ext://sys.stdout")
    LOGGING["loggers"] = {"minsheng.request": {"level": "INFO"}}
# --- end JSON logs

# Shown in the page header; the district and the program noun are data, this is only the site name.
SITE_TITLE = os.environ.get("MINSHENG_SITE_TITLE") or _("民生工程管理系统")

# Excel batch entry: sheets with more data rows than this are checked and imported in the background
# (jobs app), with a progress page.
REPORTING_IMPORT_BACKGROUND_ROWS = int(os.environ.get("REPORTING_IMPORT_BACKGROUND_ROWS", "300"))
# exports (进度表 Excel/PDF, the government roll-up) with more rows are made by a worker (jobs.exports)
EXPORT_BACKGROUND_ROWS = int(os.environ.get("EXPORT_BACKGROUND_ROWS", "1000"))

# --- background tasks and scheduled jobs (jobs app) -----------------------------------------------------------
# Django's Tasks API (the django-tasks backport until Django 6). The default backend keeps the queue in this
# database (django-tasks-db: SQLite with one worker, PostgreSQL with several, SELECT … FOR UPDATE SKIP LOCKED);
# MINSHENG_TASKS_BACKEND names another backend class (see README, "后台任务"). Workers: manage.py run_worker;
# the scheduler: manage.py run_scheduler.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("MINSHENG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],  # any queue name
    }
}
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("MINSHENG_WORKER_HEARTBEAT_SECONDS", "5"))
#: A worker with no heartbeat for this long is dead: its running jobs are re-queued or marked interrupted.
JOBS_WORKER_DEAD_AFTER = float(os.environ.get("MINSHENG_WORKER_DEAD_AFTER_SECONDS", "30"))
JOBS_SWEEP_SECONDS = float(os.environ.get("MINSHENG_SWEEP_SECONDS", "10"))
JOBS_MAX_ATTEMPTS = int(os.environ.get("MINSHENG_JOB_MAX_ATTEMPTS", "3"))
JOBS_RETRY_BACKOFF_SECONDS = float(os.environ.get("MINSHENG_JOB_RETRY_BACKOFF_SECONDS", "10"))
JOBS_RESULTS_KEEP_DAYS = int(os.environ.get("MINSHENG_JOB_RESULTS_KEEP_DAYS", "30"))
MINSHENG_REMINDER_DAYS = int(os.environ.get("MINSHENG_REMINDER_DAYS", "3"))
#: Programs with more responsible units than this draft all their letters in the background (a province).
RESPONSIBILITY_LETTERS_BACKGROUND_UNITS = int(
    os.environ.get("RESPONSIBILITY_LETTERS_BACKGROUND_UNITS", "100")
)
#: The load balancer's probe of /health/ may come over plain HTTP behind the proxy: not redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
#: The health endpoint answers 503 below this much free disk under VAR_DIR.
HEALTH_MIN_FREE_MB = int(os.environ.get("MINSHENG_HEALTH_MIN_FREE_MB", "500"))


def _schedule(name: str, default: str) -> dict[str, object]:
    """MINSHENG_SCHEDULE_<NAME>: "HH:MM" (daily), "every:N" (minutes) or "off"."""
    value = os.environ.get(f"MINSHENG_SCHEDULE_{name.upper()}", default).strip()
    if value == "off":
        return {"enabled": False}
    if value.startswith("every:"):
        return {"every_minutes": int(value.removeprefix("every:"))}
    return {"at": value}


MINSHENG_SCHEDULE = {
    "reminders": _schedule("reminders", "08:00"),
    "summaries": _schedule("summaries", "01:30"),
    "integrity": _schedule("integrity", "02:00"),
    "backup": _schedule("backup", "03:00"),
    "cleanup": _schedule("cleanup", "04:00"),
    "alert_digest": _schedule("alert_digest", "07:30"),  # hook: runs once an app registers "alert_digest"
}
