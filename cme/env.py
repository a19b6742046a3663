"""Typed readers for settings that come from the environment.

Every reader raises ImproperlyConfigured naming the variable when its value is
malformed, so a typo stops start-up instead of surfacing later as odd behaviour.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {value!r}).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {value!r}).") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum} (got {number}).")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


# One limit in allauth's syntax: "10/m/ip", "5/300s/key", "30/h/user"; several joined by commas.
_RATE = r"\d+/([1-9]\d*)?[smhd](/(ip|user|key))?"
# The actions allauth limits (allauth.account.app_settings.RATE_LIMITS); the project adds its own.
ALLAUTH_RATE_LIMITED_ACTIONS = frozenset({
    "change_password", "change_phone", "manage_email", "reset_password", "reauthenticate",
    "reset_password_from_key", "signup", "login", "request_login_code", "login_failed", "confirm_email",
    "verify_phone",
})  # fmt: skip
_RATES = re.compile(rf"^{_RATE}(,{_RATE})*$")


def env_rate_limits(name: str, defaults: dict[str, str | None]) -> dict[str, str | None]:
    """allauth's ACCOUNT_RATE_LIMITS with overrides: "login_failed=50/m/ip;signup=200/m/ip".

    Each entry names an action and its limits in allauth's own syntax; "off" removes
    the action's limit. Actions not named keep their defaults.
    """
    limits = dict(defaults)
    value = _raw(name)
    if not value:
        return limits
    for entry in filter(None, (part.strip() for part in value.split(";"))):
        action, separator, rate = (piece.strip() for piece in entry.partition("="))
        if not separator or not action:
            raise ImproperlyConfigured(f"{name} takes action=limit pairs separated by ';' (got {entry!r}).")
        if action not in ALLAUTH_RATE_LIMITED_ACTIONS | set(defaults):
            raise ImproperlyConfigured(f"{name}: no rate-limited action is called {action!r}.")
        if rate == "off":
            limits[action] = None  # allauth's own way of saying "no limit"
        elif _RATES.match(rate):
            limits[action] = rate
        else:
            raise ImproperlyConfigured(f"{name}: {action} needs a limit such as 10/m/ip (got {rate!r}).")
    return limits


def env_url(name: str, default: str, *, schemes: tuple[str, ...] = ("http", "https")) -> str:
    value = env_str(name, default)
    if not value:
        raise ImproperlyConfigured(f"{name} is required when DEBUG is off.")
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018  (raises on an out-of-range port)
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port (got {value!r}).") from None
    if parts.scheme not in schemes or not parts.netloc:
        allowed = " or ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(f"{name} must be an absolute URL starting with {allowed} (got {value!r}).")
    return value.rstrip("/")


def env_secret_key(name: str, *, debug: bool, dev_default: str) -> str:
    """The key may default only in DEBUG; in production a weak key is refused."""
    value = _raw(name)
    if value is None:
        if debug:
            return dev_default
        raise ImproperlyConfigured(
            f"{name} is required when DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if not debug and (len(value) < 50 or len(set(value)) < 5 or value == dev_default):
        raise ImproperlyConfigured(f"{name} must be a random string of at least 50 characters when DEBUG is off.")
    return value


def env_database(name: str, default: str) -> dict:
    value = env_str(name, default)
    if urlsplit(value).scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"{name} must start with sqlite:/// or postgres:// (got {value!r}).")
    try:
        config = dj_database_url.parse(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Take the write lock at BEGIN and wait for it, so two simultaneous
        # writes queue instead of one failing with "database is locked".
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    elif not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name the database (got {value!r}).")
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Persistent connections avoid a TCP+auth handshake per request; health
        # checks drop a connection the server closed while it sat in the pool.
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
        config["CONN_HEALTH_CHECKS"] = True
    return config


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)} (got {value!r}).")
    return value
