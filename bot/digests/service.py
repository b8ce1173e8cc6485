"""A digest run: what changed since the previous digest, read from the tables (phase, moves, iterations,
the latest check-in, open alert groups, milestones done and due, overdue documentation, recent feedback), sent by DM to each stakeholder and sponsor, keyed per run and
person so it is queued once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crisp_dm import Role
from bot.digests import figures
from bot.digests.content import Digest, FeedbackFacts
from bot.docs.milestones import local_date
from bot.docs.summary import digest_facts
from bot.errors import UserError
from bot.feedback import summary as feedback
from bot.permissions import Action, Caller
from bot.services import Services
from bot.views import digests as views
from storage.queries import alerts, audit, team
from storage.queries import lifecycle as lifecycle_rows
from storage.queries import schedules as rows
from storage.queries.targets import targets_of
from storage.tables import Project, ScheduleRun

ALERTS_SHOWN = views.ALERTS_SHOWN
FEEDBACK_SHOWN = views.FEEDBACK_SHOWN
WEEKS_COUNTED = 4  # feedback is counted per ISO week for this many weeks, this one included


async def recipients(session: AsyncSession, project_id: int) -> list[str]:
    snapshot = await team.snapshot(session, project_id)
    sponsors = [u for role, u in snapshot.holders if role == Role.SPONSOR.value]
    return list(dict.fromkeys([*snapshot.stakeholders, *sponsors]))


async def feedback_facts(session: AsyncSession, project_id: int, since: datetime, now: datetime) -> FeedbackFacts:
    """Feedback since the last digest (the newest few and how many), and per week for the last few weeks."""
    first_week = datetime.combine(feedback.week_of(now) - timedelta(weeks=WEEKS_COUNTED - 1), time(), UTC)
    return FeedbackFacts(new=await feedback.recent(session, project_id, since, limit=FEEDBACK_SHOWN),
                         new_total=await feedback.count_since(session, project_id, since),
                         # up to and including `now` (the counts are of [since, until))
                         weeks=await feedback.weekly_counts(session, project_id, first_week,
                                                            now + timedelta(microseconds=1)))


async def gather(session: AsyncSession, project: Project, run: ScheduleRun, now: datetime, *,
                 tz: str = "UTC") -> Digest:
    """`tz`: the zone whose date decides which milestones are overdue (the bot's default time zone)."""
    previous = await rows.latest_run(session, project.id, "digest", before_id=run.id)
    since = previous.opened_at if previous is not None else project.created_at
    moves = [t for t in await lifecycle_rows.transitions(session, project.id)
             if t.from_phase is not None and (previous is None or t.created_at > since)]
    checkin = await rows.latest_run(session, project.id, "checkin", closed=True) or \
        await rows.latest_run(session, project.id, "checkin")
    answers = await rows.answers(session, checkin.id) if checkin is not None else []
    groups, open_total = await alerts.open_groups(session, project_id=project.id, limit=ALERTS_SHOWN)
    return Digest(project=project, now=now, since=since, first=previous is None, moves=moves, checkin=checkin,
                  answers=answers, open_groups=groups, open_total=open_total,
                  targets=await targets_of(session, project.id),
                  docs=await digest_facts(session, project.id, since, now, tz=tz), since_day=local_date(since, tz),
                  feedback=await feedback_facts(session, project.id, since, now))


async def send(services: Services, session: AsyncSession, project: Project, run: ScheduleRun, now: datetime) -> int:
    """Queue the digest DM for each recipient; returns how many."""
    people = await recipients(session, project.id)
    run.asked, run.closed_at = people, now
    await session.flush()
    if not people:
        return 0
    digest = await gather(session, project, run, now, tz=services.settings.default_timezone)
    body = views.digest(digest, services.settings.slash_command)
    for user_id in people:
        await services.outbox.post(session, project.team_id, user_id, body, key=f"digest:{run.id}:{user_id}")
    if not digest.nothing_new:
        await figures.queue(session, project, run, people, now)
    await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=run.started_by,
                       action="digest.sent", now=now, run=run.id, to=len(people))
    return len(people)


async def send_now(services: Services, caller: Caller, project: Project, request_key: str | None) -> int:
    """`digest now`; returns how many stakeholders it went to."""
    caller.require(Action.MANAGE_SCHEDULES)
    now = services.clock.now()
    key = f"cmd:{request_key}" if request_key else None
    try:
        async with services.db.transaction() as session:
            if key is not None and (earlier := await rows.run_by_request(session, project.id, key)) is not None:
                return len(earlier.asked)  # Slack's retry of the same request
            if not await recipients(session, project.id):
                raise UserError("This project has no stakeholders or sponsor yet, so there is nobody to send a "
                                "digest to.", hint="`stakeholder add @user` adds one.")
            run = await rows.add_run(session, ScheduleRun(
                team_id=project.team_id, project_id=project.id, kind="digest", slot=now, request_key=key,
                started_by=caller.user_id, opened_at=now))
            return await send(services, session, project, run, now)
    except IntegrityError:
        raise UserError("That digest was sent a moment ago; nothing more was sent.") from None
