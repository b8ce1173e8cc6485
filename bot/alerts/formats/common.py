"""Pieces the format models share: lenient label maps, RFC 3339 timestamps, links, and errors that
name the field."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from bot.alerts.model import URL_LIMIT
from bot.text import clean_text

# Go's zero time (Alertmanager's endsAt of a firing alert) and anything before 1971 mean "not set".
_NOT_SET_BEFORE = datetime(1971, 1, 1, tzinfo=UTC)
_FRACTION = re.compile(r"\.(\d+)")
_SAFE_URL = re.compile(r"https?://[^\s<>|\x00-\x1f\x7f]+", re.IGNORECASE)
LABEL_LIMIT = 500  # characters kept of a label or annotation value


class FormatError(Exception):
    """The body is not the format: `detail` lists {"field", "message"}, the first one is the gist."""

    def __init__(self, detail: list[dict[str, str]]):
        super().__init__(detail[0]["message"] if detail else "invalid body")
        self.detail = detail

    @property
    def summary(self) -> str:
        first = self.detail[0] if self.detail else {"field": "", "message": "invalid body"}
        return f"{first['field']}: {first['message']}" if first["field"] else first["message"]


class Model(BaseModel):
    """Unknown fields are ignored; missing optional ones take their defaults."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def scrub(value: Any) -> Any:
    """Every string of a parsed body (keys too) without control characters, NUL, bidi overrides or lone
    surrogates: what no message should show and PostgreSQL cannot store."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(key)): scrub(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [scrub(inner) for inner in value]
    return value


def _label_value(value: Any) -> str:
    """Label and annotation values are strings; numbers and booleans some senders emit become text."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float) and math.isfinite(value):
        text = repr(value)
    elif value is None:
        text = ""
    else:
        raise ValueError("must be a string")
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


LabelValue = Annotated[str, BeforeValidator(_label_value)]
Labels = dict[str, LabelValue]


def _timestamp(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 timestamp string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Go writes nanoseconds; Python keeps microseconds.
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an RFC 3339 timestamp like 2026-09-14T08:12:31Z") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return None if moment < _NOT_SET_BEFORE else moment


Timestamp = Annotated[datetime | None, BeforeValidator(_timestamp)]


def safe_url(value: Any) -> str | None:
    """An http(s) URL fit to put in a Slack link, else None (other schemes and odd characters are dropped)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) > URL_LIMIT or not _SAFE_URL.fullmatch(value):
        return None
    return value


def links(**candidates: Any) -> dict[str, str]:
    """The usable links among `candidates` (name -> URL), in the order given."""
    return {name: url for name, url in ((n, safe_url(v)) for n, v in candidates.items()) if url}


def validated(model: type[Model], data: Any, *, prefix: str = "") -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FormatError(describe(exc, prefix)) from None
    except (RecursionError, OverflowError) as exc:  # pathological nesting or numbers
        raise FormatError([{"field": prefix.rstrip("."), "message": f"cannot be read ({type(exc).__name__})"}]) \
            from None


def describe(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    detail = []
    for error in exc.errors(include_url=False, include_input=False)[:20]:
        location = ".".join(str(part) for part in error.get("loc", ()))
        message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
        detail.append({"field": (prefix + location).rstrip(".") or "(body)", "message": message})
    return detail


def require_object(data: Any, what: str) -> None:
    if not isinstance(data, dict):
        raise FormatError([{"field": "(body)", "message": f"must be a JSON object ({what})"}])
