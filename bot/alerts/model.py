"""What every alert format is normalised to before it is stored."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FIRING = "firing"
RESOLVED = "resolved"

# Field sizes as stored (alert_group / alert columns); longer text is cut, never refused.
TITLE_LIMIT = 300
SUMMARY_LIMIT = 2000
RULE_LIMIT = 200
SEVERITY_LIMIT = 32
URL_LIMIT = 1000
FINGERPRINT_LIMIT = 64


@dataclass
class NormalisedAlert:
    fingerprint: str
    status: str  # firing | resolved
    summary: str
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    generator_url: str | None = None
    # Stored only as an update of an alert the group already has (Evidently's passing tests resolve
    # the failures of an earlier run; a test that always passed is no alert).
    only_if_known: bool = False


@dataclass
class NormalisedGroup:
    source: str  # alertmanager | grafana | evidently | generic
    group_key: str  # the sender's own key, any length (stored hashed)
    title: str
    severity: str
    summary: str = ""
    rule: str = ""
    kind: str = ""  # drift | performance | ""
    common_labels: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    external_url: str | None = None
    project_slug: str | None = None  # asked for by the sender (`project` field, label or ?project=)
    truncated: int = 0
    alerts: list[NormalisedAlert] = field(default_factory=list)


def digest(*parts: Any) -> str:
    """A short stable hash of JSON-able parts."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cut(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fingerprint_of(given: str | None, *fallback: Any) -> str:
    """The sender's fingerprint when it fits, else a hash of it (or of `fallback` when none was given)."""
    if given and len(given) <= FINGERPRINT_LIMIT:
        return given
    return digest(given if given else fallback)[:32]


def kind_of(source: str, *label_sets: dict[str, str]) -> str:
    """Drift and performance alerts, by their `type` or `alertname` label (Evidently's are drift)."""
    if source == "evidently":
        return "drift"
    for labels in label_sets:
        for key in ("type", "alertname"):
            value = str(labels.get(key, "")).lower()
            if "drift" in value:
                return "drift"
            if "performance" in value:
                return "performance"
    return ""


def severity_of(*candidates: str | None, default: str = "warning") -> str:
    for candidate in candidates:
        if candidate and candidate.strip():
            return cut(candidate.strip().lower(), SEVERITY_LIMIT)
    return default
