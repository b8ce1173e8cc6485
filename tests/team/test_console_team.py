"""The team commands, the goal form and the App Home in console mode."""

from __future__ import annotations

import pytest

from tests.console.test_console_session import close_console, open_console


@pytest.fixture
async def console(database_url):
    view = await open_console(database_url)
    try:
        yield view
    finally:
        await close_console(view)


async def test_roles_goal_form_status_and_home_work_in_the_console(console):
    await console.type("/crisp project create Churn Radar")
    added = await console.type("/crisp role add @alice Data Scientist")
    assert "@alice is now Data scientist; announced in the channel." in added
    assert "── #general — Crisp posted:" in added and "@you made @alice *Data scientist* on *Churn Radar*." in added

    listing = await console.type("/crisp roles")
    assert "*Data scientist* — @alice" in listing and "Business understanding expects, but nobody holds:" in listing

    form = await console.type("/crisp project goal")
    assert "modal open for @you" in form and "| Goal and metric |" in form
    await console.type(":set 1 Keep new customers <!here>", ":set 2 Churn below 5%")
    saved = await console.type(":submit")
    assert "@you set the goal and success metric of *Churn Radar*." in saved
    project = await console.project_in("C0GENERAL")
    assert (project.goal, project.success_metric) == ("Keep new customers <!here>", "Churn below 5%")

    status = await console.type("/crisp status")
    assert "Keep new customers <!here>" in status and "*Roles*" in status and "@alice" in status

    refused = await console.type(":as @alice", "/crisp role add @bob qa")
    assert "Refused: only Crisp admins and the project's product owner or product manager" in refused
    home = await console.type(":home")
    assert "Your projects (1)" in home and "You: Data scientist" in home
