"""`phase history` keeps a project's moves between requests, and never serves a stale history."""

from __future__ import annotations

from bot.lifecycle.history import HistoryCache
from storage.queries import lifecycle
from tests.lifecycle.helpers import create, project_in


async def move(runtime, clock, project_id: int, from_phase: str, to_phase: str) -> None:
    async with runtime.db.transaction() as session:
        await lifecycle.add_transition(session, project_id=project_id, from_phase=from_phase, to_phase=to_phase,
                                       backward=False, iteration=1, actor_id="U0ADMIN", note=None, open_items=0,
                                       request_key=None, now=clock.now())


async def test_kept_moves_are_served_until_another_process_adds_one(runtime, slack, clock, monkeypatch):
    await create(slack)
    project = await project_in(runtime)
    await move(runtime, clock, project.id, "business-understanding", "modeling")
    reads = []
    read_all = lifecycle.transitions

    async def counted(session, project_id):
        reads.append(project_id)
        return await read_all(session, project_id)

    monkeypatch.setattr(lifecycle, "transitions", counted)
    cache = HistoryCache()
    async with runtime.db.read() as session:
        first = await cache.transitions(session, project.id)
        again = await cache.transitions(session, project.id)
    assert [t.to_phase for t in first] == ["business-understanding", "modeling"]
    assert again is first and reads == [project.id]

    # A move made elsewhere (another process: straight into the database) is seen at once.
    await move(runtime, clock, project.id, "modeling", "evaluation")
    async with runtime.db.read() as session:
        fresh = await cache.transitions(session, project.id)
    assert [t.to_phase for t in fresh] == ["business-understanding", "modeling", "evaluation"]
    assert reads == [project.id, project.id]


async def test_only_the_most_recently_asked_projects_are_kept(runtime, slack):
    for n, channel in enumerate(("C0ONE", "C0TWO", "C0THREE")):
        await create(slack, f"Project {n}", channel=channel)
    ids = [(await project_in(runtime, channel)).id for channel in ("C0ONE", "C0TWO", "C0THREE")]
    cache = HistoryCache(size=2)
    async with runtime.db.read() as session:
        for project_id in ids:
            await cache.transitions(session, project_id)
    assert list(cache._kept) == ids[1:]
