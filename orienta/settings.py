"""Orienta settings: one file, read from the environment."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEMO = env_bool("ORIENTA_DEMO")
# A site node (SYNC.md): the same code on its own database, syncing with the central server.
ORIENTA_NODE = env_bool("ORIENTA_NODE")
DEBUG = env_bool("DEBUG", default=False)
INSECURE_DEFAULT_KEY = "orienta-demo-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY == INSECURE_DEFAULT_KEY:
    if not DEMO:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or is the demo default. Set a long random SECRET_KEY, "
            "or set ORIENTA_DEMO=1 to run the demo."
        )
    SECRET_KEY = INSECURE_DEFAULT_KEY

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS and (DEMO or DEBUG):
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # The task queue's table (TASK_BACKEND below).
    "django_tasks_db",
    "orienta.core",
    "orienta.accounts",
    "orienta.people",
    "orienta.frontdesk",
    "orienta.audit",
    "orienta.directory",
    "orienta.cases",
    "orienta.referrals",
    "orienta.fund",
    "orienta.families",
    # Community work: sessions, fairs, trainings (counts feed the results below).
    "orienta.outreach",
    # Partner CSOs: profiles, capacity assessments, plans, sub-grants, funding applications.
    "orienta.partners",
    # Civil society networks: the resource centre, the GTPS, the diagnostics.
    "orienta.networks",
    # Results: reads every app above through the indicators they declare.
    "orienta.reporting",
    # Integrations: webhooks to partner systems (referral and case events), DHIS2 pushes.
    "orienta.webhooks",
    # Offline sites: the change journal, node enrolment and the exchange with site nodes.
    "orienta.sync",
    # Field-form imports (KoboToolbox, ODK): creates records through the services above.
    "orienta.imports",
    # SMS to beneficiaries and providers, through a pluggable gateway.
    "orienta.sms",
    # Project level, above the domain apps: the demonstration data and its commands.
    "orienta.demo",
]
# The benchmark (`manage.py bench`, `generate`) is a development tool, not part of a deployment:
# installed only when ORIENTA_BENCH=1 (`make bench` sets it) and under pytest (its tests).
if env_bool("ORIENTA_BENCH") or "pytest" in sys.modules:
    INSTALLED_APPS.append("orienta.bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compress pages and assets for 2G links (CSRF tokens are masked per request against BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Nothing Django answers is cached; static files (answered just above) are.
    "orienta.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "orienta.accounts.middleware.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "orienta.accounts.middleware.TwoFactorMiddleware",
    "orienta.core.middleware.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "orienta.audit.middleware.RefusedAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a lockout into the answer of `AXES_LOCKOUT_CALLABLE`.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "orienta.urls"
# A form refused by the CSRF check gets a page in the site's look that says what to do.
CSRF_FAILURE_VIEW = "orienta.core.errors.csrf_failure"
WSGI_APPLICATION = "orienta.wsgi.application"
# Form fields are drawn with Django's own Jinja2 templates of its widgets, several times faster
# than the template language (orienta/lib/widgets.py).
FORM_RENDERER = "orienta.lib.widgets.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "orienta" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orienta.core.context_processors.orienta",
                "orienta.core.context_processors.access",
            ],
        },
    },
]


def database(url: str) -> dj_database_url.DBConfig:
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;",
            }
        )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Parameters sent apart from the query, as PostgreSQL's protocol allows, instead of
        # quoted into it by psycopg in Python: 3 % less CPU a request in the benchmark's mix,
        # and a query text the server can prepare once. A statement that takes no parameter
        # of the protocol's (SET, DDL) must compose its SQL itself (Django's migrations do).
        config.setdefault("OPTIONS", {})["server_side_binding"] = True
    return config


DATABASES = {
    "default": database(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'orienta.sqlite3'}")
    )
}
# Several app servers on one PostgreSQL: a read replica for the reads that are marked as
# report reads (orienta/lib/replica.py); everything else stays on DATABASE_URL. Tests use the
# primary for it (TEST MIRROR), and no session ever writes through it (read-only transactions).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database(os.environ["DATABASE_REPLICA_URL"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = (
            "-c default_transaction_read_only=on"
        )
    DATABASE_ROUTERS = ["orienta.lib.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Argon2id at the ASVS minimum (19 MiB, t=2, p=1): see orienta/accounts/hashers.py.
PASSWORD_HASHERS = [
    "orienta.accounts.hashers.Argon2SmallServerHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("pt", _("Portuguese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_NAME = "orienta_language"
# Where a language's formats differ from Django's (dates in `<input type="date">` are ISO).
FORMAT_MODULE_PATH = ["orienta.formats"]

# Counters shared by the server's worker processes (rate limits of the provider links): files on
# the server's own disk, as a single-server deployment has; CACHE_DIR moves them. Several app
# servers share them: CACHE_DIR on their shared storage, or CACHE_BACKEND=database (a table
# made by `manage.py createcachetable`, on the primary database).
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "file").strip().lower()
# The results keep about forty tables a dashboard (every indicator, its months and splits) and
# count a dozen dashboards ahead: Django's default of 300 entries would drop them at random.
CACHE_MAX_ENTRIES = 20_000
if CACHE_BACKEND == "file":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
        }
    }
elif CACHE_BACKEND == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "orienta_cache",
            "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_BACKEND is {CACHE_BACKEND!r}: use 'file' (the default, in CACHE_DIR) or "
        "'database' (after `manage.py createcachetable`)."
    )

# Work a request hands off (SMS, webhooks, DHIS2 pushes) goes through Django's task framework
# (`django.tasks`): "database" queues it in a table of the primary database, run by
# `manage.py db_worker` (deploy/systemd/orienta-worker.service; `make run` starts one);
# "immediate" runs it at once, inside the request (the tests).
TASK_BACKEND = (
    os.environ.get("TASK_BACKEND", "immediate" if "pytest" in sys.modules else "database")
    .strip()
    .lower()
)
if TASK_BACKEND == "database":
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default"],
            "OPTIONS": {"id_function": "uuid6.uuid7"},
        }
    }
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASK_BACKEND is {TASK_BACKEND!r}: use 'database' (the queue, run by "
        "`manage.py db_worker`) or 'immediate' (at once, in the request)."
    )

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# Uploaded files (payment receipts...): personal data, never served as static files; views that
# check the caller's scope stream them. Included in the encrypted backups.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Absolute links that leave the server (the QR code on a referral slip): this origin, e.g.
# https://orienta.example.org; without it, the origin of the request that printed the slip.
ORIENTA_PUBLIC_URL = os.environ.get("ORIENTA_PUBLIC_URL", "").rstrip("/")
# Results: counts from 1 to this minus one are suppressed wherever the persons may not be seen
# (M&E, exports); the default age bands of the results (a page or an API call may give others).
ORIENTA_SUPPRESSION_THRESHOLD = int(os.environ.get("ORIENTA_SUPPRESSION_THRESHOLD", "5"))
ORIENTA_AGE_BANDS = os.environ.get("ORIENTA_AGE_BANDS", "0-14,15-24,25-35,36-59,60+")
# Results' figures are kept this many seconds in the cache the workers share (0: computed on
# every request); the scheduled tasks compute the most opened dashboards ahead.
ORIENTA_RESULTS_CACHE_SECONDS = int(os.environ.get("ORIENTA_RESULTS_CACHE_SECONDS", "1200"))
# SMS (orienta/sms, docs/deploy.md): the gateway class, its account, the secret its callbacks
# carry, and the price of one SMS per country for the gateways that do not report theirs.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "orienta.sms.gateways.ConsoleBackend")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_AUTH_HEADER = os.environ.get("SMS_HTTP_AUTH_HEADER", "Authorization")
SMS_HTTP_AUTH_VALUE = os.environ.get("SMS_HTTP_AUTH_VALUE", "")
SMS_TWILIO_ACCOUNT_SID = os.environ.get("SMS_TWILIO_ACCOUNT_SID", "")
SMS_TWILIO_AUTH_TOKEN = os.environ.get("SMS_TWILIO_AUTH_TOKEN", "")
SMS_TWILIO_FROM = os.environ.get("SMS_TWILIO_FROM", "")
SMS_TWILIO_API_URL = os.environ.get("SMS_TWILIO_API_URL", "")
SMS_INBOUND_SECRET = os.environ.get("SMS_INBOUND_SECRET", "")
SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "5"))
SMS_COST_PER_SEGMENT = dict(
    pair.strip().split("=", 1)
    for pair in os.environ.get("SMS_COST_PER_SEGMENT", "").split(",")
    if "=" in pair
)
SMS_COST_CURRENCY = os.environ.get("SMS_COST_CURRENCY", "USD")
STATICFILES_DIRS = [BASE_DIR / "orienta" / "static"]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# In production, after `manage.py collectstatic`, ORIENTA_STATIC_MANIFEST=1 serves static files
# under content-hashed names, compressed (gzip and Brotli), cached by browsers for a year: a
# later visit on a slow link asks nothing of them. Development and tests serve them from the
# source folders, looked up when asked for (autorefresh): STATIC_ROOT, which only
# collectstatic fills, is not read at start-up, so its absence is no warning.
if env_bool("ORIENTA_STATIC_MANIFEST"):
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    WHITENOISE_USE_FINDERS = False
else:
    WHITENOISE_AUTOREFRESH = True

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before any password is checked.
    "orienta.accounts.backends.LockoutBackend",
    # Django's ModelBackend, reading the signed-in user with a statement written once.
    "orienta.accounts.backends.UserBackend",
]

# Sign-in lockout (django-axes): the 6th failure in a row (a wrong password, or a wrong
# two-factor code, on a page or on the API) blocks signing in for 30 minutes.
# Locked: the pair username + client address. Not the address alone: a BIOSP office, and a
# mobile operator's carrier-grade NAT, put many agents behind one public address, and one
# agent's typos would lock the whole office out. Not the username alone: usernames are easy to
# guess (agent-td…), and anyone anywhere could then keep a coordinator locked out on a field
# day. A guesser gets 6 tries per account per address per half hour; the accounts that see
# most (managers, coordinators, M&E, administrators) also need a second factor.
AXES_FAILURE_LIMIT = 6
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not restart it: the "30 minutes" the page announces hold.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "orienta.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy every request comes from the proxy: PROXY_COUNT proxies (that set
# X-Forwarded-For) are skipped to find the client's address, for the lockout and the access log
# alike (one rule: orienta.audit.services.client_ip).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
ACCESS_LOG_PROXY_COUNT = PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "orienta.audit.services.client_ip"

# Two-factor authentication (django-otp, TOTP): see orienta/accounts/twofactor.py.
OTP_TOTP_ISSUER = "Orienta"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret

# A session ends after 30 minutes without a request, and 12 hours after sign-in at most
# (orienta/accounts/sessions.py); the cookie lasts no longer than the longest session.
# Django's database sessions, read by a statement written once (accounts/session_store.py).
SESSION_ENGINE = "orienta.accounts.session_store"
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not (DEMO or DEBUG))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS only, outside demo and debug: redirect plain HTTP (but the health check, which a load
# balancer may probe over HTTP), and tell browsers to come back over HTTPS for a year.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not (DEMO or DEBUG))
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEMO or DEBUG else str(365 * 24 * 3600))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=bool(SECURE_HSTS_SECONDS))
# Behind a TLS-terminating proxy: the header it sets on HTTPS requests, e.g.
# SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https". Set it only if the proxy overwrites it.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _header, _colon, _value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(":")
    _header = _header.strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (
        _header if _header.startswith("HTTP_") else f"HTTP_{_header}",
        _value.strip(),
    )

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# The largest field-form export (KoboToolbox, ODK) `/imports/` accepts.
ORIENTA_IMPORT_MAX_BYTES = int(os.environ.get("ORIENTA_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

# API tokens live this long after issue.
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "12"))
# Integrations (orienta/webhooks): calls to addresses users typed go to public addresses only;
# the tests' fake servers on 127.0.0.1 need ORIENTA_OUTBOUND_ALLOW_LOOPBACK (never in production).
ORIENTA_OUTBOUND_ALLOW_LOOPBACK = env_bool("ORIENTA_OUTBOUND_ALLOW_LOOPBACK")
# The key that seals the integrations' secrets (webhook secrets, DHIS2 credentials); without
# it, a key derived from SECRET_KEY (orienta/webhooks/sealing.py).
ORIENTA_INTEGRATIONS_KEY = os.environ.get("ORIENTA_INTEGRATIONS_KEY", "")
ORIENTA_INTEGRATIONS_KEY_FALLBACKS = [
    k for k in os.environ.get("ORIENTA_INTEGRATIONS_KEY_FALLBACKS", "").split(",") if k
]
# A webhook is tried this many times, the first retry after the base delay, then twice as long
# each time; a subscription failing this many attempts in a row is disabled.
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
WEBHOOK_RETRY_BASE_SECONDS = int(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "60"))
WEBHOOK_DISABLE_AFTER = int(os.environ.get("WEBHOOK_DISABLE_AFTER", "10"))
WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Finished deliveries are kept this many days in the log.
WEBHOOK_LOG_DAYS = int(os.environ.get("WEBHOOK_LOG_DAYS", "90"))
# E-mail (a webhook disabled after failures is told to the administrators): the server's SMTP
# relay, by default the mail server of the machine itself.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "orienta@localhost")

# Free text is bounded everywhere (notes, addresses): a slow link should never carry novels.
MAX_NOTE_LENGTH = 4000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
