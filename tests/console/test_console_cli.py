"""`python -m bot` with no Slack settings, as a person would run it: a subprocess fed a script on stdin."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import time
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


class Terminal:
    """`python -m bot console` on a pseudo-terminal, typed at as a person would (readline is on)."""

    def __init__(self, tmp_path: Path, **extra_env: str):
        env = console_env(tmp_path, TERM="dumb", HOME=str(tmp_path), **extra_env)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the bot
            os.chdir(tmp_path)
            os.execve(sys.executable, [sys.executable, "-m", "bot", "console"], env)
        self.output = b""

    def expect(self, pattern: str) -> str:
        """Read until `pattern` has been printed; returns everything printed so far."""
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not re.search(pattern, self.text):
            assert time.monotonic() < deadline, f"no {pattern!r} in:\n{self.text}"
            self._read(timeout=deadline - time.monotonic())
        return self.text

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait(self) -> int:
        """Exit code, after reading everything the bot printed on its way out."""
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            assert time.monotonic() < deadline, f"the console did not leave:\n{self.text}"
            self._read(timeout=0.1)  # keep reading, so the bot is never blocked writing to the terminal
        while self._read(timeout=0.2):
            pass
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.output += chunk
        return bool(chunk)

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace").replace("\r\n", "\n")


PROMPT = r"@you #general> $"
UP = "\x1b[A"


def assert_left_cleanly(terminal: Terminal) -> None:
    assert terminal.wait() == 0, terminal.text
    assert "Traceback" not in terminal.text and "KeyboardInterrupt" not in terminal.text, terminal.text


def test_ctrl_c_at_the_prompt_leaves_cleanly_and_keeps_the_work(tmp_path):
    terminal = Terminal(tmp_path)
    terminal.expect(PROMPT)
    terminal.type("/crisp project create Churn Radar\r")
    terminal.expect(r"@you started \*Churn Radar\*(.|\n)*" + PROMPT)
    terminal.type("\x03")  # Ctrl-C: the terminal sends SIGINT
    assert_left_cleanly(terminal)
    with sqlite3.connect(tmp_path / "crisp.db") as db:
        assert db.execute("SELECT name FROM project").fetchall() == [("Churn Radar",)]
        assert db.execute("SELECT status FROM outbox").fetchall() == [("sent",)]


def test_ctrl_c_halfway_through_a_line_leaves_cleanly(tmp_path):
    terminal = Terminal(tmp_path)
    terminal.expect(PROMPT)
    terminal.type("/crisp proj")
    terminal.expect(r"/crisp proj$")
    terminal.type("\x03")
    assert_left_cleanly(terminal)


def test_ctrl_d_leaves_cleanly(tmp_path):
    terminal = Terminal(tmp_path)
    terminal.expect(PROMPT)
    terminal.type("\x04")
    assert_left_cleanly(terminal)


def test_lines_can_be_edited_and_recalled_from_history_after_a_restart(tmp_path):
    terminal = Terminal(tmp_path)
    terminal.expect(PROMPT)
    # A letter left out: back one character (Ctrl-B), put it in, Enter with the cursor mid-line.
    terminal.type(":wo\x02h\r")
    terminal.expect(r"@you \(U0YOU\) in #general")
    terminal.type(":in #fraud\r")
    terminal.expect(r"@you #fraud> $")
    terminal.type(UP + UP + "\r")
    terminal.expect(r"(?s)you are now in #fraud.*@you \(U0YOU\) in #fraud \(C0FRAUD\)\n@you #fraud> $")
    terminal.type("\x04")
    assert_left_cleanly(terminal)
    history = (tmp_path / "crisp.console-history").read_text().splitlines()
    assert history == [":who", ":in #fraud", ":who"]

    again = Terminal(tmp_path)
    again.expect(PROMPT)
    again.type(UP + "\r")  # the last line of the earlier run
    printed = again.expect(r"@you \(U0YOU\) in #general \(C0GENERAL\)\n" + PROMPT)
    assert printed.count("@you (U0YOU)") == 1
    again.type("\x04")
    assert_left_cleanly(again)


def test_sigint_with_piped_input_leaves_cleanly(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "bot", "console"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                               env=console_env(tmp_path))
    banner = process.stdout.readline()
    assert banner.startswith("Crisp console"), banner + process.stderr.read()
    process.stdout.readline()  # "You are @you in #general. …": the prompt is being read now
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stdout + stderr and "KeyboardInterrupt" not in stdout + stderr, stdout + stderr


def test_people_and_channels_keep_their_ids_and_names_after_a_restart(tmp_path):
    first = run_bot(tmp_path, ":as alice\n:in #data-team\n/crisp project create Fraud Watch\n:who\n")
    assert_clean(first)
    who = re.search(r"@alice \((U0\w+)\) in #data-team \((C0\w+)\)", first.stdout)
    assert (tmp_path / "crisp.console.json").exists()  # beside crisp.db

    second = run_bot(tmp_path, "/crisp project list\n:as alice\n:in #data-team\n:who\n/crisp status\n")
    assert_clean(second)
    listing = second.stdout[second.stdout.index("/crisp project list"):second.stdout.index(":as alice")]
    assert "*Fraud Watch*" in listing and "#data-team" in listing, listing
    assert not re.search(r"\bC0[A-Z0-9]{5,}\b", listing), listing  # a name, not an id
    assert f"@alice ({who.group(1)}) in #data-team ({who.group(2)})" in second.stdout
    status = second.stdout[second.stdout.index("/crisp status"):]
    assert "Fraud Watch" in status and "has no project" not in status


def test_the_console_talks_to_the_bot_where_host_puts_it(tmp_path):
    # 127.0.0.2 is this machine too (Linux answers all of 127/8), but not where 127.0.0.1 would reach.
    result = run_bot(tmp_path, "/crisp help\n", "console", HOST="127.0.0.2")
    assert_clean(result)
    assert "── #general — reply visible to only you:" in result.stdout
    assert "!!" not in result.stdout
