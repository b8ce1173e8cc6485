"""What the alert endpoints refuse: no or wrong credential (401), not JSON or not the format (400 naming
the field), over 1 MiB (413); each one stores nothing. Grafana's HMAC signature is accepted when set."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.alerts.conftest import sample
from tests.handlers.conftest import log_records, table_counts  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("log_records")


async def assert_nothing_stored(runtime, before: dict[str, int]) -> None:
    assert await table_counts(runtime.db) == before


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
async def test_missing_or_wrong_token_is_401(runtime, alerts, token):
    before = await table_counts(runtime.db)
    answer = await alerts.post("alertmanager", sample("alertmanager_firing"), token=token)
    assert answer.status == 401
    assert answer.headers.get("WWW-Authenticate") == "Bearer"
    await assert_nothing_stored(runtime, before)


async def test_other_authorization_schemes_are_401(runtime, alerts):
    answer = await alerts.post("generic", {"title": "x", "status": "firing"}, token=None,
                               headers={"Authorization": "Basic YWxlcnQtdG9rZW4tMDEyMzQ1Njc4OQ=="})
    assert answer.status == 401


@pytest.mark.parametrize("source, body, field", [
    ("alertmanager", {k: v for k, v in sample("alertmanager_firing").items() if k != "alerts"}, "alerts"),
    ("alertmanager", {**sample("alertmanager_firing"), "alerts": "many"}, "alerts"),
    ("alertmanager", {**sample("alertmanager_firing"),
                      "alerts": [{**sample("alertmanager_firing")["alerts"][0], "status": "burning"}]}, "alerts.0.status"),
    ("alertmanager", {**sample("alertmanager_firing"),
                      "alerts": [{**sample("alertmanager_firing")["alerts"][0], "labels": {"a": [1]}}]},
     "alerts.0.labels.a"),
    ("alertmanager", {**sample("alertmanager_firing"),
                      "alerts": [{**sample("alertmanager_firing")["alerts"][0], "startsAt": "yesterday"}]},
     "alerts.0.startsAt"),
    ("grafana", {**sample("grafana_firing"), "truncatedAlerts": "none"}, "truncatedAlerts"),
    ("evidently", {"tests": []}, "metrics"),
    ("generic", {"status": "firing"}, "title"),
    ("generic", [{"title": "ok", "status": "firing"}, {"title": "x", "status": 3}], "1.status"),
    ("generic", "just text", "(body)"),
])
async def test_a_body_not_in_the_format_is_400_naming_the_field(runtime, alerts, source, body, field):
    before = await table_counts(runtime.db)
    answer = await alerts.post(source, body)
    assert answer.status == 400, answer.text
    assert answer.json["detail"][0]["field"] == field
    assert answer.json["error"].startswith(field)
    await assert_nothing_stored(runtime, before)


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe{}", b'{"alerts": NaN}', b"[" * 100_000])
async def test_broken_json_is_400(runtime, alerts, raw):
    before = await table_counts(runtime.db)
    answer = await alerts.post("alertmanager", None, raw=raw)
    assert answer.status == 400, answer.text
    assert answer.json["detail"][0]["field"] == "(body)"
    await assert_nothing_stored(runtime, before)


async def test_two_mebibytes_is_413(runtime, alerts):
    before = await table_counts(runtime.db)
    body = sample("alertmanager_firing")
    body["commonAnnotations"]["padding"] = "x" * (2 * 1024 * 1024)
    answer = await alerts.post("alertmanager", body)
    assert answer.status == 413
    await assert_nothing_stored(runtime, before)


async def test_a_body_with_one_bad_alert_stores_none_of_it(runtime, alerts):
    before = await table_counts(runtime.db)
    good = {"title": "fine", "status": "firing"}
    answer = await alerts.post("generic", [good, good, {"title": "bad", "status": "firing", "labels": "nope"}])
    assert answer.status == 400
    await assert_nothing_stored(runtime, before)


async def test_unknown_fields_are_ignored_and_optional_ones_may_be_missing(runtime, alerts):
    body = sample("alertmanager_firing")
    for key in ("notification_reason", "routeLabels", "truncatedAlerts", "externalURL", "groupKey"):
        body.pop(key)
    body["somethingNew"] = {"nested": [1, 2]}
    body["alerts"][0]["extra"] = True
    answer = await alerts.post("alertmanager", body)
    assert answer.status == 202, answer.text


@pytest.fixture
def settings_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("settings_overrides", [{"alert_token": None}], indirect=True)
async def test_without_alert_token_everyone_gets_401_and_the_log_says_why(runtime, alerts, log_records):
    answer = await alerts.post("generic", {"title": "x", "status": "firing"}, token="anything")
    assert answer.status == 401
    assert any("ALERT_TOKEN is not set" in r.getMessage() for r in log_records.warnings)


@pytest.mark.parametrize("settings_overrides", [{"alert_hmac_secret": "grafana-hmac-secret"}], indirect=True)
async def test_grafana_hmac_signature_is_accepted(runtime, alerts, clock):
    raw = json.dumps(sample("grafana_firing")).encode()
    signature = hmac.new(b"grafana-hmac-secret", raw, hashlib.sha256).hexdigest()
    answer = await alerts.post("grafana", None, raw=raw, token=None,
                               headers={"X-Grafana-Alerting-Signature": signature})
    assert answer.status == 202, answer.text

    def stamped(stamp: str) -> dict[str, str]:
        signed = hmac.new(b"grafana-hmac-secret", stamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
        return {"X-Grafana-Alerting-Signature": signed, "X-Grafana-Alerting-Signature-Timestamp": stamp}

    now = int(clock.now().timestamp())
    answer = await alerts.post("grafana", None, raw=raw, token=None, headers=stamped(str(now - 60)))
    assert answer.status == 202, answer.text
    # A correctly signed but old (or far-future, or malformed) timestamp is a replay: refused.
    for stale in (str(now - 301), str(now + 301), "1700000000", "1e9", ""):
        answer = await alerts.post("grafana", None, raw=raw, token=None, headers=stamped(stale))
        assert answer.status == 401, stale

    wrong = await alerts.post("grafana", None, raw=raw + b" ", token=None,
                              headers={"X-Grafana-Alerting-Signature": signature})
    assert wrong.status == 401
