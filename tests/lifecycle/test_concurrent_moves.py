"""Fifty `phase next` / `phase set` at once on one project: every move answered as done is in the history,
exactly once, in a chain with no gap (each starts where the one before ended), and is announced once."""

from __future__ import annotations

import asyncio
import re

from storage.queries import audit
from tests.lifecycle.helpers import create, history, project_in, tick_everything

REQUESTS = 50


def command_for(n: int) -> str:
    if n % 5 == 3:
        return f"phase set business understanding back n{n}"
    if n % 7 == 4:
        return f"phase set modeling jump n{n}"
    return f"phase next n{n}"


async def test_fifty_concurrent_moves_lose_no_update(runtime, slack, standin, clock, drain):
    await create(slack)
    project = await project_in(runtime)
    # Every checklist ticked in every iteration these moves can reach: no move stops at a confirmation.
    await tick_everything(runtime, clock, project.id, iterations=range(1, REQUESTS + 2))
    await drain()

    answers = await asyncio.gather(*(slack.command(command_for(n)) for n in range(REQUESTS)))

    done = set()
    for n, answer in enumerate(answers):
        assert answer.status == 200
        text = answer.json["text"]
        if text.startswith("Moved Churn Radar to "):
            done.add(f"n{n}")
        else:
            assert re.match(r"Churn Radar is (already in|in Deployment, the last phase)|:hourglass: Crisp is busy",
                            text), text
    moves = await history(runtime, project.id)
    later = moves[1:]
    assert sorted(t.note.split()[-1] for t in later) == sorted(done)
    assert len(done) >= 10
    # A chain without gaps or forks: each move starts where the previous one ended.
    for before, after in zip(moves, later):
        assert after.from_phase == before.to_phase
        assert after.iteration == before.iteration + (1 if after.backward else 0)
    current = await project_in(runtime)
    assert (current.phase, current.iteration) == (moves[-1].to_phase, moves[-1].iteration)
    async with runtime.db.read() as session:
        audited = [e.detail["transition"] for e in await audit.for_project(session, project.id)
                   if e.action == "phase.moved"]
    assert audited == [t.id for t in later]

    await drain()
    announced = [c.args["text"] for c in standin.calls_to("chat.postMessage") if " moved " in c.args["text"]]
    notes = [re.search(r"n\d+", text).group(0) for text in announced]
    assert notes == [t.note.split()[-1] for t in later]  # each once, in the order they were made
