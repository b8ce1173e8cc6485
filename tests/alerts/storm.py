"""A storm to throw at the app: Alertmanager bodies on a fake-time schedule over many project channels,
a driver that ingests them through HTTP while relaying and sending on the same fake clock, and checks
that Slack ends up showing every group's final state, once."""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from bot.alerts.relay import relay_all
from bot.slack_standin.limits import RateLimits
from storage.queries import slack_messages
from storage.tables import Alert, AlertGroup, AlertStorm, OutboxMessage, OutboxStatus
from tests.alerts.test_samples import make_project

from bot.views.alert_storms import PAGE_SIZE


@dataclass(frozen=True)
class Send:
    at: float  # seconds into the storm
    body: dict


def channel_of(n: int) -> str:
    return f"C0STORM{n:02d}"


async def make_channels(slack, count: int) -> None:
    for n in range(count):
        await make_project(slack, f"Storm {n:02d}", channel_of(n))


def alertmanager_body(group: str, project: str, alerts: list[tuple[str, str]], severity: str) -> dict:
    return {
        "version": "4", "groupKey": f"{{}}:{{alertname=\"{group}\"}}", "status": "firing",
        "receiver": "crisp", "groupLabels": {"alertname": group},
        "commonLabels": {"alertname": group, "project": project, "severity": severity},
        "externalURL": "http://alertmanager.invalid",
        "alerts": [{"status": status, "fingerprint": f"{group}-{n}",
                    "labels": {"alertname": group, "project": project, "severity": severity, "instance": f"i{n}"},
                    "annotations": {"summary": f"{group} on i{n}"},
                    "startsAt": "2026-01-05T09:00:00Z",
                    **({"endsAt": "2026-01-05T09:05:00Z"} if status == "resolved" else {})}
                   for n, status in alerts],
    }


def schedule(*, channels: int, groups: int, alerts_per_group: int, seconds: float, seed: int = 7) -> list[Send]:
    """`groups` groups of `alerts_per_group` alerts spread over `seconds` and `channels`: each group first
    fires with half its alerts, the rest join a few seconds later; a third resolve entirely, a tenth partly."""
    rng = random.Random(seed)
    sends = []
    half = alerts_per_group // 2
    for g in range(groups):
        start = seconds * g / groups
        project = f"storm-{g % channels:02d}"
        name = f"Storm{g:04d}"
        severity = rng.choice(["critical", "warning", "warning", "info"])
        sends.append(Send(start, alertmanager_body(name, project, [(n, "firing") for n in range(half)], severity)))
        full = [(n, "firing") for n in range(alerts_per_group)]
        grow_at = min(seconds, start + rng.uniform(1, 8))
        sends.append(Send(grow_at, alertmanager_body(name, project, full, severity)))
        fate = rng.random()
        if fate < 0.33:
            done = [(n, "resolved") for n in range(alerts_per_group)]
            sends.append(Send(min(seconds, grow_at + rng.uniform(1, 15)), alertmanager_body(name, project, done, severity)))
        elif fate < 0.43:
            part = [(n, "resolved" if n < 3 else "firing") for n in range(alerts_per_group)]
            sends.append(Send(min(seconds, grow_at + rng.uniform(1, 15)), alertmanager_body(name, project, part, severity)))
    return sorted(sends, key=lambda s: s.at)


async def post_all(alerts, bodies: list[dict], connections: int = 16) -> None:
    queue = list(bodies)

    async def sender():
        while queue:
            body = queue.pop(0)
            answer = await alerts.post("alertmanager", body)
            assert answer.status == 202, answer.text

    await asyncio.gather(*(sender() for _ in range(min(connections, len(queue)))))


async def send_due(runtime, clock, limit: float | None = None) -> int:
    """Send what the outbox holds that is due by now (the worker's own passes), without moving the clock."""
    sent = 0
    while await runtime.worker.run_once():
        sent += 1
    return sent


async def run(runtime, alerts, clock, sends: list[Send], *, step: float = 0.5, during=None) -> None:
    """Play the schedule: each step, post what is due, relay, send what is due; then move the clock on."""
    start = clock.now()
    elapsed = 0.0
    index = 0
    while index < len(sends):
        due = []
        while index < len(sends) and sends[index].at <= elapsed:
            due.append(sends[index].body)
            index += 1
        if due:
            await post_all(alerts, due)
        if during is not None:
            await during(elapsed)
        await relay_all(runtime.services)
        await send_due(runtime, clock)
        clock.advance(step)
        elapsed = (clock.now() - start).total_seconds()


async def settle(runtime, clock, *, max_seconds: float = 3600) -> None:
    """After the storm: keep relaying and sending, jumping the clock to the next moment anything is due,
    until no change is left to render and the outbox is empty."""
    start = clock.now()
    while (clock.now() - start).total_seconds() < max_seconds:
        await relay_all(runtime.services)
        await send_due(runtime, clock)
        async with runtime.db.read() as session:
            next_group = (await session.execute(select(func.min(AlertGroup.dirty_since)))).scalar_one()
        wait = await runtime.worker.seconds_until_due()
        moments = [w for w in (wait, (next_group - clock.now()).total_seconds() if next_group else None)
                   if w is not None]
        if not moments:
            return
        clock.advance(max(min(moments), 0.001))
    raise AssertionError("the storm did not settle")


LINE = re.compile(r"\*(Storm\d{4})\* · `[a-z]+` · ([^\n]*)")


def expected_state(group: AlertGroup) -> str:
    if group.status == "resolved":
        return f":large_green_circle: resolved · {group.alert_count} alerts"
    return f"{group.firing_count} of {group.alert_count} firing"


async def assert_every_group_shown_once(runtime, standin) -> dict[str, int]:
    """Each group's final state is in its own message, or in its line of its storm's thread page, and
    each group is shown as current in exactly one place. Returns how many were shown where."""
    async with runtime.db.read() as session:
        groups = list((await session.execute(select(AlertGroup))).scalars())
        storms = {s.id: s for s in (await session.execute(select(AlertStorm))).scalars()}
        keys = {}
        for group in groups:
            key = group.message_key or f"{storms[group.storm_id].message_key}:p{group.storm_slot // PAGE_SIZE}"
            keys[group.id] = await slack_messages.get(session, group.team_id, key)
    by_ts = {}
    for channel in {g.channel_id for g in groups}:
        for message in standin.messages(channel):
            by_ts[(channel, message["ts"])] = message
    where = Counter()
    current_lines = defaultdict(list)
    for (channel, ts), message in by_ts.items():
        # Thread pages: plain blocks (summaries and group messages keep theirs in an attachment).
        text = "\n".join((block.get("text") or {}).get("text", "") for block in message.get("blocks") or [])
        for title, state in LINE.findall(text):
            if "now in a message of its own" not in state:
                current_lines[title].append(state)
    for group in groups:
        posted = keys[group.id]
        assert posted is not None, f"{group.title} was never shown"
        message = by_ts[(posted.channel, posted.ts)]
        if group.message_key:
            gist = message["text"].split("\n")[0]
            assert gist.startswith("Resolved:" if group.status == "resolved" else "Firing:"), (group.title, gist)
            shown = str(message["attachments"])
            if group.status == "firing":
                assert f"{group.firing_count} of {group.alert_count} alerts firing" in shown, (group.title, shown)
            assert group.title not in current_lines, f"{group.title} is also listed in a storm as current"
            where["own message"] += 1
        else:
            [state] = current_lines[group.title]
            assert expected_state(group) in state, (group.title, state, expected_state(group))
            where["storm line"] += 1
    return dict(where)


async def alerts_stored(runtime) -> int:
    async with runtime.db.read() as session:
        return (await session.execute(select(func.count()).select_from(Alert))).scalar_one()


async def outbox_left(runtime) -> int:
    async with runtime.db.read() as session:
        return (await session.execute(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])))).scalar_one()


def rate_ok(times: list[float], interval: float, burst: int) -> bool:
    """Whether calls at these moments keep to a GCRA of `interval` with `burst` (as Slack's pacing)."""
    limits = RateLimits(post_interval=interval, post_burst=burst)
    return all(limits._posts.admit("k", t) is None for t in sorted(times))


def assert_nothing_posted_twice(standin, channels: list[str]) -> int:
    """Every post carries its outbox row's tag in its metadata: no tag twice means no row posted twice.
    Also no group has two top-level messages of its own. Returns how many messages there are."""
    from bot.outbox.delivery import row_tag

    total = 0
    for channel in channels:
        messages = standin.messages(channel)
        tags = Counter(row_tag(m) for m in messages)
        assert all(n == 1 for tag, n in tags.items() if tag), [tag for tag, n in tags.items() if n > 1]
        gists = Counter(m["text"].split(" — ")[0].split(": ", 1)[-1] for m in messages
                        if m.get("attachments") and m["text"].startswith(("Firing:", "Resolved:", "Silenced:")))
        assert all(n == 1 for n in gists.values()), [g for g, n in gists.items() if n > 1]
        total += len(messages)
    return total
