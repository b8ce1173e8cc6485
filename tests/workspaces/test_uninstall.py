"""`app_uninstalled` and `tokens_revoked`: the workspace's tokens are deleted, its pending messages parked
(not sent, not lost), its schedules stop, it is audited; the other workspace goes on. A command from it
is answered "reinstall Crisp". A reinstall resumes it; after UNINSTALLED_DATA_DAYS its data is purged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.schedules.sweep import schedule_sweep
from bot.workspaces import service as workspaces
from storage.tables import AuditEntry, OutboxMessage, OutboxStatus, Project, Schedule, Workspace, WorkspaceState
from tests.workspaces.conftest import CHANNEL_A, CHANNEL_B, TEAM_A, TEAM_B, TOKEN_A, TOKEN_B, posts_to


async def outbox_of(runtime, team_id: str) -> list[OutboxMessage]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(OutboxMessage).where(OutboxMessage.team_id == team_id)
                                           .order_by(OutboxMessage.id))).scalars())


async def workspace(runtime, team_id: str) -> Workspace:
    async with runtime.db.read() as session:
        return (await session.execute(select(Workspace).where(Workspace.team_id == team_id)
                                      .execution_options(populate_existing=True))).scalar_one()


async def audit_actions(runtime, team_id: str) -> list[str]:
    async with runtime.db.read() as session:
        rows = await session.execute(select(AuditEntry.action).where(AuditEntry.team_id == team_id,
                                                                     AuditEntry.action.like("workspace.%"))
                                     .order_by(AuditEntry.id))
        return list(rows.scalars())


async def test_app_uninstalled_parks_a_and_leaves_b_alone(two, runtime, standin, drain):
    await two.a.command("project create Churn Radar", channel=CHANNEL_A)
    await two.b.command("project create Fraud Watch", channel=CHANNEL_B)
    assert (await two.a.event({"type": "app_uninstalled"})).status == 200

    assert two.tokens.forgotten == [TEAM_A] and await two.tokens.bot_token(TEAM_A) is None
    assert [row.status for row in await outbox_of(runtime, TEAM_A)] == [OutboxStatus.PARKED]
    await drain()
    assert posts_to(standin, CHANNEL_A) == []
    [to_b] = posts_to(standin, CHANNEL_B)
    assert to_b.token == TOKEN_B
    assert (await workspace(runtime, TEAM_A)).state == WorkspaceState.UNINSTALLED
    assert (await workspace(runtime, TEAM_B)).state == WorkspaceState.INSTALLED
    assert await audit_actions(runtime, TEAM_A) == ["workspace.installed", "workspace.uninstalled"]

    # Slack's retry of the event changes nothing more.
    assert (await two.a.event({"type": "app_uninstalled"})).status == 200
    assert await audit_actions(runtime, TEAM_A) == ["workspace.installed", "workspace.uninstalled"]

    answer = await two.a.command("project list", channel=CHANNEL_A)
    assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
    assert "reinstall Crisp" in answer.json["text"]
    assert "Fraud Watch" in str((await two.b.command("project list", channel=CHANNEL_B)).json)
    # Nothing Crisp makes for A after the uninstall is sent either: it parks at send time.
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM_A, CHANNEL_A, {"text": "late"})
    await drain()
    assert posts_to(standin, CHANNEL_A) == []
    assert [row.status for row in await outbox_of(runtime, TEAM_A)] == [OutboxStatus.PARKED] * 2


async def test_a_reinstall_resumes_parked_messages_and_schedules(two, runtime, standin, clock, drain):
    await two.a.command("project create Churn Radar", channel=CHANNEL_A)
    await two.a.command("checkin every daily at 10:00", channel=CHANNEL_A)
    await two.a.command("role add <@U0ALICE|alice> data-scientist", channel=CHANNEL_A)
    await drain()
    old = len(standin.calls_to("chat.postMessage"))
    async with runtime.db.transaction() as session:  # a message from the day before the uninstall
        await runtime.outbox.post(session, TEAM_A, CHANNEL_A, {"text": "stale"})
    clock.advance(hours=25)
    await two.a.event({"type": "app_uninstalled"})
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM_A, CHANNEL_A, {"text": "fresh"})
    await drain()
    # Schedules stop while uninstalled: the sweep does not even look at A's.
    clock.advance(hours=2)
    assert (await schedule_sweep(runtime.services)).startswith("schedules=0 ")
    assert len(standin.calls_to("chat.postMessage")) == old

    two.tokens.tokens[TEAM_A] = "xoxb-team-a-0002"  # the install flow stored a new token
    assert await workspaces.installed(runtime.services, TEAM_A) is True
    await drain()
    sent = [c for c in standin.calls_to("chat.postMessage")[old:]]
    assert [(c.args["text"], c.token) for c in sent] == [("fresh", "xoxb-team-a-0002")]
    rows = {row.payload.get("text"): row for row in await outbox_of(runtime, TEAM_A)}
    assert rows["stale"].status == OutboxStatus.SUPERSEDED and rows["fresh"].status == OutboxStatus.SENT
    assert (await workspace(runtime, TEAM_A)).state == WorkspaceState.INSTALLED
    assert (await audit_actions(runtime, TEAM_A))[-1] == "workspace.reinstalled"
    assert (await schedule_sweep(runtime.services)).startswith("schedules=1 ")
    assert "Churn Radar" in str((await two.a.command("project list", channel=CHANNEL_A)).json)


async def test_a_request_after_a_reinstall_elsewhere_resumes_the_workspace(two, runtime):
    await two.a.event({"type": "app_uninstalled"})
    assert "reinstall" in (await two.a.command("project list")).json["text"]
    two.tokens.tokens[TEAM_A] = "xoxb-team-a-0002"  # another process ran the install flow
    answer = await two.a.command("project list")
    assert "reinstall" not in answer.json["text"]
    assert (await workspace(runtime, TEAM_A)).state == WorkspaceState.INSTALLED


async def test_tokens_revoked_for_the_bot_is_an_uninstall_and_for_users_only_is_not(two, runtime):
    await two.b.event({"type": "tokens_revoked", "tokens": {"oauth": ["U0ALICE"], "bot": []}})
    assert (await workspace(runtime, TEAM_B)).state == WorkspaceState.INSTALLED
    await two.a.event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0CRISPBOT"]}})
    assert (await workspace(runtime, TEAM_A)).state == WorkspaceState.UNINSTALLED
    assert two.tokens.forgotten == [TEAM_A]
    async with runtime.db.read() as session:
        [entry] = (await session.execute(select(AuditEntry).where(AuditEntry.action == "workspace.uninstalled")))\
            .scalars().all()
    assert entry.team_id == TEAM_A and entry.detail["reason"] == "tokens_revoked"


async def test_data_is_purged_after_the_kept_days_and_not_before(two, runtime, clock):
    await two.a.command("project create Churn Radar", channel=CHANNEL_A)
    await two.a.command("checkin every daily at 10:00", channel=CHANNEL_A)
    await two.b.command("project create Fraud Watch", channel=CHANNEL_B)
    await two.a.event({"type": "app_uninstalled"})
    clock.advance(days=29, hours=23)
    assert await workspaces.purge_expired(runtime.services) == "expired=0 purged=0"
    clock.advance(hours=2)
    assert await workspaces.purge_expired(runtime.services) == "expired=1 purged=1"
    async with runtime.db.read() as session:
        projects = (await session.execute(select(Project.team_id, Project.name))).all()
        schedules = (await session.execute(select(Schedule))).scalars().all()
        left = (await session.execute(select(OutboxMessage).where(OutboxMessage.team_id == TEAM_A))).scalars().all()
    assert projects == [(TEAM_B, "Fraud Watch")] and schedules == [] and left == []
    assert (await workspace(runtime, TEAM_A)).state == WorkspaceState.PURGED
    assert await audit_actions(runtime, TEAM_A) == ["workspace.purged"]
    assert await workspaces.purge_expired(runtime.services) == "expired=0 purged=0"


async def test_a_reinstall_within_the_kept_days_keeps_everything(two, runtime, clock):
    await two.a.command("project create Churn Radar", channel=CHANNEL_A)
    await two.a.event({"type": "app_uninstalled"})
    clock.advance(days=10)
    two.tokens.tokens[TEAM_A] = TOKEN_A
    await workspaces.installed(runtime.services, TEAM_A)
    clock.advance(days=40)
    assert await workspaces.purge_expired(runtime.services) == "expired=0 purged=0"
    assert "Churn Radar" in str((await two.a.command("project list", channel=CHANNEL_A)).json)
