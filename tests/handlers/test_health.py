"""GET /healthz and GET /metrics."""

from __future__ import annotations

from storage.db import create_engine


async def test_healthz_is_ok_while_the_database_answers(slack):
    answer = await slack.get("/healthz")
    assert (answer.status, answer.json) == (200, {"status": "ok"})


async def test_healthz_is_503_when_the_database_does_not_answer(runtime, slack):
    # Health checks have a connection of their own; point it at a server that is not there.
    runtime.db.health_engine = create_engine("postgresql+asyncpg://crisp@127.0.0.1:1/gone")
    answer = await slack.get("/healthz")
    assert answer.status == 503
    assert answer.json["status"] == "unavailable"


async def test_metrics_expose_requests_outbox_depth_and_slack_calls(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    await slack.command("status", channel="C0CHURN")
    before = (await slack.get("/metrics")).text
    assert 'crisp_outbox_depth{status="pending"} 1.0' in before
    assert 'crisp_slack_requests_total{kind="command",status="200"} 2.0' in before
    await drain()
    after = await slack.get("/metrics")
    assert after.status == 200 and after.headers["Content-Type"].startswith("text/plain")
    assert 'crisp_outbox_depth{status="sent"} 1.0' in after.text
    assert 'crisp_slack_api_calls_total{method="chat.postMessage",outcome="ok"} 1.0' in after.text
    for name in ("crisp_alerts_received_total", "crisp_slack_api_ratelimited_total", "crisp_job_runs_total"):
        assert f"# TYPE {name} counter" in after.text


async def test_unverified_requests_are_counted(slack):
    await slack.post_raw("token=x", {"Content-Type": "application/x-www-form-urlencoded"})
    metrics = (await slack.get("/metrics")).text
    assert 'crisp_slack_requests_total{kind="unverified",status="401"} 1.0' in metrics
