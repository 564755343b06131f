"""Settings for kidal, read from the environment (see the README's Configuration section)."""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# The package's own files (templates, static files, translations) travel with it; what an
# installation writes (the SQLite file, the secret key in DEBUG, the export files, collected
# static files) goes to KIDAL_DATA_DIR: by default the checkout when run from one, else the
# current folder.
PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(
    os.environ.get("KIDAL_DATA_DIR")
    or (BASE_DIR if (BASE_DIR / "manage.py").exists() else Path.cwd())
)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def _secret_key():
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development key kept beside the code so sessions survive restarts.
    key_file = DATA_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kidal.apps.KidalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reversion",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "events",
    "sources",
    "mirror",
    "security",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page and 304s for readers' revalidations (see events/caching.py).
    "django.middleware.http.ConditionalGetMiddleware",
    # Readers' pages from the cache, before sessions and authentication run.
    "events.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a login refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Every response forbids inline scripts and styles and anything from another host: an
# editor's text that slips past escaping still cannot run or restyle a page. Styles live in
# static/kidal/; the admin's data for its scripts sits in non-executed JSON script elements.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "kidal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "kidal.wsgi.application"


def database(url):
    settings = dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")), conn_health_checks=True
    )
    if settings["ENGINE"] == "django.db.backends.postgresql":
        # The publication rule's nested subqueries look costly to the planner, which then
        # spends longer compiling them with JIT than running them; short queries gain nothing.
        settings.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    return settings


DATABASES = {
    "default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}")
}
# Streaming replicas of the database, for readers' pages (kidal/routers.py): comma-separated.
for number, url in enumerate(filter(None, os.environ.get("DATABASE_REPLICA_URLS", "").split(","))):
    DATABASES[f"replica{number + 1}"] = {**database(url.strip()), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["kidal.routers.ReaderPagesRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("CACHE_URL", "").startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "kidal.cache.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            # A cache that stops answering costs each request at most this long (then the
            # page is built without it), not a worker's whole timeout.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Sessions read from Redis, written through to the database: app servers share both and
    # keep nothing of their own, so any number of them can stand behind one proxy.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-axes watches every login first and refuses locked-out people and addresses.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Africa/Bamako"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"

# Whole-record exports are built into this folder (events/export_files.py), with the site's
# public address in their links; in the background after each publication unless turned off.
KIDAL_EXPORT_ROOT = Path(os.environ.get("KIDAL_EXPORT_ROOT", DATA_DIR / "exports"))
KIDAL_SITE_URL = os.environ.get("KIDAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
KIDAL_EXPORTS_IN_BACKGROUND = os.environ.get("KIDAL_EXPORTS_IN_BACKGROUND", "1") == "1"
# Public pages are cached for anonymous readers (events/caching.py); 0 turns it off, as the
# benchmark does to measure uncached pages.
KIDAL_PAGE_CACHE = os.environ.get("KIDAL_PAGE_CACHE", "1") == "1"
# The Ed25519 private key (a PEM file) that signs the manifest of a static mirror
# (manage.py build_mirror; mirror_key makes one).
KIDAL_MIRROR_SIGNING_KEY = os.environ.get("KIDAL_MIRROR_SIGNING_KEY", "")
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# The read API (api/): public, read-only JSON for everyone alike (no logins, so no previews),
# rate-limited per client address. KIDAL_API_RATE is "<requests>/<second|minute|hour|day>",
# or "off" (the benchmark measures the API unthrottled).
KIDAL_API_RATE = os.environ.get("KIDAL_API_RATE", "120/minute").strip()
if KIDAL_API_RATE.lower() == "off":
    KIDAL_API_RATE = None
elif not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", KIDAL_API_RATE):
    raise ImproperlyConfigured(
        'KIDAL_API_RATE must be "<requests>/<second|minute|hour|day>" or "off".'
    )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AddressRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kidal API",
    "DESCRIPTION": (
        "Read-only access to the public record of the 2023 Kidal offensive: exactly what "
        "the public pages show, reviewed and sourced."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Every content language field shares the one list of languages.
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": "events.models.CONTENT_LANGUAGES"},
    # Swagger UI's default validator badge would load an image from another host.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
}

# Login lockout (django-axes): after KIDAL_LOGIN_FAILURE_LIMIT failures within the cool-off,
# a username or a client address is locked out until it has made no attempt for the cool-off.
# Failures are counted per username and per address separately.
AXES_FAILURE_LIMIT = int(os.environ.get("KIDAL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KIDAL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# Masked in the attempts axes stores (with the password): a recovery code sent with a wrong
# password is still valid.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "security.addresses.client_address"
# How many reverse proxies in front of the app append the address they saw to
# X-Forwarded-For; 0 means the app is reached directly and REMOTE_ADDR is the client.
KIDAL_TRUSTED_PROXIES = int(os.environ.get("KIDAL_TRUSTED_PROXIES", "0"))

# Second factor (django-otp, TOTP with recovery codes) for everyone who logs in: required
# unless DEBUG is on, so the demo accounts work without it on a development machine.
KIDAL_REQUIRE_2FA = env_bool("KIDAL_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "kidal"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP connection may wait: a mail server that never answers must not hold a
# review step's request (events/workflow.py sends after the commit).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kidal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Four-eyes review: a one-person installation may allow approving one's own changes.
KIDAL_ALLOW_SELF_APPROVAL = env_bool("KIDAL_ALLOW_SELF_APPROVAL", False)

# A production configuration tried over plain http on one's own machine: no HTTPS redirect,
# no HSTS, cookies without the Secure flag (check --deploy says so). Never on a public address.
LOCAL_HTTP_TRIAL = env_bool("KIDAL_LOCAL_HTTP", False)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not LOCAL_HTTP_TRIAL)
    # Load balancers and orchestrators probe health over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^health/live$"]
    SESSION_COOKIE_SECURE = not LOCAL_HTTP_TRIAL
    CSRF_COOKIE_SECURE = not LOCAL_HTTP_TRIAL
    SECURE_HSTS_SECONDS = (
        0 if LOCAL_HTTP_TRIAL else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django's own console handler would print every django.* line a second time (it also
    # reaches the root's); its request lines under runserver keep their own handler.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
