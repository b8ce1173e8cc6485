"""What the stakeholder digest (bot.digests) says about milestones and documentation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.docs.milestones import local_date
from storage.queries import docs as doc_rows
from storage.queries import milestones as rows
from storage.tables import DocRequest, Milestone

# Open milestones due within this many days of `now` are "due" (overdue ones always are).
DUE_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class DigestFacts:
    milestones_done: list[Milestone]   # completed since `since`, oldest first
    milestones_due: list[Milestone]    # open, due by `now` + DUE_WITHIN, earliest first (overdue ones lead)
    overdue_docs: list[DocRequest]     # open requests past their third reminder, oldest first
    today: date                        # `now`'s date: a milestone due before it is overdue

    def overdue_milestones(self) -> list[Milestone]:
        return [m for m in self.milestones_due if m.due is not None and m.due < self.today]


async def digest_facts(session: AsyncSession, project_id: int, since: datetime, now: datetime, *,
                       tz: str = "UTC") -> DigestFacts:
    """Milestones done since `since`, those due soon or overdue, and overdue documentation. `tz`: the zone
    whose date decides what is overdue (the bot's default time zone, as `milestones` uses)."""
    today = local_date(now, tz)
    return DigestFacts(milestones_done=await rows.done_since(session, project_id, since),
                       milestones_due=await rows.open_due_by(session, project_id, today + DUE_WITHIN),
                       overdue_docs=await doc_rows.overdue_of_project(session, project_id),
                       today=today)
