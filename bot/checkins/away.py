"""`checkin away @user UNTIL|off`, and who is away when a check-in opens, reminds or closes: on leave in
Crisp until a date, or on vacation by their Slack status (as the people directory last read it; nothing
here calls Slack)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    return (await who_is_away_in(session, [(project, user_ids, zone)], now))[0]


async def who_is_away_in(session: AsyncSession, asked: Sequence[tuple[Project, Iterable[str], ZoneInfo]],
                         now: datetime) -> list[dict[str, str]]:
    """`who_is_away` for each (project, user ids, zone) of a batch: one read of leave for all their projects,
    one of the people directory per workspace."""
    wanted = [(project, list(user_ids), now.astimezone(zone).date()) for project, user_ids, zone in asked]
    busy = [(project, user_ids, day) for project, user_ids, day in wanted if user_ids]
    if not busy:
        return [{} for _ in wanted]
    on_leave = await rows.away_in(session, list({project.id for project, _, _ in busy}),
                                  on=min(day for _, _, day in busy))
    by_team: dict[str, set[str]] = {}
    for project, user_ids, _ in busy:
        by_team.setdefault(project.team_id, set()).update(user_ids)
    people = {team_id: await known(session, team_id, sorted(user_ids)) for team_id, user_ids in by_team.items()}
    found = []
    for project, user_ids, day in wanted:
        away: dict[str, str] = {}
        for user_id in user_ids:
            until = on_leave.get(project.id, {}).get(user_id)
            if until is not None and until >= day:
                away[user_id] = f"until {until.isoformat()}"
            elif people[project.team_id][user_id].away(now):
                away[user_id] = STATUS
        found.append(away)
    return found
