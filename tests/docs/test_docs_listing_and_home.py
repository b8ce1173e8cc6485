"""`docs` per phase with Submit / Edit buttons that open the right form, and App Home naming the records
asked of the person."""

from __future__ import annotations

import json

from storage.tables import DocRecord
from tests.conftest import count_rows
from tests.docs.helpers import ALICE, BOB, CHANNEL, doc_values, open_docs_form, project_in_modeling
from tests.team.test_home import opened, texts


async def test_docs_lists_per_phase_and_its_buttons_open_the_forms(runtime, slack, standin, clock, drain):
    await project_in_modeling(runtime, slack, clock)
    listing = await slack.command("docs", channel=CHANNEL, user=BOB)
    assert listing.json["text"] == "Documentation of Churn Radar: 0 submitted, 0 requested, 0 overdue"
    # Nothing asked yet: the current phase's record can be written unprompted.
    form = await open_docs_form(slack, standin, listing.json, BOB, "t-now", channel=CHANNEL)
    assert [b["label"]["text"] for b in form["blocks"] if b["type"] == "input"][0] == "Algorithm and why"

    await slack.command("milestone add Data audit", channel=CHANNEL, user=ALICE)
    await slack.command("milestone done Data audit", channel=CHANNEL, user=ALICE)
    listing = await slack.command("docs", channel=CHANNEL, user=BOB)
    shown = json.dumps(listing.json, ensure_ascii=False)
    assert "*Modeling* · :hourglass_flowing_sand: requested" in shown
    assert "milestone *Data audit* done: asked <@U0ALICE> (Data scientist); 0 reminders sent" in shown
    form = await open_docs_form(slack, standin, listing.json, BOB, "t-submit", channel=CHANNEL)
    answer = await slack.submit(form, doc_values({"algorithm": "Logistic regression", "metrics": "F1 0.7"}),
                                user=BOB)
    assert answer.json == {}
    listing = await slack.command("docs", channel=CHANNEL, user=BOB)
    assert listing.json["text"] == "Documentation of Churn Radar: 1 submitted, 0 requested, 0 overdue"
    assert "Version 1 by <@U0BOB>" in json.dumps(listing.json)
    # A forged button (another project, a phase that is none) opens nothing and stores nothing.
    for value in ('{"p": 999, "ph": "modeling", "i": 1}', '{"p": 1, "ph": "lunch", "i": 1}', "not json"):
        before = len(standin.calls_to("views.open"))
        answer = await slack.press("crisp.docs.open", user=BOB, channel=CHANNEL, value=value, trigger_id="t-x")
        assert answer.status == 200 and len(standin.calls_to("views.open")) == before
    assert await count_rows(runtime, DocRecord) == 1


async def test_app_home_names_the_records_asked_of_the_person(runtime, slack, standin, clock, drain):
    await project_in_modeling(runtime, slack, clock)
    await slack.command("milestone add Baseline", channel=CHANNEL, user=ALICE)
    await slack.command("milestone done Baseline", channel=CHANNEL, user=ALICE)
    await slack.event(opened(ALICE))
    await slack.event(opened(BOB))
    await drain()
    alice = " ".join(texts(standin.home_view(ALICE)))
    assert ":memo: Documentation asked of you: Modeling (`/crisp docs`)" in alice
    assert "Documentation asked of you" not in " ".join(texts(standin.home_view(BOB)))
