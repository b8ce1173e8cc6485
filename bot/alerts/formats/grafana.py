"""Grafana alerting's webhook contact point, payload version 1: Alertmanager's shape plus, per alert,
`values`, `silenceURL`, `dashboardURL`, `panelURL` and the rule's uid."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from bot.alerts.formats import alertmanager
from bot.alerts.formats.common import require_object, validated
from bot.alerts.model import NormalisedGroup

Value = float | int | str | bool | None


class GrafanaAlert(alertmanager.WebhookAlert):
    values: dict[str, Value] | None = None
    silenceURL: str | None = None
    dashboardURL: str | None = None
    panelURL: str | None = None
    ruleUID: str | None = None


class GrafanaWebhook(alertmanager.Webhook):
    alerts: list[GrafanaAlert]
    title: str | None = None
    message: str | None = None
    state: str | None = None


def _finite(values: dict[str, Value] | None) -> dict[str, Any]:
    """Values as JSON can hold them (no NaN or infinities)."""
    return {key: value for key, value in (values or {}).items()
            if not (isinstance(value, float) and not math.isfinite(value))}


def parse(data: Any, query: Mapping[str, str]) -> list[NormalisedGroup]:
    require_object(data, "a Grafana webhook body")
    body: GrafanaWebhook = validated(GrafanaWebhook, data)
    alerts = []
    for alert in body.alerts:
        normalised = alertmanager.normalise_alert(alert, dashboard=alert.dashboardURL, panel=alert.panelURL,
                                                  silence=alert.silenceURL)
        normalised.values = _finite(alert.values)
        alerts.append(normalised)
    rule = next((alert.ruleUID for alert in body.alerts if alert.ruleUID), None)
    group = alertmanager.group_of("grafana", body, alerts, rule=None)
    if rule:
        group.rule = f"{group.rule} ({rule})"[:200]
    return [group]
