"""`docs export`: answered at once, built off the ack path with people's display names, uploaded through both
steps of Slack's upload v2 flow, once per request; every submitted field under its phase's heading, open
requests marked missing; what people typed stays text."""

from __future__ import annotations

from sqlalchemy import select

from bot.export import service as export
from storage.tables import DocRecord, OutboxMessage
from tests.export.helpers import ALICE, CHANNEL, HOSTILE, answered_modeling_record, outside_and_inside


def shared_markdown(standin) -> list[str]:
    return [f["content"].decode() for f in standin.files.values() if f.get("content") is not None
            and f["name"].endswith(".md")]


def section(document: str, heading: str) -> str:
    start = document.index(f"\n{heading}\n")
    following = document.find("\n## ", start + 1)
    return document[start:following if following != -1 else len(document)]


async def test_docs_export_shares_every_field_under_its_phase_and_marks_missing_records(runtime, slack, standin,
                                                                                       drain):
    await answered_modeling_record(runtime, slack, standin, drain)
    standin.calls.clear()

    answer = await slack.command("docs export", channel=CHANNEL)
    assert answer.json["text"].startswith(":page_facing_up: The export of *Churn Radar* is on its way")
    assert answer.json["response_type"] == "ephemeral"
    # Answered from the database: no name was looked up and nothing was uploaded on the ack path.
    assert standin.calls == []

    await drain()
    assert [len(standin.calls_to(m)) for m in ("files.getUploadURLExternal", "files.completeUploadExternal")] == [1, 1]
    [completed] = standin.calls_to("files.completeUploadExternal")
    assert completed.args["channel_id"] == CHANNEL
    assert completed.args["initial_comment"].startswith(":page_facing_up: The project record of *Churn Radar*")
    [document] = shared_markdown(standin)
    assert standin.calls_to("users.info")  # names looked up by the worker, not the command

    assert document.startswith("# Churn Radar — project record\n")
    assert "- **Current phase:** Modeling" in document and "- **Iteration:** 1" in document
    assert "- **Data scientist:** alice" in document and "- **Data engineer:** bob" in document
    assert "Business understanding → Data understanding by admin" in document
    modeling = section(document, "## 4. Modeling")
    assert "Submitted by alice on" in modeling and "External document: <https://wiki.example.com/m>" in modeling
    _, blocks = outside_and_inside(modeling)
    async with runtime.db.read() as session:
        [record] = (await session.execute(select(DocRecord))).scalars().all()
    assert set(record.fields) == set(HOSTILE)
    labels = ["Algorithm and why", "Features used", "Hyperparameters", "Cross-validation scheme", "Metrics"]
    for label, key in zip(labels, HOSTILE):
        assert f"#### {label}" in modeling
        assert record.fields[key] in blocks, key  # verbatim as stored, a whole block of its own
    assert "- Baseline model: done" in modeling
    for heading in ("## 1. Business understanding", "## 2. Data understanding", "## 3. Data preparation"):
        assert "**Missing**" in section(document, heading), heading
    assert "**Missing**" not in modeling
    assert "No record submitted or requested." in section(document, "## 6. Deployment")


async def test_hostile_records_add_no_markdown_structure(runtime, slack, standin, drain):
    await answered_modeling_record(runtime, slack, standin, drain, link="https://a.example/x)[b](https://b.example)")
    await slack.command("docs export", channel=CHANNEL)
    await drain()
    [document] = shared_markdown(standin)
    outside, blocks = outside_and_inside(document)
    assert len(blocks) == len(HOSTILE)  # each field is one block: none was closed early or opened anew
    headings = [line for line in outside if line.startswith("#")]
    assert all(line.startswith(("# Churn Radar", "## ", "### Record", "### Milestones", "#### ")) for line in headings)
    assert "# heading" not in outside
    text = "\n".join(outside)
    for injected in ("](", "<script", "<!here", "<@U1"):
        assert injected not in text, injected
    # A link Markdown would read as more than one address is shown as escaped text.
    assert "External document: https\\:\\/\\/a\\.example\\/x\\)\\[b\\]\\(https" in text
    assert [line for line in outside if "<" in line.replace("<https://", "")] == []


async def test_one_file_per_request_even_when_slack_retries_or_the_worker_runs_it_twice(runtime, slack, standin,
                                                                                        drain):
    await answered_modeling_record(runtime, slack, standin, drain)
    first = await slack.command("docs export", channel=CHANNEL, trigger_id="t-export")
    again = await slack.command("docs export", channel=CHANNEL, trigger_id="t-export", retry_num=1)
    assert "on its way" in first.json["text"] and "asked for already" in again.json["text"]
    async with runtime.db.read() as session:
        [row] = (await session.execute(select(OutboxMessage).where(OutboxMessage.method == export.EXPORT))).scalars()
    # A worker that died after queueing the upload and before settling the row: the row is run again.
    assert (await export.run(runtime.services, row)).channel == CHANNEL
    await drain()
    assert len(shared_markdown(standin)) == 1
    assert len(standin.calls_to("files.completeUploadExternal")) == 1


async def test_an_export_of_a_project_with_nothing_yet(runtime, slack, standin, drain):
    await slack.command("project create Fraud Watch", channel="C0FRAUD", user="U0BOB")
    await slack.command("docs export", channel="C0FRAUD", user="U0ALICE")  # reading needs no role
    await drain()
    [document] = shared_markdown(standin)
    assert document.count("No record submitted or requested.") == 6
    assert "- **Product owner:** bob" in document  # the creator
    assert "Exported by Crisp on 2026-01-05 09:00 UTC for alice." in document
    assert "No phase moves yet." not in document and "started in Business understanding by bob" in document


async def test_docs_export_needs_a_project(runtime, slack, standin):
    answer = await slack.command("docs export", channel="C0NOPROJECT")
    assert "project" in answer.json["text"].lower() and answer.json["response_type"] == "ephemeral"
    async with runtime.db.read() as session:
        assert (await session.execute(select(OutboxMessage))).scalars().all() == []
