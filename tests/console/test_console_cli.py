"""`python -m bot` with no Slack settings, as a person would run it: a subprocess fed a script on stdin."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 30


def console_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SLACK_", "CRISP_", "ALERT_")) and key not in ("DATABASE_URL", "PORT", "HOST")}
    env.update({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'crisp.db'}", "PORT": "0", "HOST": "127.0.0.1",
                "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", **extra})
    return env


def run_bot(tmp_path: Path, script: str, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=script, capture_output=True, text=True,
                          cwd=tmp_path, env=console_env(tmp_path, **extra_env), timeout=TIMEOUT_SECONDS)


def assert_clean(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_no_slack_settings_means_console_mode(tmp_path):
    result = run_bot(tmp_path, "/crisp project create Churn Radar\n/crisp status\n:quit\n")

    assert_clean(result)
    assert result.stderr.splitlines()[0] == "No Slack token set (SLACK_BOT_TOKEN): starting console mode."
    out = result.stdout
    assert re.search(r"^Crisp console — database sqlite\+aiosqlite:///.*crisp\.db, HTTP on port \d+", out, re.M)
    assert "You are @you in #general." in out
    # Piped stdin: every line is echoed after its prompt, then what the bot did.
    assert "@you #general> /crisp project create Churn Radar\n── #general — reply visible to only you:" in out
    assert "@you started *Churn Radar* in this channel." in out
    status = out[out.index("@you #general> /crisp status"):]
    assert "   Churn Radar\n   ===========\n   *Business understanding* (phase 1 of 6) · day 1 · iteration 1" \
        in status
    assert out.rstrip().endswith("@you #general> :quit")
    assert (tmp_path / "crisp.db").exists()


def test_end_of_input_leaves_like_quit_and_the_work_is_in_the_database(tmp_path):
    result = run_bot(tmp_path, "/crisp project create Churn Radar\n", "console")
    assert_clean(result)
    assert "No Slack token set" not in result.stderr  # asked for explicitly: no notice
    assert result.stdout.rstrip().endswith("lists what you can do")  # the announcement was printed before leaving

    with sqlite3.connect(tmp_path / "crisp.db") as db:
        rows = db.execute("SELECT name, channel_id, phase FROM project").fetchall()
        sent = db.execute("SELECT status FROM outbox").fetchall()
    assert rows == [("Churn Radar", "C0GENERAL", "business-understanding")]
    assert sent == [("sent",)]


def test_a_taken_port_falls_back_to_a_free_one_with_a_note(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_bot(tmp_path, ":quit\n", "console", PORT=str(port))

    assert_clean(result)
    assert f"(port {port} is taken; using a free one)" in result.stdout
    used = int(re.search(r"HTTP on port (\d+)", result.stdout).group(1))
    assert used not in (0, port)


def test_an_unusable_database_is_one_line_not_a_traceback(tmp_path):
    url = "sqlite+aiosqlite:////nonexistent-dir/crisp.db"
    result = run_bot(tmp_path, ":quit\n", "console", DATABASE_URL=url)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    [said] = result.stderr.strip().splitlines()
    assert said.startswith(f"crisp: DATABASE_URL: cannot use the database at {url}"), said
