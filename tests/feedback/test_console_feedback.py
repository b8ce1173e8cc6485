"""Feedback in console mode: the command, and the message shortcut on a message the person posts with :say."""

from __future__ import annotations

from sqlalchemy import select

from storage.tables import Feedback
from tests.console.test_console_session import console  # noqa: F401 (the fixture)


async def test_feedback_and_the_message_shortcut_in_the_console(console):  # noqa: F811
    await console.type("/crisp project create Churn Radar", "/crisp role add @alice Data Scientist")
    given = await console.type(":as @alice", "/crisp feedback Scores drift on Mondays <!here>")
    assert "Thanks: your feedback on the model's predictions is stored" in given
    assert "@alice gave feedback on the model's predictions" in given
    early = await console.type(":feedback")
    assert "say something here first" in early
    said = await console.type(":say Loyal customers flagged as leaving")
    assert "@alice posted:" in said and "Loyal customers flagged as leaving" in said
    shared = await console.type(":feedback")
    assert "Stored that message as feedback on the model's predictions" in shared
    assert "@alice shared a message as feedback" in shared
    again = await console.type(":feedback")
    assert "stored as model feedback already" in again
    async with console.runtime.db.read() as session:
        texts = [f.text for f in (await session.execute(select(Feedback).order_by(Feedback.id))).scalars()]
    assert texts == ["Scores drift on Mondays <!here>", "Loyal customers flagged as leaving"]
