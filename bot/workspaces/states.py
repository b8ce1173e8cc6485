"""Which workspaces are not installed (uninstalled, or purged), as this process last read it.

Read on the request path (the gate) and by the single-workspace token source, so it is one small
statement every few seconds at most; a change made in this process is seen at once (`forget`), one
made in another process within TTL_SECONDS. Nothing depends on it being fresher: a call made with a
revoked token is answered `token_revoked` and its row parks all the same.
"""

from __future__ import annotations

import asyncio
import logging
import time

from storage.db import Database, DatabaseBusy, is_unavailable
from storage.queries import workspaces as rows
from storage.tables import WorkspaceState

log = logging.getLogger("crisp.workspaces")

TTL_SECONDS = 5.0
# When the database cannot answer, the last list stands and is asked for again this much later: the
# request goes on to Bolt, whose own reads answer "busy" the way every command does.
RETRY_AFTER_FAILURE_SECONDS = 1.0


class WorkspaceStates:
    def __init__(self, db: Database, *, ttl: float = TTL_SECONDS):
        self._db = db
        self._ttl = ttl
        self._known: dict[str, str] = {}
        self._read_at: float | None = None
        self._lock = asyncio.Lock()

    async def state(self, team_id: str) -> str:
        """`installed` for any workspace not recorded otherwise (single-workspace mode records none)."""
        if self._read_at is None or time.monotonic() - self._read_at > self._ttl:
            async with self._lock:
                if self._read_at is None or time.monotonic() - self._read_at > self._ttl:
                    try:
                        async with self._db.read() as session:
                            self._known = await rows.not_installed(session)
                        self._read_at = time.monotonic()
                    except Exception as exc:
                        if not (isinstance(exc, DatabaseBusy) or is_unavailable(exc)):
                            raise
                        log.warning("workspace states not read (%s); using the last ones", type(exc).__name__)
                        self._read_at = time.monotonic() - self._ttl + RETRY_AFTER_FAILURE_SECONDS
        return self._known.get(team_id, WorkspaceState.INSTALLED)

    async def is_uninstalled(self, team_id: str) -> bool:
        return await self.state(team_id) != WorkspaceState.INSTALLED

    def forget(self) -> None:
        """Read again on the next question (this process changed a workspace's state)."""
        self._read_at = None
