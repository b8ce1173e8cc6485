"""Single-workspace mode (SLACK_BOT_TOKEN): an uninstall parks the workspace's messages and stops
everything until the bot starts again with a token Slack accepts, which resumes it; a call Slack answers
`token_revoked` parks its row instead of failing it."""

from __future__ import annotations

from bot.runtime import Runtime
from storage.tables import OutboxStatus, WorkspaceState
from tests.conftest import make_settings
from tests.workspaces.test_uninstall import outbox_of, workspace

TEAM = "T0CRISP"  # the stand-in's workspace, which auth.test names


async def test_uninstall_then_restart_with_a_working_token_resumes(runtime, slack, standin, clock, drain):
    assert (await workspace(runtime, TEAM)).state == WorkspaceState.INSTALLED  # recorded at start-up
    await slack.command("project create Churn Radar")
    assert (await slack.event({"type": "app_uninstalled"})).status == 200
    assert [row.status for row in await outbox_of(runtime, TEAM)] == [OutboxStatus.PARKED]
    answer = await slack.command("status")
    assert "reinstall Crisp" in answer.json["text"]
    await drain()
    assert standin.calls_to("chat.postMessage") == []

    restarted = Runtime(make_settings(runtime.settings.database_url, standin.base_url), clock=clock)
    await restarted.start(http=False, worker=False)
    try:
        assert (await workspace(runtime, TEAM)).state == WorkspaceState.INSTALLED
        await restarted.worker.drain(advance=clock.advance)
    finally:
        await restarted.stop()
    [post] = standin.calls_to("chat.postMessage")
    assert "Churn Radar" in str(post.args)


async def test_a_call_answered_token_revoked_parks_its_row(runtime, standin, drain):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "C0CHURN", {"text": "hello"})
    standin.fail("chat.postMessage", status=200, error="token_revoked")
    await drain()
    [row] = await outbox_of(runtime, TEAM)
    assert (row.status, row.last_error) == (OutboxStatus.PARKED, "token_revoked")
    assert standin.calls_to("chat.postMessage") == []
