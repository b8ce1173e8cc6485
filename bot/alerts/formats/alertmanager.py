"""Prometheus Alertmanager's webhook payload, version 4 (`notification_reason` since 0.32 and
`routeLabels` since 0.34 are optional; `truncatedAlerts` counts alerts left out of the body)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from bot.alerts.formats.common import Labels, Model, Timestamp, links, require_object, safe_url, validated
from bot.alerts.model import (FIRING, RESOLVED, RULE_LIMIT, SUMMARY_LIMIT, TITLE_LIMIT, NormalisedAlert,
                              NormalisedGroup, cut, fingerprint_of, kind_of, severity_of)

Status = Literal["firing", "resolved"]


class WebhookAlert(Model):
    status: Status
    labels: Labels = {}
    annotations: Labels = {}
    startsAt: Timestamp = None
    endsAt: Timestamp = None
    generatorURL: str | None = None
    fingerprint: str | None = None


class Webhook(Model):
    version: str | None = None
    groupKey: str | None = None
    status: Status | None = None
    receiver: str | None = None
    alerts: list[WebhookAlert]
    groupLabels: Labels = {}
    commonLabels: Labels = {}
    commonAnnotations: Labels = {}
    externalURL: str | None = None
    truncatedAlerts: int = Field(default=0, ge=0, le=2**31 - 1)  # it is stored in an INTEGER column
    notification_reason: str | None = None
    routeLabels: Labels | None = None


def summary_of(annotations: Mapping[str, str], labels: Mapping[str, str]) -> str:
    return (annotations.get("summary") or annotations.get("description") or annotations.get("message")
            or labels.get("alertname") or "")


def alert_links(alert: WebhookAlert, **extra: Any) -> dict[str, str]:
    notes = alert.annotations
    return links(runbook=notes.get("runbook_url") or notes.get("runbook"),
                 dashboard=extra.pop("dashboard", None) or notes.get("dashboard") or notes.get("dashboard_url"),
                 generator=alert.generatorURL, **extra)


def normalise_alert(alert: WebhookAlert, **extra_links: Any) -> NormalisedAlert:
    return NormalisedAlert(
        fingerprint=fingerprint_of(alert.fingerprint, sorted(alert.labels.items())),
        status=FIRING if alert.status == "firing" else RESOLVED,
        summary=cut(summary_of(alert.annotations, alert.labels), SUMMARY_LIMIT),
        labels=dict(alert.labels),
        annotations=dict(alert.annotations),
        links=alert_links(alert, **extra_links),
        starts_at=alert.startsAt,
        ends_at=alert.endsAt,
        generator_url=safe_url(alert.generatorURL),
    )


def group_of(source: str, body: Webhook, alerts: list[NormalisedAlert], *, rule: str | None = None) -> NormalisedGroup:
    common = dict(body.commonLabels)
    first = alerts[0] if alerts else None
    alertname = common.get("alertname") or body.groupLabels.get("alertname") or \
        (first.labels.get("alertname") if first else None) or "Alert"
    group_key = body.groupKey or f"{body.receiver or ''}:{sorted(body.groupLabels.items())}"
    summary = (summary_of(body.commonAnnotations, {}) or (first.summary if first else "") or alertname)
    group_links = links(runbook=body.commonAnnotations.get("runbook_url") or body.commonAnnotations.get("runbook"),
                        dashboard=body.commonAnnotations.get("dashboard")
                        or body.commonAnnotations.get("dashboard_url"))
    for alert in alerts:  # what every alert shares, the group shows once
        for name, url in alert.links.items():
            if name not in group_links and all(other.links.get(name) == url for other in alerts):
                group_links[name] = url
    return NormalisedGroup(
        source=source,
        group_key=group_key,
        title=cut(alertname, TITLE_LIMIT),
        severity=severity_of(common.get("severity"), first.labels.get("severity") if first else None),
        summary=cut(summary, SUMMARY_LIMIT),
        rule=cut(rule or alertname, RULE_LIMIT),
        kind=kind_of(source, common, body.groupLabels, *(a.labels for a in alerts)),
        common_labels=common,
        links=group_links,
        external_url=safe_url(body.externalURL),
        project_slug=common.get("project") or body.groupLabels.get("project") or None,
        truncated=body.truncatedAlerts,
        alerts=alerts,
    )


def parse(data: Any, query: Mapping[str, str]) -> list[NormalisedGroup]:
    require_object(data, "an Alertmanager webhook body")
    body: Webhook = validated(Webhook, data)
    return [group_of("alertmanager", body, [normalise_alert(alert) for alert in body.alerts])]
