"""`checkin away @user UNTIL|off`, and who is away when a check-in opens, reminds or closes: on leave in
Crisp until a date, or on vacation by their Slack status (as the people directory last read it; nothing
here calls Slack)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dates import parse_day
from bot.errors import UserError
from bot.people.directory import known
from bot.permissions import Action, Caller
from bot.services import Services
from bot.views import checkin_team as views
from bot.views.mrkdwn import code
from storage.queries import audit, team
from storage.queries import checkins as rows
from storage.tables import Project

USAGE = "checkin away @user YYYY-MM-DD"
FURTHEST = timedelta(days=366)
# What run.away holds for someone whose Slack status says they are on vacation.
STATUS = views.STATUS


def parse_until(text: str, today: date) -> date | None:
    """`2026-01-16` → that date (today up to a year ahead); `off` → None; UserError naming the problem."""
    word = text.strip()
    if word.lower() == "off":
        return None
    if not word:
        raise UserError(f"Until when? {code(USAGE)} (the last day away), or `off`.")
    until = parse_day(word, what="the last day away (or `off`)")
    if until < today:
        raise UserError(f"{code(word)} has passed (today is {today.isoformat()}). Nothing was changed.")
    if until > today + FURTHEST:
        raise UserError(f"{code(word)} is more than a year away; name a nearer last day. Nothing was changed.")
    return until


def zone_of(services: Services, tz: str | None = None) -> ZoneInfo:
    """The zone a run's day is read in: the schedule's, else DEFAULT_TIMEZONE."""
    try:
        return ZoneInfo(tz) if tz else ZoneInfo(services.settings.default_timezone)
    except (ValueError, KeyError):
        return ZoneInfo(services.settings.default_timezone)


async def set_away(services: Services, caller: Caller, project: Project, user_id: str, text: str) -> date | None:
    """Mark someone away until a day (or back, with `off`); returns the day, None when cleared. Members
    mark themselves; leads and admins anyone."""
    if user_id != caller.user_id:
        caller.require(Action.MANAGE_SCHEDULES)
    now = services.clock.now()
    until = parse_until(text, now.astimezone(zone_of(services)).date())
    async with services.db.transaction() as session:
        if not await team.roles_of(session, project.id, user_id):
            raise UserError(views.not_a_member(user_id))
        if until is None:
            if not await rows.clear_away(session, project.id, user_id):
                raise UserError(views.was_not_away(user_id))
        else:
            await rows.set_away(session, team_id=project.team_id, project_id=project.id, user_id=user_id,
                                until=until, set_by=caller.user_id, now=now)
        await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="checkin.away", now=now, user=user_id,
                           until=until.isoformat() if until else None)
    return until


async def who_is_away(session: AsyncSession, project: Project, user_ids: Iterable[str], now: datetime,
                      zone: ZoneInfo) -> dict[str, str]:
    """{user id: "until YYYY-MM-DD" | STATUS} for those of `user_ids` away at `now`."""
    wanted = list(user_ids)
    if not wanted:
        return {}
    on_leave = await rows.away_until(session, project.id, on=now.astimezone(zone).date())
    people = await known(session, project.team_id, wanted)
    away: dict[str, str] = {}
    for user_id in wanted:
        if user_id in on_leave:
            away[user_id] = f"until {on_leave[user_id].isoformat()}"
        elif people[user_id].away(now):
            away[user_id] = STATUS
    return away
