"""Settings come from the environment; a bad value stops start-up naming the variable."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cme.env import env_bool, env_database, env_int, env_list, env_rate_limits, env_secret_key, env_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "cme.example.org",
    "SITE_URL": "https://cme.example.org",
    "DATABASE_URL": "postgres://cme@db.internal:5432/cme",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "CREDENTIAL_SIGNING_KEY": "z3u2TxKHpigSrbszSutXMZsY9DX7Nvb8nvwNzhjoiWGe5JGR",
    "PDF_SIGNING_KEY_FILE": str(Path(__file__).parent / "data" / "pdf-signing" / "key.pem"),
    "PDF_SIGNING_CERTIFICATE_FILE": str(Path(__file__).parent / "data" / "pdf-signing" / "certificate.pem"),
}


def manage(*args, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestReaders:
    def test_booleans(self, monkeypatch):
        monkeypatch.setenv("FLAG", "Yes")
        assert env_bool("FLAG", False) is True
        monkeypatch.setenv("FLAG", "off")
        assert env_bool("FLAG", True) is False
        monkeypatch.delenv("FLAG")
        assert env_bool("FLAG", True) is True

    def test_a_bad_boolean_names_the_variable(self, monkeypatch):
        monkeypatch.setenv("FLAG", "maybe")
        with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
            env_bool("FLAG", False)

    def test_a_bad_number_names_the_variable(self, monkeypatch):
        monkeypatch.setenv("PORTISH", "eighty")
        with pytest.raises(ImproperlyConfigured, match="PORTISH must be a whole number"):
            env_int("PORTISH", 1)
        monkeypatch.setenv("PORTISH", "-1")
        with pytest.raises(ImproperlyConfigured, match="PORTISH must be at least 0"):
            env_int("PORTISH", 1)

    def test_rate_limits_take_overrides_in_allauths_syntax(self, monkeypatch):
        defaults = {"verify_certificate": "30/m/ip", "transcript_pdf": "6/m/user"}
        monkeypatch.setenv("LIMITS", "login_failed=100/m/ip,50/300s/key; transcript_pdf=off ;signup=500/m/ip")
        assert env_rate_limits("LIMITS", defaults) == {
            "verify_certificate": "30/m/ip", "transcript_pdf": None,
            "login_failed": "100/m/ip,50/300s/key", "signup": "500/m/ip",
        }  # fmt: skip
        monkeypatch.delenv("LIMITS")
        assert env_rate_limits("LIMITS", defaults) == defaults

    @pytest.mark.parametrize(
        "value", ["login=fast", "login", "=10/m/ip", "login=10 per minute", "login_faild=10/m/ip", "login=10/0m/ip"]
    )
    def test_a_bad_rate_limit_names_the_variable(self, monkeypatch, value):
        monkeypatch.setenv("LIMITS", value)
        with pytest.raises(ImproperlyConfigured, match="LIMITS"):
            env_rate_limits("LIMITS", {})

    def test_lists_are_comma_separated(self, monkeypatch):
        monkeypatch.setenv("HOSTS", " a.example.org, b.example.org ,")
        assert env_list("HOSTS", []) == ["a.example.org", "b.example.org"]

    def test_urls_must_be_absolute(self, monkeypatch):
        monkeypatch.setenv("SITE_URL", "cme.example.org")
        with pytest.raises(ImproperlyConfigured, match="SITE_URL must be an absolute URL"):
            env_url("SITE_URL", "")

    def test_the_secret_key_has_a_default_only_in_debug(self, monkeypatch):
        monkeypatch.delenv("SECRET_KEY", raising=False)
        assert env_secret_key("SECRET_KEY", debug=True, dev_default="dev") == "dev"
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required when DEBUG is off"):
            env_secret_key("SECRET_KEY", debug=False, dev_default="dev")
        monkeypatch.setenv("SECRET_KEY", "short")
        with pytest.raises(ImproperlyConfigured, match="at least 50 characters"):
            env_secret_key("SECRET_KEY", debug=False, dev_default="dev")

    def test_postgres_gets_persistent_checked_connections(self, monkeypatch):
        monkeypatch.setenv("DATABASE_URL", "postgres://cme:pw@db.internal:5432/cme")
        config = env_database("DATABASE_URL", "")
        assert config["ENGINE"] == "django.db.backends.postgresql"
        assert (config["NAME"], config["HOST"], config["PORT"]) == ("cme", "db.internal", 5432)
        assert config["CONN_MAX_AGE"] == 600
        assert config["CONN_HEALTH_CHECKS"] is True

    def test_an_unknown_database_scheme_names_the_variable(self, monkeypatch):
        monkeypatch.setenv("DATABASE_URL", "mysql://localhost/cme")
        with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must start with"):
            env_database("DATABASE_URL", "")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "sometimes"),
        ("DATABASE_URL", "mysql://localhost/cme"),
        ("SITE_URL", "cme.example.org"),
        ("EMAIL_PORT", "smtp"),
        ("REDIS_URL", "localhost:6379"),
        ("SECRET_KEY", ""),
        ("ALLOWED_HOSTS", ""),
        ("ALLOWED_HOSTS", "*"),
        ("SITE_URL", ""),
        ("SITE_URL", "http://cme.example.org"),
        ("SITE_URL", "https://cme.example.org/sub?x=1"),
        ("SITE_URL", "https://cme.example.org:99999"),
        ("DATABASE_URL", "postgres://"),
        ("ACCOUNT_RATE_LIMITS", "login=lots"),
    ],
)
def test_start_up_stops_on_a_bad_value_and_names_it(variable, value):
    result = manage("check", **{**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_the_deploy_check_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_flags_a_per_process_rate_limit_cache(settings):
    from cme.checks import rate_limit_cache_is_shared

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [warning.id for warning in rate_limit_cache_is_shared(None)] == ["cme.W001"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}}
    assert rate_limit_cache_is_shared(None) == []


def test_certificates_go_to_an_s3_bucket_when_one_is_configured():
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    local = manage("shell", "-c", code, **PRODUCTION_ENV)
    s3 = manage("shell", "-c", code, **PRODUCTION_ENV, S3_BUCKET="cme-certificates", S3_REGION="us-east-1")
    assert local.stdout.strip().splitlines()[-1] == "django.core.files.storage.FileSystemStorage"
    assert s3.stdout.strip().splitlines()[-1] == "storages.backends.s3.S3Storage"


@pytest.mark.parametrize(
    ("variable", "value", "warning"),
    [
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend", "cme.W002"),
        ("DATABASE_URL", "sqlite:///:memory:", "cme.W003"),
    ],
)
def test_the_deploy_check_flags_a_setting_unfit_for_production(variable, value, warning):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout


def test_in_development_the_site_address_follows_the_port_make_run_serves_on():
    code = "from django.conf import settings; print(settings.SITE_URL)"

    def site_url(**env) -> str:
        return manage("shell", "-c", code, **env).stdout.strip().splitlines()[-1]

    assert site_url(DEBUG="true", PORT="8123") == "http://127.0.0.1:8123"
    assert site_url(DEBUG="true") == "http://127.0.0.1:8000"
    assert site_url(**PRODUCTION_ENV, PORT="8123") == "https://cme.example.org"


def test_sessions_and_the_cache_go_to_redis_when_it_is_configured():
    code = (
        "from django.conf import settings; "
        "print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    database = manage("shell", "-c", code, **PRODUCTION_ENV)
    redis = manage("shell", "-c", code, **PRODUCTION_ENV, REDIS_URL="redis://127.0.0.1:6379/3")
    assert database.stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.db DatabaseCache"
    assert redis.stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.cache RedisCache"


def test_the_deploy_check_requires_the_pdf_signing_certificate():
    env = {**PRODUCTION_ENV, "PDF_SIGNING_KEY_FILE": "", "PDF_SIGNING_CERTIFICATE_FILE": ""}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0 and "credentials.E003" in result.stderr
