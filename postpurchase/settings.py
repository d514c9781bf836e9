"""Settings read from the environment only (12-factor).

With nothing set, the embedded defaults serve a demo: a SQLite file, Celery tasks run in-process,
SMS and email printed to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# A demo deployment without DEBUG: superusers may simulate carrier scans from the admin.
DEMO_MODE = env.bool("DEMO_MODE", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY", default="insecure-embedded-default-for-make-run-only"
)  # refused by check --deploy
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The origin used in links sent by SMS and email, where no request is at hand.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The merchant console is the Django admin dressed by unfold: it must come before django.contrib.admin.
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "common",
    "brands",
    "orders",
    "tracking",
    "notifications",
    "returns",
    "loyalty",
    "offers",
    "support",
    "feedback",
    "demo",
    "console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.static.StaticFilesMiddleware",
    "common.custom_domains.CustomDomainMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "brands.middleware.StaffBrandTimezoneMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "postpurchase.urls"
WSGI_APPLICATION = "postpurchase.wsgi.application"

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

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering must not hold shopper pages: fail fast, fall back to Postgres.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The shopper forms' limit counters: Redis shared by every web node, this process's memory while
# Redis is down (common/ratelimits.py), so an outage never turns the forms into errors.
CACHES["ratelimit"] = (
    {
        "BACKEND": "common.ratelimits.FailoverRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
)
RATELIMIT_USE_CACHE = "ratelimit"
# The reverse proxies in front of the app, whose X-Forwarded-For is believed: how many there are
# (TRUSTED_PROXY_COUNT) and/or their addresses or networks (TRUSTED_PROXIES). None by default:
# the client is then the socket address and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff accounts. A role's permissions hold only in the brand where it is held (brands.permissions);
# repeated failed logins lock a username from an address out (django-axes, the address resolved like
# the shopper forms' limits); staff may add a two-factor code (django-otp); the console speaks each
# staff member's own language.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "brands.staff_language.StaffLanguageMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("brands.staff_language.StaffLanguageMiddleware") + 1,
    "brands.two_factor.TwoFactorEnrolmentMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "brands.permissions.BrandRoleBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "common.ratelimits.client_ip"
AXES_RESET_ON_SUCCESS = True
# A lock lifts by itself; to lift one sooner: `manage.py axes_reset_username <username>`.
AXES_ENABLE_ADMIN = False
# Lockouts and logins are logged as warnings; the per-start banner and per-login lines would drown `make run`.
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "brands/staff/locked_out.html"
OTP_TOTP_ISSUER = "postpurchase"
STAFF_INVITATION_DAYS = 7

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ro", _("Romanian")), ("pl", _("Polish")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Date-times name their zone ("EET", "UTC"): the console shows each brand's own time.
FORMAT_MODULE_PATH = ["postpurchase.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# With DEBUG off, pages link each file under a name carrying its content hash (the manifest
# staticfiles.json, written by collectstatic with gzip and brotli copies of every file), served with a
# year's `immutable` cache (common/static.py). collectstatic is therefore part of every deployment:
# the Dockerfile runs it at build time, `make run` when DEBUG is off.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
# Only the hashed copies are kept (and compressed); a plain name is still found through the finders.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps are read only by browsers' developer tools: not worth compressing at every build.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Names without a hash (asked for directly, never linked by our pages) may change under the same name.
WHITENOISE_MAX_AGE = 60

# Request bodies above this are refused before any parsing: webhooks and API calls are small.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=512 * 1024)
WEBHOOK_MAX_BODY_BYTES = env.int("WEBHOOK_MAX_BODY_BYTES", default=512 * 1024)
# Raw bodies of verified webhook calls are blanked after this many days (re-processing needs them).
WEBHOOK_BODY_RETENTION_DAYS = env.int("WEBHOOK_BODY_RETENTION_DAYS", default=30)
# Shoppers' photos of damaged or wrong items, each at most this many bytes.
RETURNS_PHOTO_MAX_BYTES = env.int("RETURNS_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["brands.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["brands.authentication.HasBrandApiKey"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["common.api.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "common.api.BoundedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["common.api.BrandKeyThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_RATE_LIMIT", default="1200/min")},
    "DEFAULT_SCHEMA_CLASS": "common.api_schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "postpurchase API",
    "DESCRIPTION": "Orders, shipments, tracking events, returns and discount codes of one brand. "
    "Authenticate with `Authorization: Bearer <key>` (see `manage.py create_api_key`); a key sees "
    "only its own brand, anything else is a 404. Lists are pages of at most 100 rows "
    "(`limit`, `offset`); request bodies are JSON of at most `API_MAX_BODY_BYTES` (512 KiB by "
    "default); every error is `{detail, code}`, with `errors` per field for invalid input.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Requests and answers are described apart, so a required text says it may not be blank.
    "COMPONENT_SPLIT_REQUEST": True,
    # Enum values are codes that speak for themselves (ISO currencies and countries, statuses).
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "ReturnStatusEnum": "returns.statuses.ReturnStatus.values",
        "ShipmentStatusEnum": "tracking.statuses.ShipmentStatus.values",
    },
}

# Celery: with no broker named, tasks run in-process so `make run` needs nothing else.
# RabbitMQ instead of Redis: CELERY_BROKER_URL=amqp://… (REDIS_URL then serves only the cache).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker outlives any broker outage: it reconnects for ever (Celery's default gives up after 100
# tries, about 45 minutes, and exits). A task running when the connection drops finishes; its late
# acknowledgement is lost, so it is redelivered and finds its outbox row already sent.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {
    # Carrier and store webhooks stored by the web tier, normalized here (and their lost-task relay).
    "tracking.ingest_webhook": {"queue": "ingest"},
    "tracking.relay_webhooks": {"queue": "ingest"},
    "tracking.*": {"queue": "scheduled"},
    "notifications.send": {"queue": "notifications"},
    "notifications.sweep": {"queue": "scheduled"},
    "loyalty.*": {"queue": "scheduled"},
    "offers.*": {"queue": "scheduled"},
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Stored webhooks whose task was lost (the broker was down when they came) are processed here.
    "tracking-relay-webhooks": {"task": "tracking.relay_webhooks", "schedule": 5.0},
    "tracking-flag-late-and-stuck": {"task": "tracking.flag_late_and_stuck", "schedule": 15 * 60.0},
    "tracking-sweep-unmatched-webhooks": {"task": "tracking.sweep_unmatched_webhooks", "schedule": 10 * 60.0},
    "tracking-retry-failed-reactions": {"task": "tracking.retry_failed_reactions", "schedule": 60.0},
    # Page views and content impressions counted in Redis; the dashboard lags by at most this period.
    "tracking-flush-page-counters": {"task": "tracking.flush_page_counters", "schedule": 60.0},
    "tracking-purge-webhook-bodies": {"task": "tracking.purge_webhook_bodies", "schedule": 60 * 60.0},
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 60.0},
    "returns-requeue-webhooks": {"task": "returns.requeue_webhooks", "schedule": 5 * 60.0},
    "loyalty-expire-points": {"task": "loyalty.expire_points", "schedule": 6 * 60 * 60.0},
    "offers-recompute-recommendations": {
        "task": "offers.recompute_recommendations",
        "schedule": 6 * 60 * 60.0,
    },
    "offers-send-occasions": {"task": "offers.send_occasions", "schedule": 60 * 60.0},
    "feedback-send-nps-requests": {"task": "feedback.send_nps_requests", "schedule": 60 * 60.0},
    "support-write-staff-digests": {"task": "support.write_staff_digests", "schedule": 60 * 60.0},
}

# Outbound messages: console unless the environment names a provider.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="postpurchase <no-reply@localhost>")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
# Twilio's API host; a local stand-in for load tests and end-to-end tests.
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com")

LOGIN_URL = "admin:login"
# Signing in at /admin/login/ without ?next= lands on the console, not on a profile page the product has none of.
LOGIN_REDIRECT_URL = "admin:index"

# The merchant console (unfold over the Django admin); navigation and dashboard live in the console app.
UNFOLD = {
    "SITE_TITLE": "postpurchase",
    "SITE_HEADER": "postpurchase",
    "SITE_SUBHEADER": _("Merchant console"),
    "SITE_URL": None,
    "SITE_SYMBOL": "local_shipping",
    "DASHBOARD_CALLBACK": "console.dashboard.dashboard_callback",
    "SHOW_VIEW_ON_SITE": True,
    "SHOW_HISTORY": True,
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": "console.navigation.sidebar",
    },
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
