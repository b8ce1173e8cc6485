"""Files through the outbox (Slack's upload v2 flow): shared once, resumed after failures."""

from __future__ import annotations

from sqlalchemy import select

from storage.queries import outbox as outbox_rows
from storage.tables import OutboxFile, OutboxStatus
from tests.outbox.test_crash import WorkerProcess
from tests.outbox.test_delivery import TEAM, all_rows

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


async def upload(runtime, channel: str, **options):
    async with runtime.db.transaction() as session:
        return await runtime.outbox.upload(session, TEAM, channel, filename="timeline.png", content=PNG,
                                           title="Phase timeline", **options)


def shares(standin, channel: str) -> list[dict]:
    return [m for m in standin.messages(channel) if m.get("upload")]


async def test_a_file_reaches_a_channel_and_a_dm_through_all_three_steps(runtime, standin, drain):
    await upload(runtime, "C0PROJ", initial_comment="The week in one picture")
    await upload(runtime, "U0ALICE")
    await drain()

    [in_channel] = shares(standin, "C0PROJ")
    assert in_channel["text"] == "The week in one picture"
    [in_dm] = shares(standin, "U0ALICE")
    for message in (in_channel, in_dm):
        [shown] = message["files"]
        assert standin.files[shown["id"]]["content"] == PNG and shown["title"] == "Phase timeline"
    assert [len(standin.calls_to(m)) for m in ("files.getUploadURLExternal", "files.completeUploadExternal")] == [2, 2]
    rows = await all_rows(runtime)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert sorted(r.result_ts for r in rows) == sorted([in_channel["ts"], in_dm["ts"]])


async def test_a_refused_completion_is_retried_without_uploading_the_bytes_again(runtime, standin, drain):
    await upload(runtime, "C0PROJ")
    standin.fail("files.completeUploadExternal", status=500, times=2)
    await drain()
    assert len(shares(standin, "C0PROJ")) == 1
    assert len(standin.calls_to("files.getUploadURLExternal")) == 1  # the bytes went up once
    assert len(standin.calls_to("files.completeUploadExternal", include_failed=True)) == 3


async def test_a_completion_whose_answer_was_lost_is_found_and_not_shared_twice(runtime, standin, clock,
                                                                               database_url):
    await upload(runtime, "C0PROJ")
    hold = standin.hold("files.completeUploadExternal")  # applied, the answer withheld
    worker = WorkerProcess(database_url, standin.base_url, clock, timeout=0.2)
    try:
        await worker.worker.run_once()
    finally:
        hold.release()
        await worker.close()
    [row] = await all_rows(runtime)
    assert (row.status, row.maybe_sent) == (OutboxStatus.PENDING, True)

    clock.set(row.next_attempt_at)
    await runtime.worker.drain(advance=clock.advance)
    [shared] = shares(standin, "C0PROJ")
    assert len(standin.calls_to("files.completeUploadExternal", include_failed=True)) == 1
    assert standin.calls_to("files.info")
    [row] = await all_rows(runtime)
    assert row.status == OutboxStatus.SENT and row.result_ts == shared["ts"]


async def test_an_expired_upload_starts_over(runtime, standin, drain):
    await upload(runtime, "C0PROJ")
    standin.fail("files.completeUploadExternal", status=200, error="file_not_found")
    await drain()
    assert len(shares(standin, "C0PROJ")) == 1
    assert len(standin.calls_to("files.getUploadURLExternal")) == 2


async def test_settled_uploads_drop_their_bytes_when_purged(runtime, standin, drain, clock):
    await upload(runtime, "C0PROJ")
    await drain()
    async with runtime.db.transaction() as session:
        await outbox_rows.purge_settled(session, before=clock.now())  # the row is kept a week; its bytes are not
    async with runtime.db.read() as session:
        assert (await session.execute(select(OutboxFile))).scalars().all() == []
    assert len(await all_rows(runtime)) == 1
