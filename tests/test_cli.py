"""`python -m bot …` as an operator runs it: exit codes, one-line errors, the manifest, migrate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_bot(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "CRISP_", "ALERT_", "PORT", "LOG_"))}
    clean["PYTHONPATH"] = str(REPO)
    clean.update(env)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=clean, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_manifest_is_json_naming_the_command_in_socket_mode(tmp_path):
    result = run_bot(["manifest"], tmp_path)
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/crisp" and command["should_escape"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"] == {"is_enabled": True}
    assert {"app_home_opened", "member_joined_channel"} <= set(manifest["settings"]["event_subscriptions"]["bot_events"])
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "im:write", "channels:history"} <= scopes
    assert {"users:read", "files:write"} <= scopes  # names looked up off the ack path; exports uploaded
    assert [s["callback_id"] for s in manifest["features"]["shortcuts"]] == ["crisp.feedback.message"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert len(manifest["display_information"]["description"]) <= 140


def test_manifest_for_http_mode_points_everything_at_slack_events(tmp_path):
    result = run_bot(["manifest", "--request-url", "https://crisp.example.com"], tmp_path, SLASH_COMMAND="/mlops")
    manifest = json.loads(result.stdout)
    url = "https://crisp.example.com/slack/events"
    assert manifest["features"]["slash_commands"][0] == {
        **manifest["features"]["slash_commands"][0], "command": "/mlops", "url": url}
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert manifest["settings"]["socket_mode_enabled"] is False


OAUTH_ENV = {"SLACK_CLIENT_ID": "1111111111.2222222222", "SLACK_CLIENT_SECRET": "secret",
             "SLACK_SIGNING_SECRET": "signing"}


def test_manifest_with_the_oauth_settings_has_the_redirect_url_and_token_rotation(tmp_path):
    result = run_bot(["manifest", "--request-url", "https://crisp.example.com/"], tmp_path, **OAUTH_ENV)
    manifest = json.loads(result.stdout)
    assert manifest["oauth_config"]["redirect_urls"] == ["https://crisp.example.com/slack/oauth_redirect"]
    assert manifest["settings"]["token_rotation_enabled"] is True
    assert manifest["settings"]["org_deploy_enabled"] is False  # workspaces install one by one
    plain = json.loads(run_bot(["manifest", "--request-url", "https://crisp.example.com"], tmp_path).stdout)
    assert "redirect_urls" not in plain["oauth_config"] and plain["settings"]["token_rotation_enabled"] is False


def test_manifest_with_the_oauth_settings_needs_a_request_url(tmp_path):
    line = one_line_error(run_bot(["manifest"], tmp_path, **OAUTH_ENV))
    assert "--request-url" in line and "SLACK_CLIENT_ID" in line


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("crisp: ")
    return lines[0]


@pytest.mark.parametrize("args, env, fragment", [
    ([], {"DATABASE_URL": "nonsense"}, "DATABASE_URL: 'nonsense' is not a database URL"),
    (["serve"], {"PORT": "eighty"}, "PORT:"),
    (["console"], {"HOST": "http://0.0.0.0"}, "HOST: 'http://0.0.0.0' is not an IP address or host name"),
    (["console"], {"HOST": "0.0.0.0:3000"}, "HOST: '0.0.0.0:3000' is not an IP address or host name"),
    (["console"], {"HOST": "crisp host"}, "HOST: 'crisp host' is not an IP address or host name"),
    # TEST-NET-1 (RFC 5737): a well-formed address this machine does not have; binding fails locally.
    (["console"], {"HOST": "192.0.2.1", "PORT": "0"}, "HOST: 192.0.2.1 is not an address of this machine"),
    ([], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN"),
    (["serve"], {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_SIGNING_SECRET": "x",
                 "SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID"),
    (["serve"], {}, "SLACK_BOT_TOKEN is not set: serve is HTTP mode"),
    (["scheduler"], {}, "SLACK_BOT_TOKEN is not set"),
    (["manifest", "--request-url", "http://insecure.example"], {}, "--request-url must be an https:// URL"),
    (["migrate"], {"DATABASE_URL": "postgresql+asyncpg://crisp@127.0.0.1:1/crisp"},
     "DATABASE_URL: cannot use the database at postgresql+asyncpg://crisp@127.0.0.1:1/crisp"),
    (["migrate"], {"DATABASE_URL": "sqlite+aiosqlite:////nonexistent-dir/crisp.db"},
     "DATABASE_URL: cannot use the database"),
])
def test_bad_settings_stop_with_one_clear_line(tmp_path, args, env, fragment):
    assert fragment in one_line_error(run_bot(args, tmp_path, **env))


def test_migrate_brings_a_new_database_to_the_newest_revision(tmp_path):
    from storage.migrate import head_revision

    result = run_bot(["migrate"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"database at sqlite+aiosqlite:///./crisp.db is at revision {head_revision()}"
    assert (tmp_path / "crisp.db").exists()
    again = run_bot(["migrate"], tmp_path)
    assert again.returncode == 0 and again.stdout == result.stdout


async def test_a_bot_token_slack_refuses_stops_the_start_with_one_line(tmp_path):
    import asyncio

    from bot.slack_standin import SlackStandIn

    standin = SlackStandIn()
    api_url = await standin.start()
    standin.fail("auth.test", status=200, error="invalid_auth")
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT"))}
        env.update(PYTHONPATH=str(REPO), SLACK_BOT_TOKEN="xoxb-revoked", SLACK_SIGNING_SECRET="s3cret",
                   SLACK_API_URL=api_url, PORT="0")
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", cwd=tmp_path, env=env,
                                                       stdout=asyncio.subprocess.PIPE,
                                                       stderr=asyncio.subprocess.PIPE)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        await standin.stop()
    result = subprocess.CompletedProcess([], process.returncode, stdout.decode(), stderr.decode())
    assert one_line_error(result) == "crisp: SLACK_BOT_TOKEN was refused by Slack (invalid_auth)"


async def test_a_host_name_that_does_not_resolve_names_host(database_url, standin, clock, monkeypatch):
    """Resolution fails inside the resolver here (no DNS query leaves the machine from a test)."""
    import socket

    from bot.runtime import Runtime, StartupError
    from tests.conftest import make_settings

    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "crisp-nowhere.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    runtime = Runtime(make_settings(database_url, standin.base_url, host="crisp-nowhere.invalid"), clock=clock)
    try:
        with pytest.raises(StartupError) as stopped:
            await runtime.start(http=True, worker=False)
    finally:
        await runtime.stop()
    assert str(stopped.value) == ("HOST: cannot resolve 'crisp-nowhere.invalid' to an address to listen on "
                                  "(Name or service not known)")
