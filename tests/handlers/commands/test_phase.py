"""`/crisp phase …` through signed HTTP requests, the database and the stand-in."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.crisp_dm import GENERIC_TASKS, PHASE_ORDER, Phase
from bot.views.ids import ActionId, BlockId
from storage.queries import audit, lifecycle, projects
from storage.tables import ChecklistTick, OutboxMessage, PhaseTransition, Project, RoleAssignment
from tests.conftest import count_rows

TEAM = "T0CRISP"


async def project_in(runtime, channel="C0CHURN") -> Project:
    async with runtime.db.read() as session:
        return await projects.active_in_channel(session, TEAM, channel)


async def tick_all(runtime, project_id: int, iteration: int, phases=PHASE_ORDER, clock=None) -> None:
    async with runtime.db.transaction() as session:
        for phase in phases:
            for task in GENERIC_TASKS[phase]:
                await lifecycle.tick(session, project_id=project_id, iteration=iteration, task_key=task.key,
                                     user_id="U0ADMIN", now=clock.now())


async def test_phase_shows_the_card_with_the_checklist(runtime, slack, clock):
    await slack.command("project create Churn Radar")
    clock.advance(days=2)
    answer = await slack.command("phase", user="U0BOB")
    body = answer.json
    assert body["text"].splitlines()[0] == "Churn Radar is in Business understanding — day 3, iteration 1"
    blocks = body["blocks"]
    task_blocks = [b for b in blocks if b.get("block_id", "").startswith(BlockId.PHASE_TASK_PREFIX)]
    assert len(task_blocks) == 4
    assert "Determine business objectives" in task_blocks[0]["text"]["text"]
    assert "business success criteria" in task_blocks[0]["text"]["text"]
    assert task_blocks[0]["accessory"]["action_id"] == ActionId.PHASE_TICK


async def test_smoke_next_and_history(runtime, slack, standin, clock, drain):
    await slack.command("project create Churn Radar")
    project = await project_in(runtime)
    await tick_all(runtime, project.id, 1, clock=clock)
    clock.advance(hours=5)
    answer = await slack.command("phase next data is in")
    assert answer.json["text"].startswith("Moved Churn Radar to Data understanding"), answer.json
    answer = await slack.command("phase history")
    assert "1 move" in answer.json["text"], answer.json
    await drain()
    print(json.dumps(standin.calls_to("chat.postMessage")[-1].args, indent=1))
