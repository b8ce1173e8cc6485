"""Every setting of the contract, read from the environment and `.env`.

A bad or contradictory value raises `SettingsError` with one line naming the
variable; the CLI prints that line and exits, never a traceback.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}
# Operators often paste a provider's plain URL; map it to the async driver.
DRIVER_ALIASES = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
}
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")
SLASH_COMMAND_NAME = re.compile(r"^/[a-z0-9_\-]{1,31}$")
# The most Slack calls one outbox send makes: conversations.open, one history page, the post.
OUTBOX_CALLS_PER_SEND = 3
CLIENT_ID = re.compile(r"^[0-9]+\.[0-9]+$")
HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


class SettingsError(Exception):
    """A setting is missing, malformed or contradicts another; the message names it."""


class Mode(enum.StrEnum):
    SOCKET = "socket"
    HTTP = "http"
    CONSOLE = "console"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Serving many workspaces (OAuth install flow) instead of one SLACK_BOT_TOKEN.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = Field(default="sqlite+aiosqlite:///./crisp.db", repr=False)  # may hold a password
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    alert_token: SecretStr | None = None
    alert_hmac_secret: SecretStr | None = None
    alert_channel: str | None = None
    # Alertmanager's base URL, for silences made from Slack (else the payload's externalURL when reachable).
    alertmanager_url: str | None = None
    # Unacknowledged critical alert groups are announced again after this long, then escalated.
    alert_renotify_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    crisp_admins: Annotated[tuple[str, ...], NoDecode] = ()
    default_timezone: str = "UTC"
    # A scheduled check-in or digest found due later than this after its slot (the bot was down) is skipped.
    schedule_grace_hours: float = Field(default=6.0, gt=0, le=7 * 24)
    # How long a check-in takes answers; the one reminder goes out halfway through.
    checkin_window_hours: float = Field(default=4.0, gt=0, le=7 * 24)
    # A project with no phase move or check-in answer for this many days gets a gentle question in its channel.
    stale_phase_days: int = Field(default=14, ge=1, le=365)
    scheduler_enabled: bool = True
    # An uninstalled workspace's data is kept this long (a reinstall resumes it), then purged.
    uninstalled_data_days: int = Field(default=30, ge=1, le=3650)
    slash_command: str = "/crisp"
    log_level: str = "INFO"
    log_format: str = "text"
    # Connections per process, and how long a request waits for one
    # (or, on SQLite, for its turn to write) before it is answered "busy, try again".
    database_pool_size: int = Field(default=20, ge=1, le=200)
    database_pool_timeout: float = Field(default=2.0, gt=0, le=30)
    # Seconds a worker may hold an outbox row before another process may take it over (renewed while
    # the row is in flight); must outlast the worst-case send.
    outbox_lease_seconds: float = Field(default=60.0, gt=0)
    # Limit on each outbox call to Slack's Web API.
    outbox_timeout_seconds: float = Field(default=15.0, gt=0)
    # A post whose answer never came may still be applied by Slack after our call gave up: wait this
    # long past the call's end before looking for it in history (and posting when it is not there).
    outbox_late_apply_seconds: float = Field(default=90.0, ge=0, le=3600)

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", "slack_client_id",
                     "slack_client_secret", "alert_token",
                     "alert_hmac_secret", "alert_channel", "alertmanager_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None):
        if value is not None and not value.get_secret_value().startswith(("xoxb-", "xoxp-")):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None):
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_client_id")
    @classmethod
    def _client_id_shape(cls, value: str | None):
        if value is not None and not CLIENT_ID.match(value.strip()):
            raise ValueError(f"{value!r} is not a Slack client ID (Basic Information → App Credentials, "
                             "like 1234567890.1234567890)")
        return value.strip() if value is not None else None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value or ""):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("alertmanager_url")
    @classmethod
    def _alertmanager_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL (e.g. http://alertmanager:9093)")
        return value.rstrip("/")

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        """An IP address or a host name, nothing more: no scheme, port, path or spaces."""
        host = value.strip()
        if host.startswith("[") and host.endswith("]"):  # [::1], as in URLs
            host = host[1:-1]
        if _is_ip_address(host) or _is_host_name(host):
            return host
        if not host:
            raise ValueError("is empty (use 0.0.0.0 for every interface, 127.0.0.1 for this machine only)")
        raise ValueError(f"{value!r} is not an IP address or host name (e.g. 0.0.0.0, 127.0.0.1, :: or "
                         "crisp.internal; the port goes in PORT)")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        hint = "expected e.g. sqlite+aiosqlite:///./crisp.db or postgresql+asyncpg://user@host/db"
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"{value!r} is not a database URL ({hint})") from None
        driver = DRIVER_ALIASES.get(url.drivername, url.drivername)
        if driver not in SUPPORTED_DRIVERS:
            raise ValueError(f"unsupported driver {url.drivername!r} ({hint})")
        if driver == "sqlite+aiosqlite" and not url.database:
            raise ValueError(f"SQLite URL names no database file ({hint})")
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @field_validator("crisp_admins", mode="before")
    @classmethod
    def _admins(cls, value) -> tuple[str, ...]:
        if value is None:
            return ()
        items = value.split(",") if isinstance(value, str) else list(value)
        admins = tuple(item.strip() for item in items if item and item.strip())
        bad = [item for item in admins if not SLACK_USER_ID.match(item)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a Slack user ID (like U0123ABCD)")
        return admins

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/Berlin)") from None
        return value

    @field_validator("slash_command")
    @classmethod
    def _slash_command(cls, value: str) -> str:
        if not SLASH_COMMAND_NAME.match(value):
            raise ValueError(f"{value!r} must look like /crisp (lowercase, at most 32 characters)")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = value.lower()
        if value not in {"text", "json"}:
            raise ValueError("must be text or json")
        return value

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Settings:
        worst_case = OUTBOX_CALLS_PER_SEND * self.outbox_timeout_seconds
        if self.outbox_lease_seconds <= worst_case:
            raise ValueError(
                f"OUTBOX_LEASE_SECONDS ({self.outbox_lease_seconds:g}) must exceed {OUTBOX_CALLS_PER_SEND} × "
                f"OUTBOX_TIMEOUT_SECONDS = {worst_case:g}: one send may make {OUTBOX_CALLS_PER_SEND} Slack calls "
                f"(conversations.open, a history lookup, the post) before another worker may take it over")
        return self

    @model_validator(mode="after")
    def _tokens_agree(self) -> Settings:
        if self.slack_client_id or self.slack_client_secret:
            return self._oauth_agrees()
        if self.slack_app_token and not self.slack_bot_token:
            raise ValueError("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: Socket Mode needs both")
        if self.slack_signing_secret and not self.slack_bot_token:
            raise ValueError("SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not: HTTP mode needs both "
                             "(or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to serve many workspaces)")
        if self.slack_bot_token and not (self.slack_app_token or self.slack_signing_secret):
            raise ValueError(
                "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) "
                "nor SLACK_SIGNING_SECRET (HTTP mode) is"
            )
        return self

    def _oauth_agrees(self) -> Settings:
        """Many workspaces: the install flow gives each its token, over HTTP only."""
        if not self.slack_client_secret:
            raise ValueError("SLACK_CLIENT_ID is set but SLACK_CLIENT_SECRET is not: the install flow needs both")
        if not self.slack_client_id:
            raise ValueError("SLACK_CLIENT_SECRET is set but SLACK_CLIENT_ID is not: the install flow needs both")
        if self.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID: one workspace uses "
                             "SLACK_BOT_TOKEN, many get their tokens by installing; unset one of them")
        if self.slack_app_token:
            raise ValueError("SLACK_APP_TOKEN is set together with SLACK_CLIENT_ID: serving many workspaces "
                             "runs in HTTP mode; unset SLACK_APP_TOKEN")
        if not self.slack_signing_secret:
            raise ValueError("SLACK_CLIENT_ID is set but SLACK_SIGNING_SECRET is not: HTTP mode verifies every "
                             "request from Slack with it")
        return self

    # -- derived -----------------------------------------------------------

    @property
    def oauth(self) -> bool:
        """Many workspaces, each installed through /slack/install (no SLACK_BOT_TOKEN)."""
        return self.slack_client_id is not None

    @property
    def mode(self) -> Mode:
        if self.oauth:
            return Mode.HTTP
        if self.slack_bot_token is None:
            return Mode.CONSOLE
        return Mode.SOCKET if self.slack_app_token else Mode.HTTP

    def secret_values(self) -> list[str]:
        """Every secret this process knows, so logging can scrub them."""
        secrets = [self.slack_bot_token, self.slack_signing_secret, self.slack_app_token, self.slack_client_secret,
                   self.alert_token, self.alert_hmac_secret]
        values = [s.get_secret_value() for s in secrets if s is not None]
        password = make_url(self.database_url).password
        if password:
            values.append(str(password))
        return values

    def safe_database_url(self) -> str:
        return make_url(self.database_url).render_as_string(hide_password=True)


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_host_name(host: str) -> bool:
    labels = host.removesuffix(".").split(".")
    return 0 < len(host) <= 253 and all(HOST_LABEL.match(label) for label in labels)


def load_settings(**overrides) -> Settings:
    """Build settings from the environment (and `.env`), turning validation errors into one line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        location = [str(part) for part in error.get("loc", ()) if part]
        if location:
            parts.append(f"{location[0].upper()}: {message}")
        else:
            parts.append(message)  # model-level checks already name their variables
    return "; ".join(parts)
