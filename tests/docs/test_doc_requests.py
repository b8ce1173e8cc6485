"""Documentation requests over signed HTTP: `milestone done` in Modeling DMs each data scientist (the
product owner when there is none; with neither, the request is kept and the channel told); the button opens
the Modeling form; an empty required field comes back as a field error with nothing stored; the submission
is stored, announced without live mentions, closes the request for everyone asked, and `docs` shows it.
Editing stores the next version. Leaving a phase asks for its record too."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.views.ids import ActionId, BlockId, CallbackId
from storage.tables import DocRecord, DocRequest
from tests.conftest import count_rows
from tests.lifecycle.helpers import button
from tests.docs.helpers import (ALICE, BOB, CHANNEL, channel_posts, dms_to, doc_values, open_docs_form,
                                project_in_modeling)

OWNER = "U0OWNER"
HOSTILE = "&lt;!here&gt; see <@U1> and <!channel> # Heading [x](https://evil.example) <b>bold</b>"
MODELING_FIELDS = {"algorithm": "Gradient boosting: tabular, non-linear", "features_used": "tenure, plan",
                   "hyperparameters": "depth 6", "cross_validation": "5-fold by month", "metrics": "AUC 0.81"}


def everything(message) -> str:
    return json.dumps(message, ensure_ascii=False)


async def requests_stored(runtime) -> list[DocRequest]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(DocRequest).order_by(DocRequest.id))).scalars())


async def records_stored(runtime) -> list[DocRecord]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(DocRecord).order_by(DocRecord.id))).scalars())


async def test_milestone_done_in_modeling_asks_the_data_scientist_end_to_end(runtime, slack, standin, clock, drain):
    standin.add_user(OWNER, "owner")
    await project_in_modeling(runtime, slack, clock, owner=OWNER)
    await slack.command("milestone add Baseline model", channel=CHANNEL, user=ALICE)
    await drain()
    standin.calls.clear()
    answer = await slack.command("milestone done Baseline model", channel=CHANNEL, user=BOB)
    assert "Documentation for Modeling requested from <@U0ALICE> (Data scientist)" in everything(answer.json)
    await drain()
    [dm] = dms_to(standin, ALICE)
    assert dms_to(standin, OWNER) == [] and dms_to(standin, BOB) == []
    assert dm.args["text"].startswith(":memo: Please write the Modeling record of *Churn Radar* (as Data scientist)")

    form = await open_docs_form(slack, standin, dm.args, ALICE, "t-doc-1", channel=dm.response["channel"])
    assert form["callback_id"] == CallbackId.DOCS_RECORD
    labels = [b["label"]["text"] for b in form["blocks"] if b["type"] == "input"]
    assert labels == ["Algorithm and why", "Features used", "Hyperparameters", "Cross-validation scheme", "Metrics",
                      "Link to a document"]

    # A required field left empty: the error goes back to Slack, nothing is stored.
    answer = await slack.submit(form, doc_values({**MODELING_FIELDS, "metrics": "  "}), user=ALICE)
    assert answer.json["response_action"] == "errors"
    assert answer.json["errors"] == {BlockId.DOC_FIELD_PREFIX + "metrics": "Metrics is needed for the Modeling record."}
    answer = await slack.submit(form, doc_values(MODELING_FIELDS, link="javascript:alert(1)"), user=ALICE)
    assert answer.json["errors"] == {BlockId.DOC_LINK: "Give a web address starting with http:// or https:// "
                                                       "(up to 500 characters)."}
    assert await count_rows(runtime, DocRecord) == 0

    fields = {**MODELING_FIELDS, "hyperparameters": HOSTILE}
    answer = await slack.submit(form, doc_values(fields, link="https://docs.example/model?v=1&x=2"), user=ALICE)
    assert answer.status == 200 and answer.json == {}, answer.json
    [record] = await records_stored(runtime)
    assert (record.phase, record.iteration, record.version, record.author) == ("modeling", 1, 1, ALICE)
    assert record.fields == fields and record.link == "https://docs.example/model?v=1&x=2"
    [request] = await requests_stored(runtime)
    assert request.fulfilled_record_id == record.id and request.fulfilled_at == clock.now()
    assert record.request_id == request.id

    await drain()
    [announcement] = [c for c in channel_posts(standin) if "submitted the Modeling record" in c.args["text"]]
    shown = everything(announcement.args)
    assert "Gradient boosting" in shown and "AUC 0.81" in shown
    for live in ("<!here>", "<@U1>", "<!channel>", "<https://evil.example"):
        assert live not in shown
    assert "<https://docs.example/model?v=1&amp;x=2|Linked document>" in shown
    # The DM that asked now says it is in.
    assert any("is in: submitted by <@U0ALICE>" in c.args["text"] for c in standin.calls_to("chat.update"))

    listing = await slack.command("docs", channel=CHANNEL)
    assert listing.json["text"] == "Documentation of Churn Radar: 1 submitted, 0 requested, 0 overdue"
    assert "*Modeling* · :white_check_mark: submitted" in everything(listing.json)

    # Edit: the form opens with the latest version; sending stores version 2.
    form = await open_docs_form(slack, standin, announcement.args, BOB, "t-doc-2", channel=CHANNEL)
    metrics = next(b for b in form["blocks"] if b.get("block_id") == BlockId.DOC_FIELD_PREFIX + "metrics")
    assert metrics["element"]["initial_value"] == "AUC 0.81"
    answer = await slack.submit(form, doc_values({**fields, "metrics": "AUC 0.83"}), user=BOB)
    assert answer.json == {}
    latest = (await records_stored(runtime))[-1]
    assert (latest.version, latest.author, latest.fields["metrics"], latest.link) == (2, BOB, "AUC 0.83", None)

    # Someone outside the team cannot open or submit it.
    answer = await slack.submit(form, doc_values(fields), user="U0STRANGER")
    assert answer.json["response_action"] == "errors"
    assert await count_rows(runtime, DocRecord) == 2


async def test_the_product_owner_stands_in_and_with_nobody_the_channel_is_told(runtime, slack, standin, clock, drain):
    standin.add_user(OWNER, "owner")
    await project_in_modeling(runtime, slack, clock, scientist=None, owner=OWNER)
    await slack.command("milestone add Baseline", channel=CHANNEL, user=BOB)
    await drain()
    standin.calls.clear()
    await slack.command("milestone done Baseline", channel=CHANNEL, user=BOB)
    await drain()
    [dm] = dms_to(standin, OWNER)
    assert "(as its product owner, since nobody is Data scientist)" in dm.args["text"]
    [request] = await requests_stored(runtime)
    assert request.asked == [{"user": OWNER, "role": "data-scientist", "standing_in": True}]

    # Without a product owner either: stored, listed, and the channel told.
    await slack.command(f"role remove <@{OWNER}|owner> product-owner", channel=CHANNEL)
    await slack.command("milestone add Tuning", channel=CHANNEL, user=BOB)
    await drain()
    standin.calls.clear()
    await slack.command("milestone done Tuning", channel=CHANNEL, user=BOB)
    await drain()
    assert [c for c in standin.calls_to("chat.postMessage") if c.args["channel"].startswith("U")] == []
    [note] = [c for c in channel_posts(standin) if "Nobody holds Data scientist" in c.args["text"]]
    assert "no product owner" in note.args["text"]
    requests = await requests_stored(runtime)
    assert len(requests) == 2 and requests[1].asked == []
    listing = await slack.command("docs", channel=CHANNEL)
    assert "2 requested" in listing.json["text"]
    assert "nobody (no one holds the roles)" in everything(listing.json)


async def test_leaving_a_phase_asks_for_its_record(runtime, slack, standin, clock, drain):
    await project_in_modeling(runtime, slack, clock, owner=OWNER)
    await drain()
    standin.calls.clear()
    answer = await slack.command("phase set evaluation Good enough", channel=CHANNEL)
    # Modeling's checklist is open: the move is confirmed with the prompt's button.
    move = button(answer.json["blocks"], ActionId.PHASE_MOVE_ANYWAY)
    await slack.press(ActionId.PHASE_MOVE_ANYWAY, channel=CHANNEL, value=move["value"])
    await drain()
    [request] = await requests_stored(runtime)
    assert (request.phase, request.iteration, request.trigger) == ("modeling", 1, "phase-exit")
    assert request.transition_id is not None
    [dm] = dms_to(standin, ALICE)
    assert "the phase was left" in dm.args["text"]
