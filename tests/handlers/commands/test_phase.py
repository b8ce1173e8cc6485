"""`/crisp phase …` through signed HTTP requests, the database and the stand-in: the card and its
checklist, moves and their refusals, aliases, permissions, missing roles, retries and hostile notes."""

from __future__ import annotations

import json

from bot.crisp_dm import GENERIC_TASKS, PHASE_ALIASES, PHASE_ORDER, PHASE_TITLES, Phase
from bot.views.ids import ActionId, BlockId
from storage.queries import audit, lifecycle
from storage.tables import ChecklistTick, OutboxMessage, PhaseTransition
from tests.conftest import count_rows
from tests.handlers.conftest import log_records, table_counts  # noqa: F401  (fixture)
from tests.lifecycle.helpers import (button, create, give_roles, history, project_in, put_in, tick_everything)
from tests.slack_text import assert_nothing_live


def task_blocks(body: dict) -> list[dict]:
    return [b for b in body["blocks"] if b.get("block_id", "").startswith(BlockId.PHASE_TASK_PREFIX)]


async def test_phase_shows_the_card_with_the_gist_first(runtime, slack, standin, clock):
    await create(slack)
    clock.advance(days=2)
    calls_before = len(standin.calls)
    answer = await slack.command("phase", user="U0BOB")
    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert body["text"].splitlines()[0] == "Churn Radar is in Business understanding — day 3, iteration 1"
    assert body["blocks"][0]["text"]["text"] == "Churn Radar"
    assert "0 of 4 generic tasks done" in body["blocks"][1]["text"]["text"]
    assert len(standin.calls) == calls_before


async def test_each_phase_lists_its_generic_tasks_with_their_outputs(runtime, slack):
    await create(slack)
    project = await project_in(runtime)
    seen = 0
    for phase in PHASE_ORDER:
        await put_in(runtime, project.id, phase)
        body = (await slack.command("phase")).json
        assert body["text"].startswith(f"Churn Radar is in {phase.title} — ")
        blocks = task_blocks(body)
        assert len(blocks) == len(GENERIC_TASKS[phase])
        for block, task in zip(blocks, GENERIC_TASKS[phase]):
            text = block["text"]["text"]
            assert f"*{task.title}*" in text
            assert all(output in text for output in task.outputs), (text, task.outputs)
            assert block["accessory"]["text"]["text"] == "Tick"
        seen += len(blocks)
    assert seen == 24


async def test_a_tick_is_stored_shown_and_audited_and_so_is_an_untick(runtime, slack, standin, clock, drain):
    await create(slack)
    project = await project_in(runtime)
    card = (await slack.command("phase")).json
    first = task_blocks(card)[0]
    url = standin.response_url("C0CHURN", "U0ADMIN")
    clock.advance(minutes=5)
    await slack.press(ActionId.PHASE_TICK, value=first["accessory"]["value"], response_url=url)
    async with runtime.db.read() as session:
        ticks = await lifecycle.ticks(session, project.id, 1)
    assert list(ticks) == ["bu.objectives"] and ticks["bu.objectives"].ticked_by == "U0ADMIN"
    await drain()
    [redrawn] = standin.calls_to("response_url")
    assert redrawn.args["replace_original"] is True
    assert redrawn.args["text"].splitlines()[1] == "[x] Determine business objectives"
    ticked = task_blocks(redrawn.args)[0]
    assert ticked["accessory"]["text"]["text"] == "Untick" and "Ticked by <@U0ADMIN>" in ticked["text"]["text"]
    assert standin.ephemerals("C0CHURN", "U0ADMIN")[-1]["text"] == redrawn.args["text"]
    # The command shows it too.
    assert "1 of 4 generic tasks done" in str((await slack.command("phase", user="U0BOB")).json["blocks"])

    await slack.press(ActionId.PHASE_TICK, value=ticked["accessory"]["value"], response_url=url)
    async with runtime.db.read() as session:
        assert await lifecycle.ticks(session, project.id, 1) == {}
        entries = [(e.action, e.detail["task"]) for e in await audit.for_project(session, project.id)
                   if e.action.startswith("checklist.")]
    assert entries == [("checklist.ticked", "bu.objectives"), ("checklist.unticked", "bu.objectives")]
    await drain()
    assert task_blocks(standin.calls_to("response_url")[-1].args)[0]["accessory"]["text"]["text"] == "Tick"


async def test_a_stale_tick_button_changes_nothing(runtime, slack, standin, clock, drain):
    await create(slack)
    project = await project_in(runtime)
    value = task_blocks((await slack.command("phase")).json)[0]["accessory"]["value"]
    await tick_everything(runtime, clock, project.id, phases=(Phase.BUSINESS_UNDERSTANDING,))
    await slack.command("phase next")
    before = await count_rows(runtime, ChecklistTick)
    await slack.press(ActionId.PHASE_TICK, value=value, response_url=standin.response_url("C0CHURN", "U0ADMIN"))
    assert await count_rows(runtime, ChecklistTick) == before
    await drain()
    [told] = standin.calls_to("chat.postEphemeral")
    assert told.args["text"].startswith("This card is out of date: Churn Radar is now in Data understanding")


async def test_forged_phase_buttons_are_refused_privately_and_change_nothing(runtime, slack, standin, drain,
                                                                          log_records):
    await create(slack)
    project = await project_in(runtime)
    await drain()
    before = await table_counts(runtime.db)
    standin.calls.clear()
    forged = [{"p": 2**40, "i": 1, "t": "bu.plan"}, {"p": project.id, "i": 2**40, "t": "bu.plan"},
              {"p": True, "i": 1, "t": "bu.plan"}, {"p": project.id, "i": True, "t": "bu.plan"}]
    for value in [json.dumps(v) for v in forged] + ["[" * 3000 + "]" * 3000]:
        await slack.press(ActionId.PHASE_TICK, value=value)
    for value in (json.dumps({"p": 2**40, "to": "modeling", "frm": "business-understanding"}),):
        await slack.press(ActionId.PHASE_MOVE_ANYWAY, value=value)
    await drain()
    assert await table_counts(runtime.db) == {**before, "outbox": before["outbox"] + 6}
    told = [c.args["text"] for c in standin.calls_to("chat.postEphemeral")]
    assert told == ["That button is not one of Crisp's; nothing changed."] * 6
    assert log_records.errors == []


async def test_a_note_riding_in_a_move_anyway_button_is_cleaned_again(runtime, slack, drain):
    await create(slack)
    project = await project_in(runtime)
    value = json.dumps({"p": project.id, "to": "data-understanding", "frm": "business-understanding",
                        "note": "ready\x00 now\u202e"})
    await slack.press(ActionId.PHASE_MOVE_ANYWAY, value=value)
    [*_, moved] = await history(runtime, project.id)
    assert (moved.to_phase, moved.note) == ("data-understanding", "ready now")


async def test_every_phase_name_and_alias_is_accepted_in_any_case(runtime, slack):
    await create(slack)
    project = await project_in(runtime)
    await tick_everything(runtime, clock=runtime.clock, project_id=project.id, iterations=range(1, 80))
    names = {phase: [phase.value, PHASE_TITLES[phase], *PHASE_ALIASES[phase]] for phase in PHASE_ORDER}
    moves = 0
    for phase, spellings in names.items():
        for spelling in spellings:
            for typed in (spelling.upper(), spelling.title(), spelling.lower().replace("-", " ")):
                current = (await project_in(runtime)).phase
                if current == phase.value:  # a move to where it is would be refused: go elsewhere first
                    await slack.command("phase set deployment" if phase != Phase.DEPLOYMENT else
                                        "phase set business back again")
                    moves += 1
                answer = await slack.command(f"phase set {typed} because")
                assert answer.json["text"].startswith(f"Moved Churn Radar to {phase.title}"), (typed, answer.json)
                assert (await project_in(runtime)).phase == phase.value
                moves += 1
    assert len(await history(runtime, project.id)) == moves + 1


async def test_an_unknown_phase_suggests_the_closest_and_changes_nothing(runtime, slack):
    await create(slack)
    before = await table_counts(runtime.db)
    for typed, suggestion in (("modeing", "modeling"), ("evalution", "evaluation"), ("dta-preparation", "data-preparation"),
                              ("deploymnt now", "deployment")):
        answer = await slack.command(f"phase set {typed}")
        assert answer.json["text"].startswith(f"I don't know the phase {typed.split()[0]}. Did you mean "
                                              f"{suggestion}?"), answer.json
    far = await slack.command("phase set xyzzy")
    assert "Did you mean" not in far.json["text"] and "data-preparation" in str(far.json["blocks"])
    # A misspelt sub-command gets the closest command, not "phase takes no arguments".
    sett = await slack.command("phase sett modeling")
    assert "Did you mean `/crisp phase set PHASE [NOTE]`?" in str(sett.json["blocks"])
    assert await table_counts(runtime.db) == before


async def test_moves_that_make_no_sense_are_refused_clearly(runtime, slack):
    await create(slack)
    project = await project_in(runtime)
    same = await slack.command("phase set bu")
    assert same.json["text"].startswith("Churn Radar is already in Business understanding; nothing changed.")
    await put_in(runtime, project.id, Phase.DEPLOYMENT)
    last = await slack.command("phase next")
    assert last.json["text"].startswith("Churn Radar is in Deployment, the last phase: there is no next one.")
    assert "phase set PHASE REASON" in str(last.json["blocks"])
    assert len(await history(runtime, project.id)) == 1


async def test_without_product_owner_or_manager_nobody_moves_the_phase(runtime, slack, standin, clock, drain):
    await create(slack)
    project = await project_in(runtime)
    await give_roles(runtime, clock, project.id, ("U0BOB", "data-scientist"), ("U0ALICE", "product-manager"))
    await tick_everything(runtime, clock, project.id)
    await drain()
    before = await table_counts(runtime.db)
    for text in ("phase next", "phase set modeling", "phase set bu"):
        answer = await slack.command(text, user="U0BOB")
        assert answer.json["text"].startswith("Refused: only Crisp admins and the project's product owner or product "
                                              "manager may change the phase."), answer.json
    # Nor through a button made for someone else.
    confirm_value = json.dumps({"p": project.id, "to": "modeling", "frm": "business-understanding", "note": None})
    await slack.press(ActionId.PHASE_MOVE_ANYWAY, user="U0BOB", value=confirm_value,
                      response_url=standin.response_url("C0CHURN", "U0BOB"))
    await drain()
    assert standin.calls_to("chat.postEphemeral")[-1].args["text"].startswith("Refused:")
    after = await table_counts(runtime.db)
    assert {k: v for k, v in after.items() if k != "outbox"} == {k: v for k, v in before.items() if k != "outbox"}
    assert (await project_in(runtime)).phase == "business-understanding"
    # The product manager may.
    answer = await slack.command("phase next", user="U0ALICE")
    assert answer.json["text"] == "Moved Churn Radar to Data understanding."


async def test_entering_modeling_without_a_data_scientist_posts_a_warning(runtime, slack, standin, clock, drain):
    await create(slack)
    project = await project_in(runtime)
    await give_roles(runtime, clock, project.id, ("U0ALICE", "product-owner"), ("U0ADMIN", "sponsor"))
    await tick_everything(runtime, clock, project.id, iterations=(1, 2))
    await put_in(runtime, project.id, Phase.DATA_PREPARATION)
    await slack.command("phase next", user="U0ALICE")
    await drain()
    warnings = [c.args for c in standin.calls_to("chat.postMessage") if ":warning:" in str(c.args.get("blocks"))]
    assert len(warnings) == 1
    assert warnings[0]["channel"] == "C0CHURN"
    assert warnings[0]["text"] == "Churn Radar is in Modeling without: Data scientist"
    assert "*Data scientist*" in str(warnings[0]["blocks"])
    # With one, entering it again warns no more.
    await give_roles(runtime, clock, project.id, ("U0BOB", "data-scientist"))
    await slack.command("phase set dp features again", user="U0ALICE")
    await slack.command("phase next", user="U0ALICE")
    await drain()
    texts = [c.args["text"] for c in standin.calls_to("chat.postMessage")]
    assert texts[-1].startswith("Churn Radar moved on: Data preparation → Modeling")
    # Data preparation expects a data engineer: its warning came with the move back.
    assert "Churn Radar is in Data preparation without: Data engineer" in texts


async def test_slack_retrying_a_command_or_a_press_repeats_nothing(runtime, slack, standin, clock, drain):
    await create(slack)
    project = await project_in(runtime)
    await tick_everything(runtime, clock, project.id, phases=(Phase.BUSINESS_UNDERSTANDING,))
    first = await slack.command("phase next", trigger_id="t-move-1")
    again = await slack.command("phase next", trigger_id="t-move-1", retry_num=1)
    assert first.json["text"] == "Moved Churn Radar to Data understanding."
    assert again.json["text"] == "Moved Churn Radar to Data understanding."
    assert "Already done" in str(again.json["blocks"])
    # A confirmation's button pressed, and the press delivered twice.
    confirm = await slack.command("phase next")
    value = button(confirm.json["blocks"], ActionId.PHASE_MOVE_ANYWAY)["value"]
    url = standin.response_url("C0CHURN", "U0ADMIN")
    await slack.press(ActionId.PHASE_MOVE_ANYWAY, value=value, trigger_id="t-press-1", response_url=url)
    await slack.press(ActionId.PHASE_MOVE_ANYWAY, value=value, trigger_id="t-press-1", response_url=url, retry_num=1)
    moves = await history(runtime, project.id)
    assert [t.to_phase for t in moves] == ["business-understanding", "data-understanding", "data-preparation"]
    await drain()
    announced = [c.args["text"] for c in standin.calls_to("chat.postMessage") if " moved " in c.args["text"]]
    assert len(announced) == 2
    async with runtime.db.read() as session:
        assert sum(e.action == "phase.moved" for e in await audit.for_project(session, project.id)) == 2
    # A second, genuine press of the same stale button is refused: it was made for Data understanding.
    await slack.press(ActionId.PHASE_MOVE_ANYWAY, value=value, response_url=url)
    assert len(await history(runtime, project.id)) == 3


HOSTILE_NOTE = "see &lt;!channel&gt; and <!here> and &lt;@U1&gt; and <@U0BOB|bob> *done* `x`"


async def test_notes_with_mentions_produce_no_live_mention(runtime, slack, standin, clock, drain):
    await create(slack)
    project = await project_in(runtime)
    await tick_everything(runtime, clock, project.id, iterations=(1, 2))
    await slack.command(f"phase next {HOSTILE_NOTE}")
    back = await slack.command(f"phase set bu {HOSTILE_NOTE}")
    moves = await history(runtime, project.id)
    assert moves[1].note == "see <!channel> and @here and <@U1> and @bob *done* `x`"
    shown = await slack.command("phase history")
    await drain()
    trusted = {"U0ADMIN"}
    for payload in [back.json, shown.json, *(c.args for c in standin.calls)]:
        assert_nothing_live(payload, users=trusted, channels={"C0CHURN"})
    assert "&lt;!channel&gt;" in json.dumps(shown.json)
