"""Store a whole alert body in one transaction: groups upserted by (source, group key), alerts by
fingerprint. A repeat of the same state changes nothing visible; any visible change marks the group
dirty for the relay, which is woken after the commit."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts import routing
from bot.alerts.model import FIRING, RESOLVED, NormalisedAlert, NormalisedGroup, digest
from bot.services import Services
from storage.queries import alerts as alert_rows
from storage.queries import workspaces as workspace_rows
from storage.tables import Alert, AlertGroup

log = logging.getLogger("crisp.alerts")


@dataclass
class Stored:
    alerts: int = 0    # alerts in the body that were stored or matched a stored one
    groups: int = 0    # groups they belong to
    changed: int = 0   # groups with a visible change (the relay renders them)


def hashed_key(group_key: str) -> str:
    return hashlib.sha256(group_key.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Scope:
    """The workspace a body's alerts are for, and what routing needs of it."""

    team_id: str | None          # None: single-workspace mode before Slack said which workspace
    alert_channel: str | None    # for alerts that match no project
    keyed_by_team: bool          # many workspaces: two workspaces' identical group keys are two groups

    def key(self, group_key: str) -> str:
        return hashed_key(f"{self.team_id}\x00{group_key}" if self.keyed_by_team else group_key)


async def scope_for(services: Services, session: AsyncSession, team_id: str | None) -> Scope:
    """`team_id` is the workspace whose alert token was presented; None: ALERT_TOKEN (or the HMAC secret),
    which belongs to the single workspace."""
    team_id = team_id or services.bot_team_id()
    workspace = await workspace_rows.get(session, team_id) if team_id else None
    channel = workspace.alert_channel if workspace is not None else None
    if not services.multi_workspace:
        channel = services.settings.alert_channel or channel
    return Scope(team_id, channel, services.multi_workspace)


def alert_digest(alert: NormalisedAlert) -> str:
    """What the message shows of an alert; the same digest again is a repeat."""
    return digest(alert.status, alert.summary, alert.labels, alert.annotations, alert.values, alert.links,
                  alert.ends_at if alert.status == RESOLVED else None)[:64]


# Clocks disagree, sometimes by months (a sender's test fixtures, a host's wrong date); only a start
# beyond any such disagreement (year 9999) is taken as a mistake.
FUTURE_START_TOLERANCE = timedelta(days=366)


async def ingest(services: Services, groups: list[NormalisedGroup], *, team_id: str | None = None) -> Stored:
    """Everything in `groups` is stored, or nothing is (the transaction fails as a whole). `team_id`: the
    workspace the alerts are for (its alert token); None: ALERT_TOKEN's single workspace."""
    stored = Stored()
    now = services.clock.now()
    for group in groups:
        for alert in group.alerts:
            # A start dated absurdly far ahead (year 9999) is taken as now: otherwise the group would
            # read "0 s old" and sort first for ever.
            if alert.starts_at is not None and alert.starts_at > now + FUTURE_START_TOLERANCE:
                alert.starts_at = now
    async with services.db.transaction() as session:
        scope = await scope_for(services, session, team_id)
        routes = await alert_rows.routes_in(session, scope.team_id)
        # Every body locks its groups in one order (PostgreSQL): two bodies naming the same groups in
        # different orders would otherwise each hold one and wait for the other, a deadlock.
        for group in sorted(groups, key=lambda g: (g.source, scope.key(g.group_key))):
            await _store_group(services, session, group, scope, routes, now, stored)
    return stored


async def _store_group(services: Services, session: AsyncSession, incoming: NormalisedGroup, scope: Scope, routes,
                       now: datetime, stored: Stored) -> None:
    key = scope.key(incoming.group_key)
    group = await alert_rows.group_by_key(session, incoming.source, key, lock=True)
    storable = [a for a in incoming.alerts if not a.only_if_known]
    if group is None and storable and len({a.fingerprint for a in storable}) == len(storable):
        if await _store_new_group(session, incoming, key, storable, scope, routes, now, stored):
            return
        group = await alert_rows.group_by_key(session, incoming.source, key, lock=True)  # stored a moment ago
    if group is None:
        if not storable:
            return  # nothing firing and nothing known: e.g. an Evidently run where every test passes
        started = min((a.starts_at or now for a in storable), default=now)
        await alert_rows.insert_group(session, dict(
            source=incoming.source, group_key=key, title=incoming.title, severity=incoming.severity,
            summary=incoming.summary, rule=incoming.rule, kind=incoming.kind, common_labels=incoming.common_labels,
            links=incoming.links, external_url=incoming.external_url, status=FIRING, first_seen_at=now,
            last_seen_at=now, started_at=started, alert_count=0, firing_count=0, truncated=incoming.truncated,
            silenced_until_resolved=False, revision=0))
        group = await alert_rows.group_by_key(session, incoming.source, key, lock=True)
    existing = {alert.fingerprint: alert for alert in await alert_rows.alerts_of(session, group.id)}
    changed = False
    for alert in incoming.alerts:
        known = existing.get(alert.fingerprint)
        fingerprint_digest = alert_digest(alert)
        if known is None:
            if alert.only_if_known:
                continue
            known = Alert(group_id=group.id, fingerprint=alert.fingerprint, status=alert.status, summary=alert.summary,
                          labels=alert.labels, annotations=alert.annotations, values=alert.values, links=alert.links,
                          starts_at=alert.starts_at or now, ends_at=alert.ends_at, generator_url=alert.generator_url,
                          digest=fingerprint_digest, first_seen_at=now, last_seen_at=now)
            session.add(known)
            existing[alert.fingerprint] = known
            changed = True
        elif known.digest != fingerprint_digest:
            known.status, known.summary, known.labels = alert.status, alert.summary, alert.labels
            known.annotations, known.values, known.links = alert.annotations, alert.values, alert.links
            known.starts_at = alert.starts_at or known.starts_at
            known.ends_at = alert.ends_at if alert.status == RESOLVED else None
            known.generator_url = alert.generator_url
            known.digest = fingerprint_digest
            known.last_seen_at = now
            changed = True
        stored.alerts += 1
    stored.groups += 1
    await _refresh_group(session, group, incoming, list(existing.values()), scope, routes, now, changed, stored)


async def _store_new_group(session: AsyncSession, incoming: NormalisedGroup, key: str, alerts: list[NormalisedAlert],
                           scope: Scope, routes, now: datetime, stored: Stored) -> bool:
    """The common case in a storm, in two statements: a group nobody stored yet, inserted with its final
    state (what `_refresh_group` would make of it), and its alerts in one multi-row insert. False when
    someone stored the same group a moment ago (the caller updates that one instead)."""
    rows = [dict(fingerprint=a.fingerprint, status=a.status, summary=a.summary, labels=a.labels,
                 annotations=a.annotations, values=a.values, links=a.links, starts_at=a.starts_at or now,
                 ends_at=a.ends_at, generator_url=a.generator_url, digest=alert_digest(a), first_seen_at=now,
                 last_seen_at=now) for a in alerts]
    firing = [row for row in rows if row["status"] == FIRING]
    status = FIRING if firing else RESOLVED
    ends = [row["ends_at"] for row in rows if row["ends_at"] is not None]
    started = min(row["starts_at"] for row in (firing or rows))
    found = await routing.destination(
        session, slug=incoming.project_slug, label_sets=[incoming.common_labels, *(a.labels for a in alerts)],
        routes=routes, alert_channel=scope.alert_channel, team_id=scope.team_id)
    group_id = await alert_rows.insert_group(session, dict(
        source=incoming.source, group_key=key, title=incoming.title, severity=incoming.severity,
        summary=incoming.summary, rule=incoming.rule, kind=incoming.kind, common_labels=incoming.common_labels,
        links=incoming.links, external_url=incoming.external_url, status=status, first_seen_at=now,
        last_seen_at=now, started_at=started, resolved_at=(max(ends) if ends else now) if status == RESOLVED else None,
        alert_count=len(rows), firing_count=len(firing), truncated=incoming.truncated,
        silenced_until_resolved=False, revision=1, dirty_since=now, team_id=found.team_id,
        project_id=found.project.id if found.project is not None else None, channel_id=found.channel_id))
    if group_id is None:
        return False
    await alert_rows.insert_alerts(session, group_id, rows)
    if found.channel_id is None:
        log.warning("alert group %s (%s %r) matches no project and ALERT_CHANNEL is not set: it is kept, and "
                    "listed by `alerts` in a channel without a project", group_id, incoming.source, incoming.title)
    stored.alerts += len(rows)
    stored.groups += 1
    stored.changed += 1
    return True


async def _refresh_group(session: AsyncSession, group: AlertGroup, incoming: NormalisedGroup, alerts: list[Alert],
                         scope: Scope, routes, now: datetime, changed: bool, stored: Stored) -> None:
    firing = [a for a in alerts if a.status == FIRING]
    status = FIRING if firing else RESOLVED
    if status != group.status:
        changed = True
        if status == RESOLVED:
            ends = [a.ends_at for a in alerts if a.ends_at is not None]
            group.resolved_at = max(ends) if ends else now
        else:  # firing again
            group.resolved_at = None
            group.resolved_by = None
            group.acked_by = None
            group.acked_at = None
    shown = (incoming.title, incoming.severity, incoming.summary, incoming.links, incoming.truncated)
    if shown != (group.title, group.severity, group.summary, group.links, group.truncated):
        changed = True
        group.title, group.severity, group.summary = incoming.title, incoming.severity, incoming.summary
        group.links, group.truncated = incoming.links, incoming.truncated
    group.status = status
    group.rule, group.kind, group.common_labels = incoming.rule or group.rule, incoming.kind, incoming.common_labels
    group.external_url = incoming.external_url or group.external_url
    group.alert_count, group.firing_count = len(alerts), len(firing)
    group.started_at = min([a.starts_at for a in firing] or [group.started_at])
    group.last_seen_at = now
    if group.channel_id is None:
        await _route(session, group, incoming, alerts, scope, routes)
    if changed:
        group.revision += 1
        # A change is due now, even when a thread reply of the group was put off until later.
        group.dirty_since = now if group.dirty_since is None or group.dirty_since > now else group.dirty_since
        stored.changed += 1
    await session.flush()


async def _route(session: AsyncSession, group: AlertGroup, incoming: NormalisedGroup, alerts: list[Alert],
                 scope: Scope, routes) -> None:
    found = await routing.destination(
        session, slug=incoming.project_slug, label_sets=[group.common_labels, *(a.labels for a in alerts)],
        routes=routes, alert_channel=scope.alert_channel, team_id=scope.team_id)
    group.team_id = found.team_id or group.team_id
    group.project_id = found.project.id if found.project is not None else None
    group.channel_id = found.channel_id
    if found.channel_id is None and group.revision == 0:
        log.warning("alert group %s (%s %r) matches no project and ALERT_CHANNEL is not set: it is kept, and "
                    "listed by `alerts` in a channel without a project", group.id, group.source, group.title)
