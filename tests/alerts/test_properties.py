"""Property: whatever a sender posts to an alert route — samples broken at any field, any JSON, any bytes —
the answer is 202, 400, 401 or 413, never a 5xx, nothing is logged at ERROR, and a refused body stores
nothing. Hypothesis drives the running app from a worker thread over real HTTP, 500 bodies per route."""

from __future__ import annotations

import asyncio
import copy
import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.alerts.conftest import ALERT_TOKEN, sample
from tests.handlers.conftest import log_records, table_counts  # noqa: F401  (fixture)

EXAMPLES = 500
MISSING = object()
NO_SURROGATES = st.characters(exclude_categories=("Cs",))
HOSTILE = st.sampled_from(["<!channel>", "&lt;!here&gt;", "<@U0ADMIN>", "\u202eevil", "a\x00b", "x" * 5000,
                           "2026-13-45T99:99:99Z", "0001-01-01T00:00:00Z", "javascript:alert(1)", "", " ",
                           "9" * 400, "firing", "resolved", "FAIL", "WARNING"])
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(NO_SURROGATES, max_size=12) | HOSTILE,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(NO_SURROGATES, max_size=8), inner, max_size=4),
    max_leaves=10)
GENERIC = [{"title": "Latency high", "status": "firing", "severity": "critical", "project": "churn",
            "labels": {"service": "scorer"}, "annotations": {"summary": "p95 2.3 s"}, "fingerprint": "abc",
            "url": "https://example.org/x", "starts_at": "2026-09-14T10:00:00Z"}]
SEEDS = {
    "alertmanager": [sample("alertmanager_firing"), sample("alertmanager_resolved")],
    "grafana": [sample("grafana_firing")],
    "evidently": [sample("evidently_datadrift_report")],
    "generic": [GENERIC, GENERIC[0]],
}


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, prefix + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, prefix + (index,))
    return found


def put(target: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        target = target[key]
    if value is MISSING:
        del target[path[-1]]
    else:
        target[path[-1]] = value


@st.composite
def bodies(draw, source: str) -> bytes:
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "mutated", "json", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "json":
        return json.dumps(draw(ANY_JSON)).encode()
    body = copy.deepcopy(draw(st.sampled_from(SEEDS[source])))
    for _ in range(draw(st.integers(1, 4))):
        places = paths(body)
        if not places:
            break
        put(body, draw(st.sampled_from(places)), draw(st.one_of(ANY_JSON, HOSTILE, st.just(MISSING))))
    return json.dumps(body).encode()


@pytest.mark.timeout(900)
@pytest.mark.parametrize("source", sorted(SEEDS))
async def test_no_body_gets_a_5xx_and_a_refused_one_stores_nothing(runtime, alerts, log_records, source):
    loop = asyncio.get_running_loop()
    outcomes: Counter[int] = Counter()
    baseline = {"counts": await table_counts(runtime.db)}
    url = f"{alerts.base_url}/alerts/{source}?project=churn"

    def run(coro):
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=60)

    async def send(raw: bytes) -> tuple[int, str]:
        async with alerts.http.post(url, data=raw, headers={"Authorization": f"Bearer {ALERT_TOKEN}",
                                                            "Content-Type": "application/json"}) as response:
            return response.status, await response.text()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(bodies(source))
    def one_body(raw: bytes) -> None:
        log_records.clear()
        status, text = run(send(raw))
        where = f"{raw[:300]!r}: {status} {text[:300]}"
        assert status in (202, 400, 413), where
        assert log_records.errors == [], where
        counts = run(table_counts(runtime.db))
        if status == 202:
            baseline["counts"] = counts
        else:
            assert counts == baseline["counts"], where
            assert json.loads(text)["detail"], where
        outcomes[status] += 1

    await asyncio.to_thread(one_body)
    assert outcomes[202] >= 50 and outcomes[400] >= 50, outcomes
