"""Who people are: display names, time zones and vacation status, as Slack's `users.info` told.

`known` reads only the database and may be used anywhere. `lookup` asks Slack for whoever is missing
or stale, so it belongs to scheduler jobs and outbox-time work, never to a request's ack path; the
`people.refresh` job keeps role holders and stakeholders fresh so that jobs rarely have to ask.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.services import Services
from bot.workspaces.tokens import TokenUnavailable
from storage.queries import people as rows
from storage.tables import SlackUser

log = logging.getLogger("crisp.people")

FRESH_FOR = timedelta(hours=12)
AWAY_EMOJI = frozenset({":palm_tree:", ":desert_island:"})
AWAY_WORDS = ("vacation", "vacationing", "on leave", "out of office")
# users.info is Tier 4 (100+ per minute): a few at a time keeps a refresh well inside it.
CONCURRENT_LOOKUPS = 4
REFRESH_BATCH = 200


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str                      # display name, else real name, else the id
    tz: str | None = None          # IANA zone name Slack gave, when Crisp knows it
    status_emoji: str = ""
    status_text: str = ""
    status_expiration: datetime | None = None

    def away(self, now: datetime) -> bool:
        """Their Slack status says they are on vacation (and has not expired)."""
        if self.status_expiration is not None and self.status_expiration <= now:
            return False
        text = self.status_text.casefold()
        return self.status_emoji in AWAY_EMOJI or any(word in text for word in AWAY_WORDS)

    def zone(self) -> ZoneInfo | None:
        if not self.tz:
            return None
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return None


def unknown(user_id: str) -> Person:
    return Person(user_id=user_id, name=user_id)


def person_of(row: SlackUser) -> Person:
    return Person(user_id=row.user_id, name=row.display_name or row.real_name or row.user_id, tz=row.tz,
                  status_emoji=row.status_emoji, status_text=row.status_text,
                  status_expiration=row.status_expiration)


async def known(session, team_id: str, user_ids: Iterable[str]) -> dict[str, Person]:
    """Everyone asked for: as last looked up, or just their id when never looked up. Database only."""
    wanted = list(dict.fromkeys(user_ids))
    found = await rows.rows_for(session, team_id, wanted)
    return {user_id: person_of(found[user_id]) if user_id in found else unknown(user_id) for user_id in wanted}


async def lookup(services: Services, team_id: str, user_ids: Iterable[str], *,
                 max_age: timedelta = FRESH_FOR) -> dict[str, Person]:
    """Like `known`, after asking Slack about whoever is missing or older than `max_age`. A failed
    lookup keeps what was known. Not for the ack path."""
    wanted = list(dict.fromkeys(user_ids))
    now = services.clock.now()
    async with services.db.read() as session:
        found = await rows.rows_for(session, team_id, wanted)
    stale = [user_id for user_id in wanted
             if user_id not in found or found[user_id].fetched_at < now - max_age]
    if stale:
        fetched = await _fetch(services, team_id, stale, now)
        if fetched:
            async with services.db.transaction() as session:
                await rows.store(session, fetched)
            for values in fetched:
                found[values["user_id"]] = SlackUser(**values)
    return {user_id: person_of(found[user_id]) if user_id in found else unknown(user_id) for user_id in wanted}


async def _fetch(services: Services, team_id: str, user_ids: list[str], now: datetime) -> list[dict[str, Any]]:
    try:
        client = await services.slack_client(team_id)
    except TokenUnavailable:
        client = None  # its token is being refreshed: looked up on a later pass
    if client is None:
        return []
    gate = asyncio.Semaphore(CONCURRENT_LOOKUPS)
    limited = asyncio.Event()

    async def one(user_id: str) -> dict[str, Any] | None:
        async with gate:
            if limited.is_set():
                return None  # Slack asked to slow down: the rest wait for the next refresh
            try:
                response = await client.users_info(user=user_id)
            except SlackApiError as exc:
                if getattr(exc.response, "status_code", 200) == 429:
                    limited.set()
                else:
                    log.info("users.info %s in %s: %s", user_id, team_id, exc.response.get("error"))
                return None
            except (SlackClientError, OSError, asyncio.TimeoutError) as exc:
                log.info("users.info %s in %s failed: %s", user_id, team_id, type(exc).__name__)
                return None
            user = response.get("user")
            return row_values(team_id, user_id, user, now) if isinstance(user, dict) else None

    answers = await asyncio.gather(*(one(user_id) for user_id in user_ids))
    return [values for values in answers if values is not None]


def row_values(team_id: str, user_id: str, user: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A slack_user row from a users.info `user` object (fields cut to the columns' sizes)."""
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    expiration = profile.get("status_expiration")
    expires = (datetime.fromtimestamp(expiration, UTC)
               if isinstance(expiration, int | float) and not isinstance(expiration, bool) and expiration > 0
               else None)
    tz = user.get("tz")
    return {
        "team_id": team_id,
        "user_id": user_id,
        "display_name": _text(profile.get("display_name"), 120),
        "real_name": _text(profile.get("real_name") or user.get("real_name"), 120),
        "tz": tz if isinstance(tz, str) and 0 < len(tz) <= 64 else None,
        "status_emoji": _text(profile.get("status_emoji"), 100),
        "status_text": _text(profile.get("status_text"), 200),
        "status_expiration": expires,
        "is_bot": bool(user.get("is_bot")),
        "deleted": bool(user.get("deleted")),
        "fetched_at": now,
    }


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


async def refresh_sweep(services: Services) -> str:
    """Scheduler job: look up role holders and stakeholders whose rows are missing or stale."""
    now = services.clock.now()
    async with services.db.read() as session:
        due = await rows.due_for_refresh(session, stale_before=now - FRESH_FOR, limit=REFRESH_BATCH)
    by_team: dict[str, list[str]] = {}
    for team_id, user_id in due:
        by_team.setdefault(team_id, []).append(user_id)
    for team_id, user_ids in by_team.items():
        await lookup(services, team_id, user_ids)
    return f"due={len(due)}"
