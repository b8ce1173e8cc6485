"""Shared steps for the phase tests: a project, roles and ticks stored directly, the state read back."""

from __future__ import annotations

import json

from bot.crisp_dm import GENERIC_TASKS, PHASE_ORDER, Phase
from storage.queries import lifecycle, projects
from storage.tables import Project, RoleAssignment

TEAM = "T0CRISP"
CHANNEL = "C0CHURN"


async def create(slack, name: str = "Churn Radar", channel: str = CHANNEL, user: str = "U0ADMIN") -> None:
    answer = await slack.command(f"project create {name}", channel=channel, user=user)
    assert answer.json["text"].startswith("Created"), answer.json


async def project_in(runtime, channel: str = CHANNEL) -> Project:
    async with runtime.db.read() as session:
        return await projects.active_in_channel(session, TEAM, channel)


async def give_roles(runtime, clock, project_id: int, *pairs: tuple[str, str]) -> None:
    """(user, role) pairs, stored as the team commands would store them."""
    async with runtime.db.transaction() as session:
        for user_id, role in pairs:
            session.add(RoleAssignment(team_id=TEAM, project_id=project_id, user_id=user_id, role=role,
                                       assigned_by="U0ADMIN", assigned_at=clock.now()))


async def tick_everything(runtime, clock, project_id: int, iterations=(1,), phases=PHASE_ORDER) -> None:
    """Every checklist item of `phases` ticked in each of `iterations`: moves need no confirmation."""
    async with runtime.db.transaction() as session:
        for iteration in iterations:
            for phase in phases:
                for task in GENERIC_TASKS[phase]:
                    await lifecycle.tick(session, project_id=project_id, iteration=iteration, task_key=task.key,
                                         user_id="U0ADMIN", now=clock.now())


async def put_in(runtime, project_id: int, phase: Phase, iteration: int = 1) -> None:
    async with runtime.db.transaction() as session:
        project = await session.get(Project, project_id)
        project.phase, project.iteration = phase.value, iteration


async def history(runtime, project_id: int):
    async with runtime.db.read() as session:
        return await lifecycle.transitions(session, project_id)


def button(blocks: list[dict], action_id: str) -> dict:
    """The first button with `action_id` in a message's blocks (accessory or in an actions block)."""
    for block in blocks:
        for element in [block.get("accessory"), *block.get("elements", [])]:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button in {json.dumps(blocks)[:500]}")
