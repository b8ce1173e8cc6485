"""Console mode: the digest's timeline is saved to a local folder and its path printed; the portfolio
digest is asked for from any channel and printed as the DM it is."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.console.files import ConsoleFiles
from bot.digests.figures import figure_sweep
from tests.console.test_console_session import close_console, open_console


async def test_the_timeline_is_saved_and_the_portfolio_printed(database_url, tmp_path):
    view = await open_console(database_url, ConsoleFiles.in_folder(tmp_path))
    try:
        await view.type("/crisp project create Churn Radar", "/crisp stakeholder add @bob",
                        "/crisp phase next moving on", "/crisp phase set business going back",
                        f"/crisp milestone add Baseline *v2* due {datetime.now(UTC).date() + timedelta(days=2)}",
                        "/crisp feedback scores look *off* for <new> customers")
        sent = await view.type("/crisp digest now")
        assert "Digest sent to 1 stakeholder" in sent and "Digest: Churn Radar" in sent
        assert "*Milestones due:* none overdue, 1 due within a week" in sent and "*Baseline *v2** ·" in sent
        assert "*Feedback on the model:* 1 new since the project started" in sent
        assert "scores look *off* for <new> customers" in sent
        assert await figure_sweep(view.runtime.services) == "pending=1 uploaded=1 failed=0"
        await view.session.settle()
        printed = "\n".join(view.lines)
        assert "Crisp shared a file: Churn Radar: phase timeline" in printed
        [saved] = list((tmp_path / "crisp-files").iterdir())
        assert f"saved to {saved}" in printed
        image = Image.open(io.BytesIO(saved.read_bytes()))
        assert (image.format, image.size) == ("PNG", (900, 360))

        await view.type(":in #lobby")
        nobody = await view.type("/crisp digest portfolio now")
        assert "not a stakeholder or sponsor of any active project" in nobody
        portfolio = await view.type(":as @bob", "/crisp digest portfolio now")
        assert "Portfolio digest across 1 project sent to you by DM" in portfolio
        assert "Portfolio digest: 1 project" in portfolio and "Churn Radar" in portfolio
        scheduled = await view.type("/crisp digest portfolio every mon at 08:00 Europe/Berlin")
        assert "Your portfolio digest comes every Mon at 08:00 (Europe/Berlin), by DM" in scheduled
    finally:
        await close_console(view)
