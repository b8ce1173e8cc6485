"""Log set-up: one line per event, text or JSON lines, with secrets scrubbed from every record."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

# Slack tokens have a recognisable shape even when we do not know their value.
TOKEN_PATTERN = re.compile(r"\b(xox[abeprs]|xapp)-[A-Za-z0-9-]+")
STANDARD_ATTRIBUTES = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# What could end a line or hide text in a terminal: C0 controls but tab, DEL, C1 controls (NEL among them),
# the Unicode line and paragraph separators, bidi overrides and isolates, and lone surrogates.
_UNSAFE_IN_A_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def escape_controls(text: str) -> str:
    """`text` on one line: characters that could forge a log line or disguise one are written as escapes."""
    return _UNSAFE_IN_A_LINE.sub(_escape, text)


class SecretScrubber(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return TOKEN_PATTERN.sub(lambda m: m.group(1) + "-[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.scrub(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        for key, value in list(record.__dict__.items()):
            if key not in STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, self.scrub(value))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """One line per record: values inside the message are escaped (a newline typed by someone cannot
    start a forged line); a traceback, which only our own code produces, stays multi-line after it."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)


def configure_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = (),
                      stream=None) -> SecretScrubber:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    scrubber = SecretScrubber(secrets)
    handler.addFilter(scrubber)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that log request bodies or headers at DEBUG stay at INFO or quieter.
    library_level = max(logging.getLevelName(level), logging.INFO)
    for noisy in ("slack_sdk", "slack_bolt", "asyncio"):
        logging.getLogger(noisy).setLevel(library_level)
    # SQLAlchemy echoes every statement at INFO; aiohttp's access log would double our request line;
    # APScheduler's own lines repeat our one line per job run.
    for chatty in ("sqlalchemy.engine", "aiohttp.access", "alembic.runtime.migration", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return scrubber
