"""Anything else (contract §2): `{"title", "status", "severity", "project", "labels", "annotations",
"fingerprint"?, "url"?, "starts_at"?}` or a list of them. Each alert is its own group, keyed by its
fingerprint (or by its title and labels when it has none)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from bot.alerts.formats.common import FormatError, Labels, Model, Timestamp, describe, links, validated
from bot.alerts.model import (FIRING, RESOLVED, RULE_LIMIT, SUMMARY_LIMIT, TITLE_LIMIT, NormalisedAlert,
                              NormalisedGroup, cut, fingerprint_of, kind_of, severity_of)

MAX_ITEMS = 1000


class GenericAlert(Model):
    title: str = Field(min_length=1)
    status: Literal["firing", "resolved"]
    severity: str | None = None
    project: str | None = None
    labels: Labels = {}
    annotations: Labels = {}
    fingerprint: str | None = None
    url: str | None = None
    starts_at: Timestamp = None
    ends_at: Timestamp = None


def parse(data: Any, query: Mapping[str, str]) -> list[NormalisedGroup]:
    if isinstance(data, list):
        if len(data) > MAX_ITEMS:
            raise FormatError([{"field": "(body)", "message": f"holds {len(data)} alerts; send at most {MAX_ITEMS}"}])
        items = [validated(GenericAlert, item, prefix=f"{index}.") for index, item in enumerate(data)]
    elif isinstance(data, dict):
        items = [validated(GenericAlert, data)]
    else:
        raise FormatError([{"field": "(body)", "message": "must be an alert object or a list of them"}])
    groups: dict[str, NormalisedGroup] = {}
    for item in items:
        fingerprint = fingerprint_of(item.fingerprint, item.title, sorted(item.labels.items()), item.project)
        notes = item.annotations
        alert = NormalisedAlert(
            fingerprint=fingerprint,
            status=FIRING if item.status == "firing" else RESOLVED,
            summary=cut(notes.get("summary") or item.title, SUMMARY_LIMIT),
            labels=dict(item.labels), annotations=dict(notes),
            links=links(runbook=notes.get("runbook_url") or notes.get("runbook"),
                        dashboard=notes.get("dashboard") or notes.get("dashboard_url"), url=item.url),
            starts_at=item.starts_at, ends_at=item.ends_at,
        )
        group = groups.get(fingerprint)
        if group is None:
            groups[fingerprint] = NormalisedGroup(
                source="generic", group_key=f"generic:{fingerprint}", title=cut(item.title, TITLE_LIMIT),
                severity=severity_of(item.severity, item.labels.get("severity")),
                summary=alert.summary, rule=cut(item.labels.get("alertname") or item.title, RULE_LIMIT),
                kind=kind_of("generic", item.labels, {"type": item.title}), common_labels=dict(item.labels),
                links=dict(alert.links), project_slug=(item.project or item.labels.get("project") or None),
                alerts=[alert])
        else:  # the same alert twice in one body: the later state wins
            group.alerts = [alert]
    return list(groups.values())


__all__ = ["describe", "parse"]
