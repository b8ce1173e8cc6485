"""A project with a team, for the milestone and documentation tests."""

from __future__ import annotations

from bot.crisp_dm import Phase
from bot.views.ids import ActionId, BlockId, InputId
from storage.tables import Project
from tests.lifecycle.helpers import project_in, put_in
from tests.schedules.helpers import ALICE, BOB, CHANNEL, MONDAY_8, channel_posts, dms_to

__all__ = ["ALICE", "BOB", "CHANNEL", "MONDAY_8", "channel_posts", "dms_to"]


async def project_in_modeling(runtime, slack, clock, *, scientist: str | None = ALICE,
                              owner: str | None = None) -> Project:
    """Churn Radar, in Modeling (put there directly: leaving a phase would ask for its record), with Bob as
    ML engineer, the scientist and the owner given."""
    clock.set(MONDAY_8)
    answer = await slack.command("project create Churn Radar", channel=CHANNEL)
    assert answer.json["text"].startswith("Created"), answer.json
    await slack.command(f"role add <@{BOB}|bob> ml-engineer", channel=CHANNEL)
    if scientist:
        await slack.command(f"role add <@{scientist}|sci> data-scientist", channel=CHANNEL)
    if owner:
        await slack.command(f"role add <@{owner}|owner> product-owner", channel=CHANNEL)
    project = await project_in(runtime)
    await put_in(runtime, project.id, Phase.MODELING)
    return await project_in(runtime)


def docs_button(message_args: dict) -> dict:
    """The Write / Submit / Edit button of a message (the first one)."""
    for block in message_args.get("blocks", []):
        elements = block.get("elements", []) if block["type"] == "actions" else [block.get("accessory") or {}]
        for element in elements:
            if element.get("action_id") == ActionId.DOCS_OPEN:
                return element
    raise AssertionError(f"no documentation button in {message_args}")


async def open_docs_form(slack, standin, message_args: dict, user: str, trigger: str, *, channel: str) -> dict:
    standin.register_trigger(trigger, user)
    before = len(standin.calls_to("views.open"))
    answer = await slack.press(ActionId.DOCS_OPEN, user=user, channel=channel,
                               value=docs_button(message_args)["value"], trigger_id=trigger)
    assert answer.status == 200
    opened = standin.calls_to("views.open")
    assert len(opened) == before + 1, standin.calls
    return opened[-1].response["view"]


def doc_values(fields: dict[str, str], link: str = "") -> dict:
    def text(value: str) -> dict:
        return {"type": "plain_text_input", "value": value}

    values = {BlockId.DOC_FIELD_PREFIX + key: {InputId.DOC_TEXT: text(value)} for key, value in fields.items()}
    values[BlockId.DOC_LINK] = {InputId.DOC_LINK: text(link)}
    return values
