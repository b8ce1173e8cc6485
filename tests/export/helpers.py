"""A project with records and open requests, made through Slack's side of the boundary, for the export tests;
and a reader of Markdown that knows which lines are inside fenced code blocks (CommonMark's rules)."""

from __future__ import annotations

import re

from bot.views.ids import ActionId, BlockId, InputId
from tests.lifecycle.helpers import button, project_in, tick_everything

CHANNEL = "C0CHURN"
ALICE, BOB = "U0ALICE", "U0BOB"
HOSTILE = {
    "algorithm": "# heading\nGradient boosting <script>alert(1)</script>",
    "features_used": "[x](http://evil) and ![img](http://evil/i.png)",
    "hyperparameters": "```\n# closed the fence?\n```\ndepth <!here> <@U1> &amp; *bold*",
    "cross_validation": "    indented\n- list\n1. numbered\n> quote\n---\n|a|b|",
    "metrics": "AUC 0.91 ````` five backticks `one`",
}


async def answered_modeling_record(runtime, slack, standin, drain, *, link: str = "https://wiki.example.com/m") -> None:
    """Churn Radar in modeling with alice as data scientist; the business, data and preparation records were
    asked for on leaving those phases (open); `milestone done` asked alice for the modeling record, which she
    submits with HOSTILE fields."""
    answer = await slack.command("project create Churn Radar", channel=CHANNEL)
    assert answer.json["text"].startswith("Created"), answer.json
    await slack.command(f"role add <@{ALICE}|alice> data-scientist", channel=CHANNEL)
    await slack.command(f"role add <@{BOB}|bob> data-engineer", channel=CHANNEL)
    project = await project_in(runtime)
    await tick_everything(runtime, runtime.clock, project.id)
    for _ in range(3):
        runtime.clock.advance(days=2)
        moved = await slack.command("phase next", channel=CHANNEL)
        assert moved.json["text"].startswith(":arrow_right:") or "Moved" in moved.json["text"], moved.json
    await slack.command("milestone add Baseline model", channel=CHANNEL)
    done = await slack.command("milestone done Baseline model", channel=CHANNEL)
    assert done.status == 200, done.text
    await drain()
    prompt = [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == ALICE][-1]
    standin.register_trigger("t-doc", ALICE)
    pressed = await slack.press(ActionId.DOCS_OPEN, user=ALICE, channel=prompt.response["channel"],
                                value=button(prompt.args["blocks"], ActionId.DOCS_OPEN)["value"], trigger_id="t-doc")
    assert pressed.status == 200
    form = standin.calls_to("views.open")[-1].response["view"]
    values = {BlockId.DOC_FIELD_PREFIX + key: {InputId.DOC_TEXT: {"type": "plain_text_input", "value": text}}
              for key, text in HOSTILE.items()}
    values[BlockId.DOC_LINK] = {InputId.DOC_LINK: {"type": "plain_text_input", "value": link}}
    submitted = await slack.submit(form, values, user=ALICE)
    assert submitted.json == {}, submitted.text
    await drain()


_FENCE = re.compile(r"^ {0,3}(`{3,})")


def outside_and_inside(document: str) -> tuple[list[str], list[str]]:
    """The lines outside fenced code blocks, and the content of each block (CommonMark: a block opens with
    three or more backticks and closes with at least as many and nothing else on the line)."""
    outside, blocks, current, fence = [], [], [], None
    for line in document.split("\n"):
        if fence is None:
            opened = _FENCE.match(line)
            if opened:
                fence, current = opened.group(1), []
            else:
                outside.append(line)
        elif re.fullmatch(r" {0,3}`{%d,}\s*" % len(fence), line):
            blocks.append("\n".join(current))
            fence = None
        else:
            current.append(line)
    assert fence is None, "a fenced block was left open"
    return outside, blocks
