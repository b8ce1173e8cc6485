"""Open alerts on the status card and on the App Home tab of the project's team."""

from __future__ import annotations

import json

from bot.views.ids import ActionId
from tests.alerts.conftest import sample
from tests.alerts.test_buttons import firing_group, press, value_of
from tests.alerts.test_samples import make_project
from tests.team.test_home import opened, texts

CHANNEL = "C0FRAUD"


async def test_status_card_lists_open_alerts_with_age_and_ack_state(runtime, slack, alerts, standin, relay, clock):
    await make_project(slack, "Fraud Scorer", CHANNEL)
    before = json.dumps((await slack.command("status", channel=CHANNEL)).json)
    assert "*Open alerts:* none" in before
    await slack.command("alerts route model=fraud-scorer", channel=CHANNEL)
    clock.set(clock.now().replace(year=2026, month=9, day=14, hour=9))
    assert (await alerts.post("alertmanager", sample("alertmanager_firing"))).status == 202
    await relay()
    card = json.dumps((await slack.command("status", channel=CHANNEL)).json)
    assert "*Open alerts:* 1" in card
    assert "FeatureDriftDetected" in card and "not acknowledged" in card and "47 min" in card

    post = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args][0]
    await press(slack, ActionId.ALERT_ACK, value_of(post, ActionId.ALERT_ACK))
    assert "acked by <@U0ADMIN>" in json.dumps((await slack.command("status", channel=CHANNEL)).json)

    assert (await alerts.post("alertmanager", sample("alertmanager_resolved"))).status == 202
    assert "*Open alerts:* none" in json.dumps((await slack.command("status", channel=CHANNEL)).json)


async def test_app_home_shows_open_alerts_of_the_persons_projects(runtime, slack, alerts, standin, relay, drain):
    await firing_group(slack, alerts, standin, relay)
    await slack.command("role add <@U0ALICE|alice> ml-engineer", channel=CHANNEL)
    await slack.event(opened("U0ALICE"))
    await drain()
    lines = " ".join(texts(standin.home_view("U0ALICE")))
    assert ":rotating_light: 1 open alert, 1 not acknowledged" in lines
    assert f"<#{CHANNEL}>" in lines
