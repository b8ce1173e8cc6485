"""A workspace's life: installed, uninstalled (or its bot token revoked), reinstalled, purged.

- Uninstall (`app_uninstalled`, or `tokens_revoked` naming the bot): its tokens are deleted first (the
  token source's `forget`: installation and bot rows in OAuth mode), so nothing can authorize or send with
  them; then, in one transaction, the workspace is marked uninstalled, its pending outbox rows are parked
  and the change is audited. Its schedules stop because the sweep skips workspaces that are not installed;
  everything else it would send parks at send time (no token).
- Reinstall within UNINSTALLED_DATA_DAYS: marked installed again, schedules run again from their next
  slot, and parked rows made in the day before the reinstall are sent (in their old order); older ones
  are dropped as stale (a day-old check-in reminder or alert edit says nothing useful any more).
- After UNINSTALLED_DATA_DAYS still uninstalled: every row of its data is deleted (the purge job); the
  workspace row stays, marked purged, with one audit line saying what was deleted.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.services import Services
from storage.queries import audit
from storage.queries import workspaces as rows
from storage.tables import WorkspaceState

log = logging.getLogger("crisp.workspaces")

# Parked rows made this long before a reinstall are still worth sending; older ones are dropped.
STILL_MEANINGFUL = timedelta(days=1)
ACTOR = "slack"  # audit rows of what Slack told us (the events carry no user)


async def uninstalled(services: Services, team_id: str, *, enterprise_id: str | None = None,
                      reason: str = "app_uninstalled") -> bool:
    """True when this call uninstalled it (False: it was not installed already, e.g. Slack's retry)."""
    await forget_tokens(services, team_id, enterprise_id)
    now = services.clock.now()
    async with services.db.transaction() as session:
        workspace = await rows.ensure(session, team_id, enterprise_id=enterprise_id, now=now)
        if workspace.state != WorkspaceState.INSTALLED:
            return False
        workspace.state, workspace.uninstalled_at = WorkspaceState.UNINSTALLED, now
        parked = await rows.park_pending(session, team_id)
        await audit.record(session, team_id=team_id, project_id=None, actor_id=ACTOR, action="workspace.uninstalled",
                           now=now, reason=reason, parked=parked,
                           purge_after=(now + timedelta(days=services.settings.uninstalled_data_days)).isoformat())
    _changed(services)
    log.warning("workspace %s uninstalled Crisp (%s): tokens deleted, %s pending messages parked, data kept %s days",
                team_id, reason, parked, services.settings.uninstalled_data_days)
    return True


async def installed(services: Services, team_id: str, *, enterprise_id: str | None = None,
                    installer: str | None = None, audit_first: bool = True) -> bool:
    """Record an install (the OAuth flow's success, or start-up's auth.test in single-workspace mode, which
    passes `audit_first=False`: learning its own workspace is no event). True when it resumed a workspace
    that was uninstalled."""
    now = services.clock.now()
    async with services.db.transaction() as session:
        known = await rows.get(session, team_id, lock=True)
        workspace = known or await rows.ensure(session, team_id, enterprise_id=enterprise_id, now=now)
        if known is None:
            if audit_first:
                await audit.record(session, team_id=team_id, project_id=None, actor_id=installer or ACTOR,
                                   action="workspace.installed", now=now)
            return False
        if workspace.state == WorkspaceState.INSTALLED:
            return False
        was = workspace.state
        workspace.state, workspace.installed_at, workspace.uninstalled_at = WorkspaceState.INSTALLED, now, None
        workspace.enterprise_id = enterprise_id or workspace.enterprise_id
        requeued, dropped = await rows.unpark(session, team_id, created_since=now - STILL_MEANINGFUL, now=now)
        await audit.record(session, team_id=team_id, project_id=None, actor_id=installer or ACTOR,
                           action="workspace.reinstalled", now=now, was=was, requeued=requeued, dropped=dropped)
        if requeued:
            services.outbox.wake_after_commit(session)
    _changed(services)
    log.info("workspace %s reinstalled Crisp: %s parked messages sent again, %s too old dropped",
             team_id, requeued, dropped)
    return True


async def purge_expired(services: Services) -> str:
    """The scheduler's job: workspaces uninstalled longer than UNINSTALLED_DATA_DAYS lose their data."""
    now = services.clock.now()
    cutoff = now - timedelta(days=services.settings.uninstalled_data_days)
    async with services.db.read() as session:
        expired = [w.team_id for w in await rows.uninstalled_before(session, cutoff)]
    purged = 0
    for team_id in expired:
        async with services.db.transaction() as session:
            workspace = await rows.get(session, team_id, lock=True)
            if workspace is None or workspace.state != WorkspaceState.UNINSTALLED or workspace.uninstalled_at >= cutoff:
                continue  # reinstalled, or purged by another process, meanwhile
            deleted = await rows.purge_team(session, team_id)
            workspace.state = WorkspaceState.PURGED
            workspace.alert_token_hash = workspace.alert_channel = None
            await audit.record(session, team_id=team_id, project_id=None, actor_id="crisp", action="workspace.purged",
                               now=now, deleted=deleted, uninstalled_at=workspace.uninstalled_at.isoformat())
        purged += 1
        log.warning("workspace %s: data purged %s days after its uninstall (%s)", team_id,
                    services.settings.uninstalled_data_days, ", ".join(f"{t}={n}" for t, n in deleted.items()) or "none")
    if purged:
        _changed(services)
    return f"expired={len(expired)} purged={purged}"


async def forget_tokens(services: Services, team_id: str, enterprise_id: str | None) -> None:
    """Delete the workspace's tokens where the token source keeps them (OAuth: the installation store)."""
    forget = getattr(services.tokens, "forget", None)
    if forget is not None:
        await forget(team_id, enterprise_id)


def _changed(services: Services) -> None:
    if services.workspace_states is not None:
        services.workspace_states.forget()
