"""A storm: 10,000 alerts in 60 s (fake time) over 20 project channels, against a Slack stand-in that
enforces its limits (1 message a second per channel with short bursts, chat.update at Tier 3) and
answers 429 beyond them. Crisp draws no 429, keeps every channel within its rate, and in the end
shows every group's final state: in its own message, or in its line of the channel's storm summary."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bot.slack_standin.limits import SLACK_TIERS
from tests.alerts import storm

CHANNELS = 20
GROUPS = 1000
ALERTS_PER_GROUP = 10


@pytest.fixture
def settings_overrides():
    return {}


async def test_ten_thousand_alerts_in_a_minute_draw_no_429_and_all_show(runtime, slack, alerts, standin, clock,
                                                                      drain):
    await storm.make_channels(slack, CHANNELS)
    await drain()
    standin.calls.clear()
    standin.enforce_rate_limits()
    sends = storm.schedule(channels=CHANNELS, groups=GROUPS, alerts_per_group=ALERTS_PER_GROUP, seconds=60)
    started = clock.now().timestamp()

    await storm.run(runtime, alerts, clock, sends)
    await storm.settle(runtime, clock)

    assert await storm.alerts_stored(runtime) == GROUPS * ALERTS_PER_GROUP
    assert await storm.outbox_left(runtime) == 0
    assert [c for c in standin.calls if c.status == 429] == []
    posts = defaultdict(list)
    for call in standin.calls_to("chat.postMessage"):
        posts[call.args["channel"]].append(call.at)
    assert len(posts) == CHANNELS
    for channel, times in posts.items():
        assert storm.rate_ok(times, 1.0, 3), channel
        # A storm costs a channel a few posts, not one per group.
        assert len(times) < 60, (channel, len(times))
    edits = [c.at for c in standin.calls_to("chat.update")]
    interval, burst = SLACK_TIERS["chat.update"]
    assert storm.rate_ok(edits, interval, burst)
    where = await storm.assert_every_group_shown_once(runtime, standin)
    assert where["storm line"] > where["own message"] > 0
    last = max(c.at for c in standin.calls)
    print(f"storm: {where}; posts {sum(map(len, posts.values()))}, edits {len(edits)}, "
          f"last call {last - started:.0f} s after the start (fake time)")
    # Everything was shown within a few minutes of the storm's end, at the pace Slack allows edits.
    assert max(c.at for c in standin.calls) - started < 60 + 600


async def test_a_hundred_groups_for_one_channel_are_all_visible_within_ten_seconds(runtime, slack, alerts, standin,
                                                                                    clock, drain):
    """The storm Alertmanager's own Slack receiver showed 36 of after 60 s, drawing 966 429s."""
    await storm.make_channels(slack, 1)
    await drain()
    standin.calls.clear()
    standin.enforce_rate_limits()
    sends = storm.schedule(channels=1, groups=100, alerts_per_group=10, seconds=0)
    firsts = {}
    for send in sends:  # each group's full firing body, all at once
        if all(a["status"] == "firing" for a in send.body["alerts"]):
            firsts[send.body["groupKey"]] = send
    sends = list(firsts.values())
    assert len(sends) == 100 and all(len(send.body["alerts"]) == 10 for send in sends)
    started = clock.now()

    await storm.run(runtime, alerts, clock, sends + [storm.Send(10, sends[0].body)])
    assert (clock.now() - started).total_seconds() <= 10.5

    assert [c for c in standin.calls if c.status == 429] == []
    where = await storm.assert_every_group_shown_once(runtime, standin)
    assert where == {"own message": 5, "storm line": 95}
    [summary] = [m for m in standin.messages(storm.channel_of(0)) if m["text"].startswith(":warning:")]
    assert summary["text"] == ":warning: 95 alert groups firing in <#C0STORM00>"


async def test_drift_groups_rolled_into_a_storm_mention_the_projects_ml_people(runtime, slack, alerts, standin,
                                                                             clock, drain):
    from storage.queries import projects
    from storage.tables import RoleAssignment

    await storm.make_channels(slack, 1)
    async with runtime.db.transaction() as session:
        project = await projects.active_in_channel(session, "T0CRISP", storm.channel_of(0))
        session.add(RoleAssignment(team_id="T0CRISP", project_id=project.id, user_id="U0ALICE", role="ml-engineer",
                                   assigned_by="U0ADMIN", assigned_at=clock.now()))
    bodies = [{"title": f"Drift {n}", "status": "firing", "labels": {"project": "storm-00", "type": "drift"}}
              for n in range(8)]
    assert (await alerts.post("generic", bodies)).status == 202
    await storm.settle(runtime, clock)
    [summary] = [m for m in standin.messages(storm.channel_of(0)) if m["text"].startswith(":warning:")]
    assert summary["text"].split("\n") == [
        ":warning: 3 alert groups firing in <#C0STORM00>",
        "<@U0ALICE> — drift or performance alerts among them, for the project's ML engineers and data scientists"]
