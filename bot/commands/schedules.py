"""`checkin every|now|off`, `digest every|now|off`, `digest portfolio every|now|off`: parse, call the schedule, check-in or digest service,
render."""

from __future__ import annotations

from bot.checkins import away, questions
from bot.checkins import service as checkins
from bot.commands.registry import Command, Invocation, Reply
from bot.digests import portfolio
from bot.digests import service as digests
from bot.errors import UserError
from bot.permissions import Action
from bot.schedules import parsing, service
from bot.team.parsing import person_and_rest
from bot.views import checkin_questions as question_views
from bot.views import checkin_team as team_views
from bot.views import checkins as checkin_views
from bot.views import digests as digest_views
from bot.views import portfolio as portfolio_views
from bot.views import schedules as views

USAGE = "{kind} every DAYS at HH:MM [TZ]"


async def _every(invocation: Invocation, kind: str) -> Reply:
    spec = parsing.parse_schedule(invocation.args, default_tz=invocation.services.settings.default_timezone,
                                  usage=USAGE.format(kind=kind))
    if spec.local and kind != "checkin":
        raise UserError("`local` is for check-ins (each member asked in their own time zone); a digest needs one "
                        "IANA zone. Nothing was changed.")
    outcome = await service.set_schedule(invocation.services, invocation.caller, invocation.project, kind, spec)
    return Reply(views.schedule_reply(kind, outcome.spec, outcome.next_at, replaced=outcome.replaced))


async def _off(invocation: Invocation, kind: str) -> Reply:
    was_on = await service.turn_off(invocation.services, invocation.caller, invocation.project, kind)
    return Reply(views.off_reply(kind, was_on, invocation.services.settings.slash_command))


async def checkin_every(invocation: Invocation) -> Reply:
    return await _every(invocation, "checkin")


async def checkin_off(invocation: Invocation) -> Reply:
    return await _off(invocation, "checkin")


async def checkin_now(invocation: Invocation) -> Reply:
    run = await checkins.start_now(invocation.services, invocation.caller, invocation.project,
                                   invocation.request_key)
    return Reply(checkin_views.started_reply(invocation.project, run))


async def checkin_away(invocation: Invocation) -> Reply:
    person = person_and_rest(invocation.args, away.USAGE)
    until = await away.set_away(invocation.services, invocation.caller, invocation.project, person.user_id,
                                person.rest)
    return Reply(team_views.away_reply(person.user_id, until, self_=person.user_id == invocation.caller.user_id))


async def checkin_questions(invocation: Invocation) -> Reply:
    current = await questions.questions_for(invocation.reads, invocation.project.id)
    # The one Slack call allowed on the ack path: the form, with a fresh trigger id.
    await invocation.open_modal(question_views.modal(invocation.project, current))
    return Reply()


async def digest_now(invocation: Invocation) -> Reply:
    sent = await digests.send_now(invocation.services, invocation.caller, invocation.project,
                                  invocation.request_key)
    return Reply(digest_views.sent_reply(sent))


async def digest_every(invocation: Invocation) -> Reply:
    return await _every(invocation, "digest")


async def digest_off(invocation: Invocation) -> Reply:
    return await _off(invocation, "digest")


async def portfolio_every(invocation: Invocation) -> Reply:
    spec = parsing.parse_schedule(invocation.args, default_tz=invocation.services.settings.default_timezone,
                                  usage=USAGE.format(kind="digest portfolio"))
    outcome = await portfolio.set_schedule(invocation.services, invocation.caller, spec)
    return Reply(portfolio_views.schedule_reply(outcome.spec, outcome.next_at))


async def portfolio_now(invocation: Invocation) -> Reply:
    count = await portfolio.send_now(invocation.services, invocation.caller, invocation.request_key)
    return Reply(portfolio_views.sent_reply(count))


async def portfolio_off(invocation: Invocation) -> Reply:
    was_on = await portfolio.turn_off(invocation.services, invocation.caller)
    return Reply(portfolio_views.off_reply(was_on, invocation.services.settings.slash_command))


COMMANDS = [
    Command(("checkin", "every"), "ask the team for a check-in on those days (DAYS: weekdays, daily, mon,wed,fri)",
            checkin_every, args="DAYS at HH:MM [TZ]", action=Action.MANAGE_SCHEDULES, needs_project=True),
    Command(("checkin", "now"), "ask the team for a check-in right away (open for CHECKIN_WINDOW_HOURS, 4 by default)", checkin_now,
            action=Action.MANAGE_SCHEDULES, needs_project=True),
    Command(("checkin", "off"), "stop scheduled check-ins", checkin_off, action=Action.MANAGE_SCHEDULES,
            needs_project=True),
    Command(("checkin", "away"), "skip someone's check-ins until a day (yours; leads: anyone's), or `off`",
            checkin_away, args="@user YYYY-MM-DD|off", action=Action.CONTRIBUTE, needs_project=True),
    Command(("checkin", "questions"), "change what the team is asked at check-ins (a form)", checkin_questions,
            action=Action.MANAGE_SCHEDULES, needs_project=True),
    Command(("digest", "every"), "send stakeholders a digest on those days", digest_every,
            args="DAYS at HH:MM [TZ]", action=Action.MANAGE_SCHEDULES, needs_project=True),
    Command(("digest", "now"), "send each stakeholder the digest right away", digest_now,
            action=Action.MANAGE_SCHEDULES, needs_project=True),
    Command(("digest", "off"), "stop scheduled digests", digest_off, action=Action.MANAGE_SCHEDULES,
            needs_project=True),
    # About the caller, not the channel: usable anywhere by a stakeholder or sponsor of any project.
    Command(("digest", "portfolio", "every"), "get one digest across all the projects you are a stakeholder or "
            "sponsor of, on those days", portfolio_every, args="DAYS at HH:MM [TZ]"),
    Command(("digest", "portfolio", "now"), "get your portfolio digest right away", portfolio_now),
    Command(("digest", "portfolio", "off"), "stop your portfolio digest", portfolio_off),
]
