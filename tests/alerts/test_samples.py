"""Each sample sender body is accepted (202) and becomes one channel message with its summary; the
resolved sample edits the firing message and replies in its thread instead of posting anew."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage.tables import Alert, AlertGroup
from tests.alerts.conftest import sample
from tests.conftest import count_rows


_LITERAL = re.compile(r"<!date\^00000000\^\{_\}\|([^<>]*)>")


def shown(text: str) -> str:
    """Text as Slack shows it: literal-mark tokens become their marks, entities their characters."""
    return _LITERAL.sub(lambda m: m.group(1), text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def message_text(call) -> str:
    """Everything a person sees of a posted or edited message."""
    return shown(str(call.args.get("text", "")) + str(call.args.get("blocks", "")) +
                 str(call.args.get("attachments", "")))


async def make_project(slack, name: str, channel: str) -> None:
    answer = await slack.command(f"project create {name}", channel=channel)
    assert answer.json["text"].startswith("Created"), answer.json


async def test_alertmanager_firing_then_resolved_edits_one_message(runtime, slack, alerts, standin, relay):
    await make_project(slack, "Fraud Scorer", "C0FRAUD")
    routed = await slack.command("alerts route model=fraud-scorer", channel="C0FRAUD")
    assert routed.json["text"].startswith("Routed alerts labelled model=fraud-scorer here")
    await relay()
    standin.calls.clear()

    answer = await alerts.post("alertmanager", sample("alertmanager_firing"))
    assert answer.status == 202, answer.text
    assert answer.json == {"status": "stored", "alerts": 2, "groups": 1}
    await relay()
    [post] = standin.calls_to("chat.postMessage")
    assert post.args["channel"] == "C0FRAUD"
    seen = message_text(post)
    assert "Feature drift on fraud-scorer/transaction_amount" in seen
    assert "Feature drift on fraud-scorer/merchant_category" in seen
    assert post.args["text"].startswith("Firing: FeatureDriftDetected")
    assert post.args["attachments"][0]["color"] == "#ECB22E"

    # The same body again is a repeat: nothing new in Slack.
    again = await alerts.post("alertmanager", sample("alertmanager_firing"))
    assert again.status == 202
    await relay()
    assert len(standin.calls_to("chat.postMessage")) == 1
    assert standin.calls_to("chat.update") == []

    resolved = await alerts.post("alertmanager", sample("alertmanager_resolved"))
    assert resolved.status == 202
    await relay()
    posts = standin.calls_to("chat.postMessage")
    [edit] = standin.calls_to("chat.update")
    assert edit.args["ts"] == post.response["ts"]
    assert edit.args["text"].startswith("Resolved: FeatureDriftDetected")
    assert edit.args["attachments"][0]["color"] == "#2EB67D"
    assert "fired for 1 h 31 min" in message_text(edit)
    assert len(posts) == 2
    reply = posts[1]
    assert reply.args["thread_ts"] == post.response["ts"]
    assert reply.args["text"].startswith(":large_green_circle: Resolved after 1 h 31 min")
    messages = standin.messages("C0FRAUD")
    assert [m["ts"] for m in messages if not m.get("thread_ts") or m["thread_ts"] == m["ts"]] .count(post.response["ts"]) == 1
    assert await count_rows(runtime, AlertGroup) == 1
    assert await count_rows(runtime, Alert) == 2


async def test_grafana_sample_reaches_the_project_named_by_route(runtime, slack, alerts, standin, relay):
    await make_project(slack, "Churn Predictor", "C0CHURN")
    await slack.command("alerts route model=churn-predictor", channel="C0CHURN")
    answer = await alerts.post("grafana", sample("grafana_firing"))
    assert answer.status == 202, answer.text
    await relay()
    posts = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    [post] = posts
    assert post.args["channel"] == "C0CHURN"
    seen = message_text(post)
    assert "churn-predictor AUC dropped to 0.742 in eu-west" in seen
    assert "B=0.742" in seen
    assert "|Silence>" in seen and "|Panel>" in seen


async def test_evidently_sample_goes_to_the_project_in_the_query(runtime, slack, alerts, standin, relay):
    await make_project(slack, "Credit Risk", "C0RISK")
    answer = await alerts.post("evidently", sample("evidently_datadrift_report"), query="?project=credit-risk")
    assert answer.status == 202, answer.text
    assert answer.json["alerts"] == 4  # FAIL tests; the passing one resolves nothing it knew
    await relay()
    [post] = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    assert post.args["channel"] == "C0RISK"
    seen = message_text(post)
    assert "Value Drift for column age" in seen
    assert "Drifted columns: age: K-S p_value 3.41e-19 (threshold 0.05)" in seen
    assert "income" not in seen.split("Drifted columns")[1].split("\\n")[0]
    async with runtime.db.read() as session:
        group = (await session.execute(select(AlertGroup))).scalars().one()
    assert (group.kind, group.severity, group.firing_count) == ("drift", "critical", 4)


async def test_generic_alert_with_project_field(runtime, slack, alerts, standin, relay):
    await make_project(slack, "Churn Radar", "C0CHURN")
    body = {"title": "Prediction latency high", "status": "firing", "severity": "critical", "project": "churn-radar",
            "labels": {"service": "scorer"}, "annotations": {"summary": "p95 latency 2.3 s"},
            "url": "https://grafana.example/d/latency"}
    answer = await alerts.post("generic", body)
    assert answer.status == 202, answer.text
    await relay()
    [post] = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    assert post.args["channel"] == "C0CHURN"
    assert "p95 latency 2.3 s" in message_text(post)
    assert post.args["attachments"][0]["color"] == "#E01E5A"
