"""Django settings, read from the environment (see .env.example).

Local development needs nothing set beyond DEBUG=true (`make run` does that);
production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and SITE_URL.
"""

from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from cme.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_rate_limits,
    env_secret_key,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret_key("SECRET_KEY", debug=DEBUG, dev_default="django-insecure-local-development-only")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off (comma-separated host names).")
if not DEBUG and any(host == "*" or host.startswith("*") for host in ALLOWED_HOSTS):
    # A wildcard lets a forged Host header put an attacker's domain into password-reset links.
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts when DEBUG is off, not a wildcard.")

# The public address of the site, printed on certificates and in their QR codes,
# so production must state it: an https origin with no path.
# In development it is the address `make run` serves on (PORT), so certificates
# issued there verify against the server that issued them.
SITE_URL = env_url("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}" if DEBUG else "")
if not DEBUG and (urlsplit(SITE_URL).scheme != "https" or urlsplit(SITE_URL).path not in ("", "/")
                  or urlsplit(SITE_URL).query or urlsplit(SITE_URL).fragment):  # fmt: skip
    raise ImproperlyConfigured(
        f"SITE_URL must be an https:// origin such as https://cme.example.org (got {SITE_URL!r})."
    )
SITE_NAME = env_str("SITE_NAME", "Oncology CME")
# Whom learners write to about their data: shown on /privacy/, which every page's footer links to.
# When unset, the page sends them to the accredited provider named on each activity page.
SITE_CONTACT_EMAIL = env_str("SITE_CONTACT_EMAIL", "")
SITE_CONTACT_PHONE = env_str("SITE_CONTACT_PHONE", "")
SITE_CONTACT_ADDRESS = env_str("SITE_CONTACT_ADDRESS", "")  # postal address, on one line
CSRF_TRUSTED_ORIGINS = [f"{urlsplit(SITE_URL).scheme}://{urlsplit(SITE_URL).netloc}"]

INSTALLED_APPS = [
    "cme.apps.StaffAdminConfig",  # django.contrib.admin, signing in through allauth with 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "cme",
    "accounts",
    "activities",
    "quizzes",
    "credits",
    "journey",  # the learner journey: above activities, quizzes and credits
    "outcomes",  # outcomes reports (Moore levels 1–5): above quizzes and credits, beside journey
    "pars",  # ACCME reporting: learner completions and activity data for PARS, beside outcomes
    "notifications",
    "audit",  # the action log: below every app, which all record into it
    "credentials",  # verifiable credentials: Data Integrity proofs (eddsa-rdfc-2022)
]

MIDDLEWARE = [
    "cme.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.RequestContextMiddleware",  # who and from where, for the action log
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cme.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "cme.urls"
WSGI_APPLICATION = "cme.wsgi.application"

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
                "cme.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# allauth's rate limits count attempts in the cache, so every worker process
# must see the same cache: Redis when REDIS_URL is set, the database otherwise.
# Cached pages (activities.page_cache) live in their own cache, "pages", so a flood
# of them can never push out a rate-limit counter or a session: PAGE_CACHE_URL
# names a Redis for them (best run with allkeys-lru), else REDIS_URL's with its
# own key prefix, else a database table of its own.
REDIS_URL = env_str("REDIS_URL")
PAGE_CACHE_URL = env_str("PAGE_CACHE_URL", REDIS_URL)
# Each signed-in learner's own pages are cached too, but only in a Redis kept for pages
# (PAGE_CACHE_URL, allkeys-lru): thousands of learners' pages would crowd the shared pages
# out of the database cache, or fill the Redis that holds sessions and the task queue.
CACHE_LEARNER_PAGES = bool(env_str("PAGE_CACHE_URL"))
TASK_QUEUE_URL = env_str("TASK_QUEUE_URL")  # see TASKS below
for _name, _url in (("REDIS_URL", REDIS_URL), ("PAGE_CACHE_URL", PAGE_CACHE_URL), ("TASK_QUEUE_URL", TASK_QUEUE_URL)):
    if _url and urlsplit(_url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"{_name} must start with redis://, rediss:// or unix:// (got {_url!r}).")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "cme.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions live beside the cache: every app server sees them, and a page view
    # costs no database write. Run this Redis with a noeviction or volatile-* policy
    # so a full memory refuses new keys rather than signing learners out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}
if PAGE_CACHE_URL:
    CACHES["pages"] = {
        "BACKEND": "cme.cache.RedisCache",
        "LOCATION": PAGE_CACHE_URL,
        "KEY_PREFIX": "pages",
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_page_cache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

# django-allauth: email is the login; nobody signs in before confirming it.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming the address in the browser that signed up signs the learner in (allauth does so only
# while that sign-up is pending in the session); confirming stays a POST, safe from link scanners.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# The adapter queues allauth's mail (notifications), keys the per-account
# failed-login limit on the account and the client address, and makes a sign-up
# for a taken email cost what a real one does.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# The sign-in form starts with the address just confirmed in this browser (accounts.forms).
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
# allauth's rate limits are on by default (failed logins: 10/min per IP and
# 5 per 5 min per account from one address) and stay so; its machinery also
# guards the public certificate verification page.
# ACCOUNT_RATE_LIMITS in the environment overrides any of them, in allauth's syntax
# ("login_failed=100/m/ip;signup=500/m/ip"), so a load test from one address can
# raise them without a code change; production keeps these.
ACCOUNT_RATE_LIMITS = env_rate_limits(
    "ACCOUNT_RATE_LIMITS",
    {
        "verify_certificate": "30/m/ip",
        # One learner must not be able to tie up the workers: PDFs are costly to
        # render and self-reported rows are bounded (credits.selectors).
        "transcript_pdf": "6/m/user",
        "external_credit_add": "30/h/user",
    },
)
# manage.py flush may empty the append-only action log only on a development
# database (and in the test suite); in production the log's triggers refuse it.
AUDIT_LOG_FLUSHABLE = env_bool("AUDIT_LOG_FLUSHABLE", DEBUG)
# Behind N reverse proxies that append to X-Forwarded-For, the client address
# is N entries from the end; with 0, REMOTE_ADDR is the client.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff open the admin and staff pages only with an authenticator app enrolled
# (cme/staff.py); `check --deploy` warns when this is switched off.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", True)
MFA_TOTP_ISSUER = SITE_NAME

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# Verifiable credentials (credentials.keys): the issuer's Ed25519 signing key as a private
# Multikey (`manage.py credential_key` makes one); retired keys' public Multikeys stay in the
# site's DID document so what they signed still verifies. In development a key is made once
# and kept in .credential-signing-key; `check --deploy` requires one in production.
CREDENTIAL_SIGNING_KEY = env_str("CREDENTIAL_SIGNING_KEY")
CREDENTIAL_RETIRED_KEYS = env_list("CREDENTIAL_RETIRED_KEYS", [])
# Certificate PDFs are signed (PAdES, credentials.pades) with the provider's document-signing
# certificate: PEM files, the certificate file holding the signer's certificate then its chain.
# In development a self-signed pair is made once in .pdf-signing/; `check --deploy` requires these.
PDF_SIGNING_KEY_FILE = env_str("PDF_SIGNING_KEY_FILE")
PDF_SIGNING_CERTIFICATE_FILE = env_str("PDF_SIGNING_CERTIFICATE_FILE")
PDF_SIGNING_KEY_PASSWORD = env_str("PDF_SIGNING_KEY_PASSWORD")
# Where django.core.mail.backends.filebased.EmailBackend writes (bench/load.py reads it).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
# Mail is queued (notifications.services.email_queue) and sent by a background
# worker: a failed attempt is retried after EMAIL_RETRY_DELAY seconds, doubling
# each time, until EMAIL_MAX_ATTEMPTS (by default about two hours in all).
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 8, minimum=1)
EMAIL_RETRY_DELAY = env_int("EMAIL_RETRY_DELAY", 60, minimum=1)
# Background tasks live in the database, so nothing more is needed to run them. At
# scale, TASK_QUEUE_URL names a Redis and RQ carries them (django-tasks-rq), with no
# polling of the database. Either way `python manage.py task_worker` (started by
# `make run` and `make serve`) runs the worker the setting chooses.
if TASK_QUEUE_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": TASK_QUEUE_URL}}
    # django-rq's queue page lets in any staff member, whatever their permissions: not registered.
    RQ_SHOW_ADMIN_LINK = False
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Administrators", address) for address in env_list("ADMIN_EMAILS", [])]

LANGUAGE_CODE = "en-us"
# A US site: the United States heads the country list, then the rest alphabetically.
COUNTRIES_FIRST = ["US"]
COUNTRIES_FIRST_BREAK = "──────────"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and generated files (certificate PDFs): the local disk by default,
# an S3-compatible bucket when S3_BUCKET is set. Certificates are private, so
# links to them are always signed and short-lived.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_url("S3_ENDPOINT_URL", "https://s3.amazonaws.com", schemes=("https", "http")),
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security. Production (DEBUG off) gets HTTPS-only defaults; each can be relaxed
# through the environment, e.g. behind a proxy that terminates TLS.
_production = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _production)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _production)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _production)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _production)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _production)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: every asset is a file served by the app.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # allauth shows the authenticator QR code as an SVG data: URI.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Replaces Django's mail_admins, which sent in the failing request and so waited on SMTP.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "cme.logging.QueuedAdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # WeasyPrint narrates every rendering step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
