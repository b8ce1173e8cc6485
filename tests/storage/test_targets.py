from __future__ import annotations

from datetime import UTC, date, datetime

from storage.db import Database
from storage.queries import targets
from storage.tables import Project


async def test_a_target_is_set_then_replaced(database_url):
    db = Database(database_url)
    now = datetime(2026, 3, 1, 9, tzinfo=UTC)
    async with db.transaction() as session:
        project = Project(team_id="T1", channel_id="C1", name="Churn", slug="churn", phase="modeling",
                          phase_since=now, created_by="U1", created_at=now)
        session.add(project)
        await session.flush()
        assert await targets.set_target(session, team_id="T1", project_id=project.id, phase="modeling",
                                        target=date(2026, 3, 20), user_id="U1", now=now) is None
        replaced = await targets.set_target(session, team_id="T1", project_id=project.id, phase="modeling",
                                            target=date(2026, 3, 27), user_id="U2", now=now)
        assert replaced == date(2026, 3, 20)
        await targets.set_target(session, team_id="T1", project_id=project.id, phase="evaluation",
                                 target=date(2026, 4, 3), user_id="U1", now=now)
    async with db.read() as session:
        assert await targets.targets_of(session, project.id) == {"modeling": date(2026, 3, 27),
                                                                 "evaluation": date(2026, 4, 3)}
    await db.dispose()
