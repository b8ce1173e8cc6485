"""A project's moves, kept per process between `phase history` requests.

Transitions are only ever added, never changed, so the rows read once stay right until a newer move
exists. One indexed look-up of the newest id tells whether the kept rows are still the whole history,
in this process or after a move made by another one; a long history is then not read again.
"""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries import lifecycle as lifecycle_rows
from storage.queries.lifecycle import TransitionRow

# Projects whose histories are kept; the least recently asked for is dropped first.
KEPT_PROJECTS = 256


class HistoryCache:
    def __init__(self, size: int = KEPT_PROJECTS):
        self.size = size
        self._kept: OrderedDict[int, list[TransitionRow]] = OrderedDict()

    async def transitions(self, session: AsyncSession, project_id: int) -> list[TransitionRow]:
        """Every move of the project, oldest first, as `lifecycle_rows.transitions` reads them."""
        kept = self._kept.get(project_id)
        if kept is not None and kept[-1].id == await lifecycle_rows.newest_transition_id(session, project_id):
            self._kept.move_to_end(project_id)
            return kept
        rows = await lifecycle_rows.transitions(session, project_id)
        if rows:
            self._kept[project_id] = rows
            self._kept.move_to_end(project_id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return rows
