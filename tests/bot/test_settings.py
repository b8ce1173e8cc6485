"""Settings: every variable of the contract, and one clear line for anything wrong."""

from __future__ import annotations

import pytest

from bot.settings import Mode, Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_API_URL", "DATABASE_URL",
                 "HOST", "PORT", "ALERT_TOKEN", "ALERT_HMAC_SECRET", "ALERT_CHANNEL", "CRISP_ADMINS",
                 "DEFAULT_TIMEZONE", "SCHEDULER_ENABLED", "SLASH_COMMAND", "LOG_LEVEL", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_are_the_contracts():
    settings = load_settings()
    assert settings.mode is Mode.CONSOLE
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite+aiosqlite:///./crisp.db"
    assert (settings.host, settings.port) == ("0.0.0.0", 3000)
    assert settings.default_timezone == "UTC"
    assert settings.scheduler_enabled is True
    assert settings.slash_command == "/crisp"
    assert settings.crisp_admins == ()
    assert settings.checkin_window_hours == 4
    assert settings.stale_phase_days == 14


def test_environment_and_dotenv_are_read(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\nSLACK_SIGNING_SECRET=s3cret\nPORT=8080\n")
    monkeypatch.setenv("CRISP_ADMINS", "U01ABC, W02DEF,")
    monkeypatch.setenv("SCHEDULER_ENABLED", "false")
    settings = load_settings()
    assert settings.mode is Mode.HTTP
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-dotenv"
    assert settings.port == 8080
    assert settings.crisp_admins == ("U01ABC", "W02DEF")
    assert settings.scheduler_enabled is False


def test_socket_mode_when_an_app_token_is_set(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert load_settings().mode is Mode.SOCKET


@pytest.mark.parametrize("url, expected", [
    ("postgres://u:pw@db/crisp", "postgresql+asyncpg://u:pw@db/crisp"),
    ("postgresql://u@db/crisp", "postgresql+asyncpg://u@db/crisp"),
    ("sqlite:///data/crisp.db", "sqlite+aiosqlite:///data/crisp.db"),
    ("postgresql+asyncpg://u@db:6543/crisp", "postgresql+asyncpg://u@db:6543/crisp"),
])
def test_plain_database_urls_get_the_async_driver(monkeypatch, url, expected):
    monkeypatch.setenv("DATABASE_URL", url)
    assert load_settings().database_url == expected


@pytest.mark.parametrize("variable, value, fragment", [
    ("DATABASE_URL", "nonsense", "DATABASE_URL: 'nonsense' is not a database URL"),
    ("DATABASE_URL", "mysql://u@h/db", "DATABASE_URL: unsupported driver 'mysql'"),
    ("DATABASE_URL", "sqlite+aiosqlite://", "DATABASE_URL: SQLite URL names no database file"),
    ("PORT", "http", "PORT:"),
    ("PORT", "70000", "PORT:"),
    ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL: 'slack.com/api' is not an http(s) URL"),
    ("CRISP_ADMINS", "alice", "CRISP_ADMINS: 'alice' is not a Slack user ID"),
    ("DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE: unknown time zone 'Mars/Olympus'"),
    ("SLASH_COMMAND", "crisp", "SLASH_COMMAND: 'crisp' must look like /crisp"),
    ("SCHEDULER_ENABLED", "sometimes", "SCHEDULER_ENABLED:"),
    ("LOG_FORMAT", "xml", "LOG_FORMAT: must be text or json"),
    ("SLACK_BOT_TOKEN", "xoxa-nope", "SLACK_BOT_TOKEN: must be a bot token"),
    ("CHECKIN_WINDOW_HOURS", "0", "CHECKIN_WINDOW_HOURS:"),
    ("CHECKIN_WINDOW_HOURS", "four", "CHECKIN_WINDOW_HOURS:"),
    ("STALE_PHASE_DAYS", "0", "STALE_PHASE_DAYS:"),
])
def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch, variable, value, fragment):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize("present, fragment", [
    ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not"),
    ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN"),
])
def test_contradictory_tokens_are_refused(monkeypatch, present, fragment):
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=fragment):
        load_settings()


OAUTH = {"SLACK_CLIENT_ID": "1111111111.2222222222", "SLACK_CLIENT_SECRET": "client-very-secret",
         "SLACK_SIGNING_SECRET": "s"}


def test_client_id_and_secret_serve_many_workspaces_in_http_mode(monkeypatch):
    for name, value in OAUTH.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.oauth and settings.mode is Mode.HTTP and settings.slack_bot_token is None
    assert "client-very-secret" in settings.secret_values() and "very-secret" not in repr(settings)


@pytest.mark.parametrize("present, fragment", [
    ({"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_ID is set but SLACK_CLIENT_SECRET is not"),
    ({"SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_SECRET is set but SLACK_CLIENT_ID is not"),
    ({**OAUTH, "SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID"),
    ({**OAUTH, "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_APP_TOKEN is set together with SLACK_CLIENT_ID"),
    ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}, "SLACK_CLIENT_ID is set but SLACK_SIGNING_SECRET is not"),
    ({**OAUTH, "SLACK_CLIENT_ID": "A0CRISP"}, "SLACK_CLIENT_ID: 'A0CRISP' is not a Slack client ID"),
])
def test_contradictory_oauth_settings_are_one_line_naming_the_variable(monkeypatch, present, fragment):
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_blank_values_count_as_unset(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "  ")
    monkeypatch.setenv("ALERT_CHANNEL", "")
    settings = load_settings()
    assert settings.mode is Mode.CONSOLE and settings.alert_channel is None


def test_secrets_are_listed_for_scrubbing_and_hidden_in_reprs(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-very-secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://crisp:db-very-secret@db/crisp")
    settings = load_settings()
    assert {"xoxb-very-secret", "signing-very-secret", "db-very-secret"} <= set(settings.secret_values())
    assert "very-secret" not in repr(settings)
    assert settings.safe_database_url() == "postgresql+asyncpg://crisp:***@db/crisp"


def test_settings_is_the_only_place_variables_are_named():
    assert set(Settings.model_fields) >= {
        "slack_bot_token", "slack_signing_secret", "slack_app_token", "slack_api_url", "database_url", "host",
        "port", "alert_token", "alert_hmac_secret", "alert_channel", "crisp_admins", "default_timezone",
        "scheduler_enabled", "slash_command"}


def test_the_outbox_lease_must_outlast_the_worst_case_send(monkeypatch):
    monkeypatch.delenv("OUTBOX_LEASE_SECONDS", raising=False)
    monkeypatch.delenv("OUTBOX_TIMEOUT_SECONDS", raising=False)
    assert (load_settings().outbox_lease_seconds, load_settings().outbox_timeout_seconds) == (60.0, 15.0)
    monkeypatch.setenv("OUTBOX_LEASE_SECONDS", "45")
    with pytest.raises(SettingsError) as short:
        load_settings()
    assert str(short.value).startswith("OUTBOX_LEASE_SECONDS (45) must exceed 3 × OUTBOX_TIMEOUT_SECONDS = 45")
    assert "\n" not in str(short.value)
    monkeypatch.setenv("OUTBOX_TIMEOUT_SECONDS", "10")
    assert load_settings().outbox_lease_seconds == 45.0
