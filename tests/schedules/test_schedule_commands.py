"""`checkin every …` / `digest every …` / `… off` over signed HTTP: stored, announced, refused for
non-leads; bad schedules get an ephemeral line naming the problem and store nothing."""

from __future__ import annotations

from sqlalchemy import select

from storage.tables import Schedule
from tests.conftest import count_rows

CHANNEL = "C0CHURN"


async def make_project(slack) -> None:
    answer = await slack.command("project create Churn Radar", channel=CHANNEL)
    assert answer.json["text"].startswith("Created"), answer.json


async def schedules(runtime) -> list[Schedule]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(Schedule).order_by(Schedule.id))).scalars())


async def test_checkin_every_stores_and_announces(runtime, slack, standin, drain):
    await make_project(slack)
    answer = await slack.command("checkin every weekdays at 09:00 europe/berlin", channel=CHANNEL)
    assert answer.json["response_type"] == "ephemeral"
    assert answer.json["text"].startswith(":calendar: Check-ins every weekday at 09:00 (Europe/Berlin).")
    [row] = await schedules(runtime)
    assert (row.kind, row.days, row.at_time, row.tz, row.enabled) == (
        "checkin", "mon,tue,wed,thu,fri", "09:00", "Europe/Berlin", True)
    await drain()
    texts = [c.args["text"] for c in standin.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert any("scheduled check-ins" in t and "every weekday at 09:00 (Europe/Berlin)" in t for t in texts)

    answer = await slack.command("digest every mon,wed,fri at 7:30", channel=CHANNEL)
    assert "Stakeholder digests every Mon, Wed, Fri at 07:30 (UTC)" in answer.json["text"]  # DEFAULT_TIMEZONE
    answer = await slack.command("checkin every daily at 10:15 UTC", channel=CHANNEL)
    assert answer.json["text"].startswith(":calendar: Check-ins every day at 10:15 (UTC); this replaces every "
                                          "weekday at 09:00 (Europe/Berlin).")
    await drain()
    texts = [c.args["text"] for c in standin.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert "every day at 10:15 (UTC); this replaces every weekday at 09:00 (Europe/Berlin)." in texts[-1]
    # The same schedule again replaces nothing.
    answer = await slack.command("checkin every daily at 10:15 UTC", channel=CHANNEL)
    assert "replaces" not in answer.json["text"]
    answer = await slack.command("digest every mon,wed,fri at 7:30 UTC", channel=CHANNEL)
    assert "replaces" not in answer.json["text"]
    rows = await schedules(runtime)
    assert [(r.kind, r.days, r.at_time) for r in rows] == [("checkin", "mon,tue,wed,thu,fri,sat,sun", "10:15"),
                                                          ("digest", "mon,wed,fri", "07:30")]
    answer = await slack.command("checkin off", channel=CHANNEL)
    assert answer.json["text"].startswith(":calendar: Check-ins are off.")
    answer = await slack.command("checkin off", channel=CHANNEL)
    assert "were not scheduled" in answer.json["text"]
    assert [r.enabled for r in await schedules(runtime)] == [False, True]
    # One that was off is not replaced; one that was on is named.
    answer = await slack.command("checkin every weekdays at 09:00 UTC", channel=CHANNEL)
    assert "replaces" not in answer.json["text"]
    answer = await slack.command("digest every weekdays at 8:00", channel=CHANNEL)
    assert "digests every weekday at 08:00 (UTC); this replaces every Mon, Wed, Fri at 07:30 (UTC)." in \
        answer.json["text"]


async def test_bad_schedules_name_the_problem_and_store_nothing(runtime, slack):
    await make_project(slack)
    cases = {
        "checkin every funday at 25:00": ["`funday` is not a day", "`25:00` is not a time of day"],
        "checkin every weekdays at 09:00 Mars/Olympus": ["`Mars/Olympus` is not a time zone"],
        "digest every weekdays at 9": ["`9` is not a time of day"],
        "digest every weekdays": ["Say when"],
        "digest every weekdays at 09:00 local": ["`local` is for check-ins"],
        "checkin every at 09:00": ["No days given"],
    }
    for text, expected in cases.items():
        answer = await slack.command(text, channel=CHANNEL)
        assert answer.status == 200
        assert answer.json["response_type"] == "ephemeral"
        shown = answer.json["blocks"][0]["text"]["text"]
        for piece in expected:
            assert piece in shown, (text, shown)
    assert await count_rows(runtime, Schedule) == 0


async def test_only_leads_manage_schedules(runtime, slack):
    await make_project(slack)
    await slack.command("role add <@U0BOB|bob> data-scientist", channel=CHANNEL)
    answer = await slack.command("checkin every weekdays at 09:00", user="U0BOB", channel=CHANNEL)
    assert answer.json["text"].startswith("Refused")
    answer = await slack.command("digest off", user="U0BOB", channel=CHANNEL)
    assert answer.json["text"].startswith("Refused")
    assert await count_rows(runtime, Schedule) == 0


async def test_hostile_schedule_text_is_shown_not_parsed(runtime, slack):
    await make_project(slack)
    answer = await slack.command("checkin every &lt;!here&gt; at 09:00", channel=CHANNEL)
    assert "<!here>" not in answer.json["text"] and "is not a day" in answer.json["text"]
    answer = await slack.command("checkin every mon at 09:00 <@U0BOB|bob>", channel=CHANNEL)
    assert "<@U0BOB" not in answer.json["text"] and "not a time zone" in answer.json["text"]


async def test_the_status_card_shows_the_next_check_in_and_digest(runtime, slack, clock):
    from datetime import UTC, datetime
    clock.set(datetime(2026, 1, 9, 12, 0, tzinfo=UTC))  # a Friday
    await make_project(slack)
    card = await slack.command("status", channel=CHANNEL)
    assert "*Next check-in:* not scheduled" in str(card.json["blocks"])
    await slack.command("checkin every weekdays at 09:00 Europe/Berlin", channel=CHANNEL)
    card = await slack.command("status", channel=CHANNEL)
    shown = str(card.json["blocks"])
    # Monday 09:00 in Berlin is 08:00 UTC
    monday = int(datetime(2026, 1, 12, 8, 0, tzinfo=UTC).timestamp())
    assert f"*Next check-in:* <!date^{monday}^" in shown
    assert "|2026-01-12 08:00 UTC> · every weekday at 09:00 (Europe/Berlin)" in shown  # one pair of parentheses
    assert "*Next digest:* not scheduled" in shown
