"""Files Crisp shares are written out by the console, and their path printed."""

from __future__ import annotations

from bot.console.files import ConsoleFiles
from tests.console.test_console_session import TEAM, close_console, open_console

PNG = b"\x89PNG\r\n\x1a\n" + b"timeline" * 100


async def test_a_shared_file_is_saved_beside_the_data_and_its_path_printed(database_url, tmp_path):
    view = await open_console(database_url, ConsoleFiles.in_folder(tmp_path))
    try:
        alice = view.session.person("alice").id
        async with view.runtime.db.transaction() as session:
            await view.runtime.outbox.upload(session, TEAM, alice, filename="churn radar/timeline.png",
                                             content=PNG, title="Churn Radar timeline",
                                             initial_comment="<!here> the week in one picture")
        await view.session.settle()
        printed = "\n".join(view.lines)
        assert "Crisp shared a file: Churn Radar timeline" in printed
        [saved] = list((tmp_path / "crisp-files").iterdir())
        assert saved.read_bytes() == PNG and saved.name.endswith("churn-radar-timeline.png")
        assert f"saved to {saved}" in printed
    finally:
        await close_console(view)
