"""Per-workspace alert tokens: `/crisp alerts token` issues one (admins; shown once, stored as its SHA-256),
`alerts token rotate` replaces it. An alert body presented with a workspace's token is routed only within
that workspace. Tokens are 256 random bits, so a plain hash is enough to keep them out of the database."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from bot.errors import UserError
from bot.permissions import Action, Caller
from bot.services import Services
from storage.queries import audit
from storage.queries import workspaces as rows
from storage.tables import Workspace, WorkspaceState

PREFIX = "crisp-alert-"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: str | None   # None: one exists already and was kept (it cannot be shown again)
    rotated: bool


async def issue(services: Services, caller: Caller, *, rotate: bool) -> Issued:
    caller.require(Action.MANAGE_WORKSPACE)
    now = services.clock.now()
    async with services.db.transaction() as session:
        workspace = await rows.ensure(session, caller.team_id, enterprise_id=None, now=now)
        had = workspace.alert_token_hash is not None
        if had and not rotate:
            return Issued(None, False)
        token = PREFIX + secrets.token_urlsafe(32)
        workspace.alert_token_hash = token_hash(token)
        workspace.alert_token_set_by, workspace.alert_token_set_at = caller.user_id, now
        await audit.record(session, team_id=caller.team_id, project_id=None, actor_id=caller.user_id,
                           action="alerts.token_rotated" if had else "alerts.token_issued", now=now)
    return Issued(token, had)


async def set_channel(services: Services, caller: Caller, channel_id: str | None) -> None:
    """`alerts channel #x` / `alerts channel off`: where the workspace's alerts that match no project go."""
    caller.require(Action.MANAGE_WORKSPACE)
    now = services.clock.now()
    async with services.db.transaction() as session:
        workspace = await rows.ensure(session, caller.team_id, enterprise_id=None, now=now)
        workspace.alert_channel = channel_id
        await audit.record(session, team_id=caller.team_id, project_id=None, actor_id=caller.user_id,
                           action="alerts.channel_set", now=now, channel=channel_id)


async def workspace_of(services: Services, presented: str) -> Workspace | None:
    """The installed workspace whose alert token this is, else None."""
    if not presented.startswith(PREFIX):
        return None
    async with services.db.read() as session:
        workspace = await rows.by_alert_token_hash(session, token_hash(presented))
    if workspace is None or workspace.state != WorkspaceState.INSTALLED:
        return None
    return workspace


async def current(services: Services, team_id: str) -> Workspace | None:
    async with services.db.read() as session:
        return await rows.get(session, team_id)


def no_channel_error(slash: str) -> UserError:
    return UserError(f"Name a channel, e.g. `{slash} alerts channel #alerts`, or `{slash} alerts channel off`.")
