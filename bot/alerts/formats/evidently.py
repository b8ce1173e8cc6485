"""An Evidently `Snapshot.json()` posted by a monitoring job (`?project=SLUG` names the project).

Each test with status FAIL or WARNING becomes an alert; a test that passes resolves the alert an
earlier run raised for it. Drift tests list the drifted columns with their scores and thresholds,
taken from the metrics the tests refer to."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from bot.alerts.formats.common import Model, require_object, validated
from bot.alerts.model import (FIRING, RESOLVED, SUMMARY_LIMIT, TITLE_LIMIT, NormalisedAlert, NormalisedGroup,
                              cut, digest)

ALERTING = {"FAIL": "critical", "WARNING": "warning"}
PASSING = {"SUCCESS"}


class MetricConfig(Model):
    metric_id: str | None = None
    params: dict[str, Any] = {}


class Test(Model):
    id: str | None = None
    name: str = ""
    description: str = ""
    status: str
    metric_config: MetricConfig | None = None
    test_config: dict[str, Any] = {}


class Metric(Model):
    id: str
    metric_name: str = ""
    config: dict[str, Any] = {}
    value: Any = None


class Snapshot(Model):
    metrics: list[Metric]
    tests: list[Test] = Field(default_factory=list)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)  # a 400-digit integer overflows a float
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def drifted(metric: Metric) -> bool | None:
    """Whether a ValueDrift metric shows drift: p-values drift below the threshold, distances above."""
    score, threshold = _number(metric.value), _number(metric.config.get("threshold"))
    if score is None or threshold is None:
        return None
    return score < threshold if "p_value" in str(metric.config.get("method", "")) else score >= threshold


def _column_line(metric: Metric) -> str:
    score = _number(metric.value)
    config = metric.config
    shown = f"{score:.3g}" if score is not None else "?"
    return f"{config.get('column')}: {config.get('method', 'score')} {shown} (threshold {config.get('threshold')})"


def _is_drift(params: Mapping[str, Any]) -> bool:
    return "drift" in str(params.get("type", "")).lower()


def parse(data: Any, query: Mapping[str, str]) -> list[NormalisedGroup]:
    require_object(data, "an Evidently Snapshot.json()")
    snapshot: Snapshot = validated(Snapshot, data)
    slug = (query.get("project") or "").strip() or None
    metrics = {metric.id: metric for metric in snapshot.metrics}
    drift_metrics = [m for m in snapshot.metrics if "valuedrift" in str(m.config.get("type", "")).lower()]
    drifted_columns = [m for m in drift_metrics if drifted(m)]
    alerts = []
    for test in snapshot.tests:
        status = test.status.strip().upper()
        if status not in ALERTING and status not in PASSING:
            continue  # ERROR, SKIPPED: nothing to say about the data
        params = test.metric_config.params if test.metric_config else {}
        metric = metrics.get(test.metric_config.metric_id) if test.metric_config and test.metric_config.metric_id \
            else None
        labels = {"test": cut(test.name or test.id or "test", 300), "severity": ALERTING.get(status, "warning")}
        values: dict[str, Any] = {}
        annotations = {"description": cut(test.description, SUMMARY_LIMIT)} if test.description else {}
        if metric is not None:
            if isinstance(metric.value, dict):
                values.update({k: v for k, v in metric.value.items() if _number(v) is not None})
            elif _number(metric.value) is not None:
                values["score"] = _number(metric.value)
        for config in (metric.config if metric is not None else {}, test.test_config):
            if _number(config.get("threshold")) is not None:
                values["threshold"] = _number(config["threshold"])
        if params.get("column") is not None:
            labels["column"] = cut(str(params["column"]), 300)
        if params.get("method") is not None:
            labels["method"] = cut(str(params["method"]), 100)
        if _is_drift(params):
            labels["type"] = "drift"
            if "column" not in params and drifted_columns:
                annotations["drifted_columns"] = cut("; ".join(_column_line(m) for m in drifted_columns), 2000)
        alerts.append(NormalisedAlert(
            fingerprint=digest(test.id, test.name, sorted(params.items(), key=lambda kv: kv[0]))[:32],
            status=FIRING if status in ALERTING else RESOLVED,
            summary=cut(test.name or test.description or "Evidently test", SUMMARY_LIMIT),
            labels=labels, annotations=annotations, values=values,
            only_if_known=status in PASSING,
        ))
    failing = [a for a in alerts if a.status == FIRING]
    where = f" for {slug}" if slug else ""
    title = f"Evidently: {len(failing)} test{'s' if len(failing) != 1 else ''} failed{where}"
    severity = "critical" if any(a.labels["severity"] == "critical" for a in failing) else "warning"
    summary = ("Drifted columns: " + ", ".join(str(m.config.get("column")) for m in drifted_columns)
               if drifted_columns else (failing[0].summary if failing else "All tests pass"))
    return [NormalisedGroup(
        source="evidently", group_key=f"evidently:{slug or ''}", title=cut(title, TITLE_LIMIT), severity=severity,
        summary=cut(summary, SUMMARY_LIMIT), rule=f"evidently:{slug or ''}"[:200], kind="drift",
        common_labels={"source": "evidently", **({"project": slug} if slug else {})},
        project_slug=slug, alerts=alerts,
    )]
