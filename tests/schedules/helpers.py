"""A project with a team, and a scheduled check-in, for the schedule tests."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.schedules.sweep import schedule_sweep

CHANNEL = "C0CHURN"
ALICE, BOB = "U0ALICE", "U0BOB"
# A Monday, 08:00 UTC: the fake clock starts here, before the day's 09:00 slot.
MONDAY_8 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


async def project_with_team(slack, clock) -> None:
    clock.set(MONDAY_8)
    answer = await slack.command("project create Churn Radar", channel=CHANNEL)
    assert answer.json["text"].startswith("Created"), answer.json
    await slack.command(f"role add <@{ALICE}|alice> data-scientist", channel=CHANNEL)
    await slack.command(f"role add <@{BOB}|bob> ml-engineer", channel=CHANNEL)


async def sweep(runtime, drain=None) -> str:
    summary = await schedule_sweep(runtime.services)
    if drain is not None:
        await drain()
    return summary


def dms_to(standin, user_id: str) -> list:
    return [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == user_id]


def channel_posts(standin, channel: str = CHANNEL) -> list:
    return [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == channel]
