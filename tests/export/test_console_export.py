"""`docs export` in console mode: the Markdown is written to the console's files folder and its path printed."""

from __future__ import annotations

import re
from pathlib import Path

from tests.console.test_console_session import console  # noqa: F401 (the fixture)


async def test_docs_export_in_the_console_writes_the_file_and_prints_its_path(console):  # noqa: F811
    await console.type("/crisp project create Churn Radar", "/crisp role add @alice Data Scientist")
    await console.type("/crisp milestone add Baseline <!here> *model*")
    printed = await console.type("/crisp docs export")
    assert "The export of *Churn Radar* is on its way" in printed or "The export of Churn Radar is on its way" in printed
    assert "Crisp shared a file: Churn Radar: project record" in printed
    [path] = re.findall(r"saved to (\S+\.md)", printed)
    document = Path(path).read_text()
    assert document.startswith("# Churn Radar — project record")
    assert "- **Data scientist:** alice" in document  # the display name, looked up by the worker
    assert "- Baseline \\<\\!here\\> \\*model\\*: open" in document
