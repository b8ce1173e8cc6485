"""Re-announcing unacknowledged critical alert groups, then escalating them to the product owner.

A scheduled, stateless sweep: a firing critical group nobody acknowledged is announced again in its
thread (also sent to the channel) once it has been up `ALERT_RENOTIFY_MINUTES`, and after twice that it is
escalated: a thread reply naming the project's product owners (else its product managers) and a DM to each.
What was sent is known from the outbox's message keys, one per firing cycle of a group
(`alert:<id>:renotify:<start>`), which are posted once however often or in however many processes the
sweep runs; the groups themselves are claimed with `SKIP LOCKED`. Acknowledging, silencing or resolving
the group stops it; a group that fires again starts a new cycle."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.alerts.relay import mentions_for
from bot.crisp_dm import Role
from bot.services import Services
from bot.views import alert_ops as views
from bot.views import alert_storms as storm_views
from storage.queries import alert_ops, audit, team
from storage.queries import alert_storms as storm_rows
from storage.tables import AlertGroup

log = logging.getLogger("crisp.alerts")

BATCH = 200
# Groups are looked at until this long after they were due for escalation (a scheduler down longer
# than this misses theirs).
LOOKBACK = timedelta(days=1)
ESCALATED_ROLES = (Role.PRODUCT_OWNER.value, Role.PRODUCT_MANAGER.value)


def cycle_start(group: AlertGroup) -> datetime:
    """When this firing cycle became visible: it started firing, or Crisp first saw it, the later."""
    return max(group.started_at, group.first_seen_at)


def cycle_key(group: AlertGroup, stage: str) -> str:
    return f"alert:{group.id}:{stage}:{int(cycle_start(group).timestamp())}"


async def escalation_targets(session, group: AlertGroup) -> list[str]:
    """The project's product owners; when it has none, its product managers."""
    if group.project_id is None:
        return []
    holders = await team.current_holders(session, group.project_id)
    for role in ESCALATED_ROLES:
        chosen = list(dict.fromkeys(user_id for held, user_id in holders if held == role))
        if chosen:
            return chosen
    return []


async def renotify_sweep(services: Services) -> str:
    """One pass over the groups due; returns a summary for the job log."""
    after = timedelta(minutes=services.settings.alert_renotify_minutes)
    now = services.clock.now()
    renotified = escalated = 0
    with services.db.background():
        async with services.db.transaction() as session:
            groups = await alert_ops.claim_unacknowledged(session, now=now, after=after, lookback=LOOKBACK,
                                                          limit=BATCH)
            for group in groups:
                up_for = now - cycle_start(group)
                mentions = await mentions_for(session, group)
                reminder = views.renotify_note(group, up_for, mentions=mentions)
                if await services.outbox.post(session, group.team_id, group.channel_id, reminder,
                                              key=cycle_key(group, "renotify"), thread_of=group.message_key):
                    renotified += 1
                    await audit.record(session, team_id=group.team_id, project_id=group.project_id, actor_id="crisp",
                                       action="alert.renotified", now=now, group=group.id)
                if up_for < 2 * after:
                    continue
                if await _escalate(services, session, group, up_for, now):
                    escalated += 1
            storms = await _storms(services, session, now, after)
    return f"groups={len(groups)} renotified={renotified} escalated={escalated} storms={storms}"


async def _storms(services: Services, session, now: datetime, after: timedelta) -> int:
    """Critical groups a storm summary lists (they have no message, hence no thread, of their own): one
    reminder per storm in its thread, then one escalation, each naming them all."""
    groups = await alert_ops.claim_unacknowledged(session, now=now, after=after, lookback=LOOKBACK, limit=BATCH,
                                                  rolled_up=True)
    by_storm: dict[int, list[AlertGroup]] = {}
    for group in groups:
        by_storm.setdefault(group.storm_id, []).append(group)
    for storm_id, waiting in sorted(by_storm.items()):
        storm = await storm_rows.get_storm(session, storm_id)
        up_for = now - min(cycle_start(g) for g in waiting)
        said = storm_views.duration(up_for)
        await services.outbox.post(session, storm.team_id, storm.channel_id, storm_views.renotify_note(waiting, said),
                                   key=f"{storm.message_key}:renotify", thread_of=storm.message_key)
        if up_for < 2 * after:
            continue
        targets: list[str] = []
        for group in {g.project_id: g for g in waiting}.values():  # one look-up per project, not per group
            targets += await escalation_targets(session, group)
        targets = list(dict.fromkeys(targets))
        key = f"{storm.message_key}:escalate"
        if await services.outbox.post(session, storm.team_id, storm.channel_id,
                                      storm_views.escalation_note(waiting, said, targets), key=key,
                                      thread_of=storm.message_key) is None:
            continue  # escalated before
        for user_id in targets:
            await services.outbox.post(session, storm.team_id, user_id, storm_views.escalation_dm(storm, waiting, said),
                                       key=f"{key}:dm:{user_id}")
        await audit.record(session, team_id=storm.team_id, project_id=None, actor_id="crisp",
                           action="alert.storm_escalated", now=now, storm=storm_id, to=targets)
    return len(by_storm)


async def _escalate(services: Services, session, group: AlertGroup, up_for: timedelta, now: datetime) -> bool:
    targets = await escalation_targets(session, group)
    project = await alert_ops.project_of(session, group.project_id)
    note = views.escalation_note(group, up_for, targets, project)
    key = cycle_key(group, "escalate")
    if await services.outbox.post(session, group.team_id, group.channel_id, note, key=key,
                                  thread_of=group.message_key) is None:
        return False
    for user_id in targets:
        await services.outbox.post(session, group.team_id, user_id, views.escalation_dm(group, up_for, project),
                                   key=f"{key}:dm:{user_id}")
    await audit.record(session, team_id=group.team_id, project_id=group.project_id, actor_id="crisp",
                       action="alert.escalated", now=now, group=group.id, to=targets)
    log.info("alert group %s escalated to %s after %s unacknowledged", group.id, targets or "nobody", up_for)
    return True
