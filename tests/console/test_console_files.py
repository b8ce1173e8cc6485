"""Files Crisp shares are written out by the console, and their path printed."""

from __future__ import annotations

import re
from pathlib import Path

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


async def test_a_later_run_keeps_the_earlier_runs_files_and_names_people(database_url, tmp_path):
    """The stand-in numbers files from F00000001 again in every run: the second file gets a name of its own,
    and the comment shows @names, not raw user ids."""
    saved = []
    for run, content in enumerate((PNG, PNG + b"second run")):
        view = await open_console(database_url, ConsoleFiles.in_folder(tmp_path))
        try:
            alice = view.session.person("alice").id
            async with view.runtime.db.transaction() as session:
                await view.runtime.outbox.upload(session, TEAM, alice, filename="record.md", content=content,
                                                 title="Churn Radar: project record",
                                                 initial_comment=f"Exported for <@{alice}> (run {run + 1})")
            await view.session.settle()
            printed = "\n".join(view.lines)
            assert f"Exported for @alice (run {run + 1})" in printed and alice not in printed
            saved.append(re.findall(r"saved to (\S+) ", printed)[-1])
        finally:
            await close_console(view)
    first, second = (Path(path) for path in saved)
    assert first != second and first.read_bytes() == PNG and second.read_bytes() == PNG + b"second run"
    assert first.name == "F00000001-record.md" and second.name == "F00000001-record-2.md"
    assert sorted(p.name for p in (tmp_path / "crisp-files").iterdir()) == [second.name, first.name]
