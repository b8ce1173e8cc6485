"""The digest's timeline PNG: `digest now` answers from a database write only (no drawing on the request);
the figure job draws it and uploads it once into each recipient's DM, after the digest's text."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image
from sqlalchemy import select

from bot.crisp_dm import Phase
from bot.digests.figures import figure_sweep
from bot.lifecycle import service as lifecycle
from bot.permissions import Caller
from storage.queries.targets import set_target
from storage.tables import DigestFigure
from tests.schedules.helpers import ALICE, CHANNEL, project_with_team
from tests.schedules.test_digest import SPONSOR, project_row

FILE_METHODS = ("files.getUploadURLExternal", "files.completeUploadExternal")


async def project_with_a_back_move(runtime, slack, standin, clock) -> None:
    await project_with_team(slack, clock)
    standin.add_user(SPONSOR, "sue")
    await slack.command(f"stakeholder add <@{ALICE}|alice>", channel=CHANNEL)
    await slack.command(f"role add <@{SPONSOR}|sue> sponsor", channel=CHANNEL)
    project = await project_row(runtime)
    admin = Caller(team_id=project.team_id, user_id="U0ADMIN", is_admin=True)
    for phase, days in ((Phase.DATA_UNDERSTANDING, 3), (Phase.DATA_PREPARATION, 4),
                        (Phase.DATA_UNDERSTANDING, 2), (Phase.DATA_PREPARATION, 1)):
        clock.advance(days=days)
        await lifecycle.move(runtime.services, admin, project.id, lifecycle.MoveRequest(phase, "on", confirmed=True))
    async with runtime.db.transaction() as session:
        await set_target(session, team_id=project.team_id, project_id=project.id, phase="data-preparation",
                         target=date(2026, 1, 12), user_id="U0ADMIN", now=clock.now())


async def figures(runtime) -> list[DigestFigure]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(DigestFigure))).scalars())


async def test_digest_now_queues_the_figure_and_the_job_uploads_it_once_beside_the_text(runtime, slack, standin,
                                                                                        clock, drain):
    await project_with_a_back_move(runtime, slack, standin, clock)
    await drain()
    standin.calls.clear()

    answer = await slack.command("digest now", channel=CHANNEL)
    assert answer.json["text"].startswith(":incoming_envelope: Digest sent to 2 stakeholders")
    [waiting] = await figures(runtime)
    assert waiting.uploaded_at is None and sorted(waiting.recipients) == sorted([ALICE, SPONSOR])
    await drain()
    assert not any(standin.calls_to(m) for m in FILE_METHODS)  # text first; nothing drawn on the request
    text = standin.calls_to("chat.postMessage")
    assert "3 days behind the target (2026-01-12)" in str(text[0].args)

    assert await figure_sweep(runtime.services) == "pending=1 uploaded=1 failed=0"
    await drain()
    assert await figure_sweep(runtime.services) == "pending=0 uploaded=0 failed=0"
    await drain()
    for person in (ALICE, SPONSOR):
        dm = standin.messages(person)
        # Other DMs (documentation requests from the phase moves) come first; then the digest's text, then
        # its picture.
        digest_at = next(i for i, m in enumerate(dm) if m["text"].startswith("Churn Radar digest: Data preparation"))
        assert [bool(m.get("upload")) for m in dm[digest_at:]] == [False, True]
        [shared] = dm[-1]["files"]
        stored = standin.files[shared["id"]]
        assert shared["title"] == "Churn Radar: phase timeline"
        assert stored["name"].startswith("churn-radar-timeline-") and stored["name"].endswith(".png")
        assert len(stored["content"]) <= 200_000
        image = Image.open(io.BytesIO(stored["content"]))
        assert (image.format, image.size) == ("PNG", (900, 360))
    assert len(standin.calls_to("files.completeUploadExternal")) == 2
    [done] = await figures(runtime)
    assert done.uploaded_at is not None


async def test_a_digest_with_nothing_new_sends_no_picture(runtime, slack, standin, clock, drain):
    await project_with_a_back_move(runtime, slack, standin, clock)
    await slack.command("digest now", channel=CHANNEL)
    clock.advance(days=1)
    await slack.command("digest now", channel=CHANNEL)
    assert len(await figures(runtime)) == 1
