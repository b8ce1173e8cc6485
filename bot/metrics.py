"""Prometheus metrics, one registry per running app (tests build many apps in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.slack_requests = Counter(
            "crisp_slack_requests", "Requests from Slack (commands, events, interactivity)",
            ["kind", "status"], registry=r)
        self.slack_request_seconds = Histogram(
            "crisp_slack_request_seconds", "Time to answer a request from Slack", ["kind"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5), registry=r)
        self.alerts_received = Counter("crisp_alerts_received", "Alerts received", ["source"], registry=r)
        self.alerts_stored = Counter("crisp_alerts_stored", "Alerts stored (new or updated)", ["source"],
                                     registry=r)
        self.alerts_relayed = Counter("crisp_alerts_relayed", "Alerts relayed to Slack", ["source"], registry=r)
        self.alerts_failed = Counter("crisp_alerts_failed", "Alert requests refused", ["source", "reason"],
                                     registry=r)
        self.alert_receipt_to_slack = Histogram(
            "crisp_alert_receipt_to_slack_seconds",
            "From storing an alert change to Slack taking the message (or edit, or storm summary) showing it",
            buckets=(0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30, 60, 300), registry=r)
        self.outbox_depth = Gauge("crisp_outbox_depth", "Outbox rows by status", ["status"], registry=r)
        self.outbox_sends = Counter("crisp_outbox_sends", "Outbox send attempts by result", ["result"],
                                    registry=r)
        self.slack_api_calls = Counter("crisp_slack_api_calls", "Slack Web API calls", ["method", "outcome"],
                                       registry=r)
        self.slack_api_ratelimited = Counter("crisp_slack_api_ratelimited",
                                             "Slack Web API calls answered 429", ["method"], registry=r)
        self.job_runs = Counter("crisp_job_runs", "Scheduled job runs", ["job", "outcome"], registry=r)

    def set_outbox_depth(self, counts: dict[str, int]) -> None:
        for status in ("pending", "sending", "sent", "failed", "superseded"):
            self.outbox_depth.labels(status=status).set(counts.get(status, 0))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
