"""Every view builder in bot/views, fed hostile names and text: nothing live comes out in any field Slack
parses, names read as typed, and the slash command is the configured one."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from datetime import date, datetime, timedelta, timezone

import pytest

import bot.views
from bot.console.render_text import mrkdwn_to_text
from bot.crisp_dm import GENERIC_TASKS, Phase, Role
from bot.projects.naming import slugify
from bot.views import help as help_views
from bot.views import alert_ops
from bot.views import alerts as alert_views
from bot.views import alert_storms
from bot.views import delivery, home, phase, projects, replies, status
from bot.crisp_dm import GENERIC_TASKS, Role
from bot.lifecycle.timeline import timeline
from storage.queries.lifecycle import TickRow, TransitionRow
from bot.views import delivery, guide, home, projects, replies, status, team
from bot.views.mrkdwn import code, escape
from bot.digests.content import Digest, FeedbackFacts
from bot.docs.summary import DigestFacts
from bot.digests.portfolio import Portfolio, ProjectState
from storage.queries.digests import AttentionCounts
from bot.views import portfolio as portfolio_views
from bot.schedules.slots import WEEKDAYS, Spec
from bot.checkins.questions import DEFAULT as DEFAULT_QUESTIONS, Question
from bot.views import checkin_questions, checkin_team, checkins, digests, schedules, stale, targets
from bot.views import workspace_alerts
from storage.tables import CheckinAnswer, ScheduleRun
from storage.queries.team import TeamEvent, TeamSnapshot
from storage.tables import Alert, AlertGroup, AlertStorm, Project
from tests.slack_text import assert_nothing_live, plain_fields
from datetime import date
from bot.views import docs, milestones
from storage.tables import DocRecord, DocRequest, Milestone
from bot.views import export as export_views
from bot.views import feedback as feedback_views
from storage.tables import Feedback

# Everything the issue lists, plus Slack's other broadcasts and tokens that look like ours.
HOSTILE = ("Zed &lt;!channel&gt; <!here> &lt;@U1&gt; <https://x|y> <!subteam^S1> *bold* _it_ ~st~ `co` &amp; "
           "<!everyone> <@U0TRUSTED> <#C0TRUSTED> <!date^1^{date}^https://evil.example|soon> snake_case end")
TRUSTED_USERS = {"U0TRUSTED", "U0ACTOR"}
TRUSTED_CHANNELS = {"C0TRUSTED", "C0SECOND"}
# Links the alert formats checked (http(s), no `<`, `>`, `|` or spaces), as mrkdwn carries them.
TRUSTED_LINKS = frozenset({"https://r.example/a?b=1&amp;c=2", "https://d.example/", "https://other.example/"})
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SLASH = "/ml"


def project(name: str = HOSTILE, *, channel_id: str = "C0TRUSTED", created_by: str = "U0TRUSTED") -> Project:
    return Project(id=1, team_id="T0CRISP", channel_id=channel_id, name=name, slug=slugify(name),
                   phase="modeling", phase_since=NOW - timedelta(days=3), iteration=2, created_by=created_by,
                   created_at=NOW - timedelta(days=9), goal="Goal " + HOSTILE, success_metric="Metric " + HOSTILE)


# A team whose stored values are hostile too: a role that is no role, ids that are not ids.
FORGED_ROLE = HOSTILE
TEAM = TeamSnapshot(
    holders=[("product-owner", "U0TRUSTED"), ("sponsor", "U0ACTOR"), ("data-scientist", "U1|x><!channel>"),
             (FORGED_ROLE, "U0TRUSTED")],
    stakeholders=["U0TRUSTED", "U1><!here>"],
    history=[TeamEvent("role-added", "U0TRUSTED", "product-owner", "U0ACTOR", NOW, 1),
             TeamEvent("role-removed", "U1><!here>", FORGED_ROLE, "U1|x><!channel>", NOW, 2),
             TeamEvent("stakeholder-added", "U0TRUSTED", None, "U0ACTOR", NOW, 3),
             TeamEvent("stakeholder-removed", "U1><!here>", None, "U0ACTOR", NOW, 4)])
EMPTY_TEAM = TeamSnapshot(holders=[], stakeholders=[], history=[])


def transitions() -> list[TransitionRow]:
    """A start, a move on with a hostile note, a move back with one, by a trusted and a forged actor."""
    return [
        TransitionRow(1, None, "business-understanding", False, 1, "U0TRUSTED", None, 0, NOW - timedelta(days=9)),
        TransitionRow(2, "business-understanding", "modeling", False, 1, "U1|x><!channel>", HOSTILE, 4,
                      NOW - timedelta(days=5)),
        TransitionRow(3, "modeling", "data-preparation", True, 2, "U0ACTOR", HOSTILE, 2, NOW - timedelta(days=3)),
    ]


TICKS = {"mo.technique": TickRow("mo.technique", "U0ACTOR", NOW), "mo.build": TickRow("mo.build", "U1><!here>", NOW)}


# Ids from outside that are not ids at all: shown as text, never as a mention or link.
FORGED = project("Second " + HOSTILE, channel_id="C1><!here>", created_by="U1|x><!channel>")

# Label values are hostile too; they are shown in code spans (`key=value`), so they carry no "Zed".
HOSTILE_LABEL = HOSTILE.replace("Zed", "Lab")


def alert_group(status: str = "firing", **changes) -> AlertGroup:
    values = dict(id=7, team_id="T0CRISP", source="alertmanager", group_key="k", project_id=1, channel_id="C0TRUSTED",
                  status=status, severity="warning", title=HOSTILE, summary="Sum " + HOSTILE, rule=HOSTILE,
                  kind="drift", common_labels={"team": HOSTILE_LABEL, "alertname": "x"},
                  links={"runbook": "https://r.example/a?b=1&c=2", "dashboard": "https://d.example/"},
                  alert_count=2, firing_count=1 if status == "firing" else 0, truncated=3,
                  first_seen_at=NOW - timedelta(hours=2), last_seen_at=NOW, started_at=NOW - timedelta(hours=2),
                  resolved_at=NOW if status == "resolved" else None, resolved_by="U1|x><!channel>",
                  acked_by="U0TRUSTED", silenced_until=NOW + timedelta(hours=1), silenced_by="U1|x><!channel>",
                  relayed_status="firing")
    return AlertGroup(**{**values, **changes})


def alert(status: str = "firing") -> Alert:
    return Alert(id=1, group_id=7, fingerprint="f1", status=status, summary=HOSTILE,
                 labels={"feature": HOSTILE_LABEL, HOSTILE_LABEL[:20]: "v"},
                 annotations={"description": "Desc " + HOSTILE, "drifted_columns": "Cols " + HOSTILE},
                 values={"B": 0.742, HOSTILE_LABEL[:12]: 1}, links={"runbook": "https://other.example/"},
                 starts_at=NOW - timedelta(hours=2), digest="d", first_seen_at=NOW, last_seen_at=NOW)


# Storm lines clip titles (25 to a reply), so their hostile title is one that need not be shown whole.
CLIPPED_HOSTILE = HOSTILE.replace("Zed", "Storm")


def storm_groups() -> list[AlertGroup]:
    return [alert_group(title=CLIPPED_HOSTILE, storm_id=1, storm_slot=0),
            alert_group("resolved", title=CLIPPED_HOSTILE * 2, storm_id=1, storm_slot=1),
            alert_group(title=CLIPPED_HOSTILE, severity=CLIPPED_HOSTILE[:32], storm_id=1, storm_slot=2,
                        message_key="alert:7")]


def alert_storm() -> AlertStorm:
    return AlertStorm(id=1, team_id="T0CRISP", channel_id="C0TRUSTED", message_key="alertstorm:1",
                      started_at=NOW - timedelta(minutes=5), last_added_at=NOW, size=3, pages_posted=1)


SPEC = Spec(WEEKDAYS, datetime(2026, 1, 1, 9, 0).time(), "Europe/Berlin")


def run(**changes) -> ScheduleRun:
    values = dict(id=5, team_id="T0CRISP", project_id=1, kind="checkin", slot=NOW, started_by="U0TRUSTED",
                  asked=["U0TRUSTED", "U0ACTOR", "U1><!here>"], opened_at=NOW, remind_at=NOW + timedelta(hours=2),
                  closes_at=NOW + timedelta(hours=4))
    return ScheduleRun(**{**values, **changes})


# A project's own questions, typed by a lead: hostile too (cut to the 150 characters a question may have, so
# they carry no "Zed" and need not be shown whole).
CUT_HOSTILE = HOSTILE.replace("Zed", "Qst")[:150]
QUESTIONS = (Question("progress", CUT_HOSTILE), Question("blockers", "Blockers " + CUT_HOSTILE[:100]),
             DEFAULT_QUESTIONS[2], Question("help", "Help"), Question("q1", CUT_HOSTILE), Question("q2", "Odd?"))


def answers() -> list[CheckinAnswer]:
    return [CheckinAnswer(id=1, run_id=5, project_id=1, user_id="U0TRUSTED", progress=HOSTILE, blockers=HOSTILE,
                          confidence="at-risk", help_needed=HOSTILE, answered_at=NOW, updated_at=NOW,
                          extra={"q1": HOSTILE, "q2": 5, "zz": HOSTILE}),
            CheckinAnswer(id=2, run_id=5, project_id=1, user_id="U1|x><!channel>", progress="ok", blockers="",
                          confidence="<!here>", help_needed="", answered_at=NOW, updated_at=NOW)]


def digest_of(**changes) -> Digest:
    values = dict(project=project(), now=NOW, since=NOW - timedelta(days=7), first=False,
                  moves=transitions()[1:], checkin=run(closed_at=NOW), answers=answers(),
                  open_groups=[alert_group(), alert_group(severity=HOSTILE)], open_total=200)
    return Digest(**{**values, **changes})


def milestone(**changes) -> Milestone:
    values = dict(id=3, team_id="T0CRISP", project_id=1, name=HOSTILE, name_key=HOSTILE.casefold(), phase="modeling",
                  iteration=2, due=date(2026, 2, 27), added_by="U1|x><!channel>", added_at=NOW - timedelta(days=9))
    return Milestone(**{**values, **changes})


def doc_request(**changes) -> DocRequest:
    values = dict(id=4, team_id="T0CRISP", project_id=1, phase="modeling", iteration=2, trigger="milestone",
                  milestone_id=3, asked=[{"user": "U0TRUSTED", "role": "data-scientist"},
                                         {"user": "U1><!here>", "role": FORGED_ROLE, "standing_in": True}],
                  requested_by="U0ACTOR", requested_at=NOW - timedelta(days=3), reminders_sent=1)
    return DocRequest(**{**values, **changes})


def doc_record(**changes) -> DocRecord:
    values = dict(id=6, team_id="T0CRISP", project_id=1, phase="modeling", iteration=2, version=2,
                  fields={"algorithm": HOSTILE, "metrics": "AUC 0.8 " + HOSTILE, "hyperparameters": HOSTILE},
                  link="https://d.example/", author="U1|x><!channel>", submitted_at=NOW)
    return DocRecord(**{**values, **changes})


def feedback(**changes) -> Feedback:
    values = dict(id=8, team_id="T0CRISP", project_id=1, text="Scores " + HOSTILE + "\n> second line",
                  author="U1|x><!channel>", created_at=NOW, source="shortcut", message_channel="C0TRUSTED",
                  message_ts="1.000001")
    return Feedback(**{**values, **changes})


def digest_docs(*, fresh: bool = True) -> DigestFacts:
    """Milestones done, due and overdue (hostile names, forged ids), overdue requests asking forged people."""
    today = NOW.date()
    done = [milestone(id=n, done_by="U1|x><!channel>" if n % 2 else "U0TRUSTED", done_at=NOW - timedelta(hours=n))
            for n in range(12)] if fresh else []
    # fresh: some fell due since the last digest (7 days ago); else all were overdue before it
    due = [milestone(id=20 + n, due=today + timedelta(days=n - 6 if fresh else -10 - n)) for n in range(13)]
    overdue_at = NOW - timedelta(days=1 if fresh else 30)
    docs_overdue = [doc_request(id=30 + n, iteration=1 + n % 2, overdue_at=overdue_at, reminders_sent=3)
                    for n in range(10)] + [doc_request(id=40, asked=[], overdue_at=overdue_at)]
    return DigestFacts(milestones_done=done, milestones_due=due, overdue_docs=docs_overdue, today=today)


def digest_feedback() -> FeedbackFacts:
    weeks = [(date(2026, 2, 9) + timedelta(weeks=n), n * 3) for n in range(4)]
    return FeedbackFacts(new=[feedback(id=n, created_at=NOW - timedelta(hours=n)) for n in range(5)], new_total=17,
                         weeks=weeks)


def portfolio_of(count: int) -> Portfolio:
    states = [ProjectState(project() if n % 2 else FORGED, date(2026, 1, 2) if n % 3 else None,
                           answers() if n % 2 else [], 200 * (n % 2), n,
                           AttentionCounts(n % 3, n % 2, n % 4)) for n in range(min(count, 20))]
    return Portfolio("U0TRUSTED", NOW, NOW - timedelta(days=7) if count else None, states)


# builder -> call with hostile input. `mrkdwn`: the result is (or holds) text Slack parses.
BUILDERS = {
    projects.phase_label: lambda: projects.phase_label(project()),
    projects.created_announcement: lambda: projects.created_announcement(project(), SLASH, owner=True,
                                                                         guide=[(HOSTILE, HOSTILE)]),
    projects.already_tracks: lambda: projects.already_tracks(project()),
    projects.name_taken: lambda: projects.name_taken(project()),
    projects.no_project_here: lambda: projects.no_project_here(SLASH),
    projects.created_reply: lambda: projects.created_reply(project(), SLASH),
    projects.archived_announcement: lambda: projects.archived_announcement(project(), "U0ACTOR", SLASH),
    projects.archived_reply: lambda: projects.archived_reply(project()),
    projects.project_list: lambda: projects.project_list([project(), FORGED], 2, NOW, SLASH),
    projects.create_button: lambda: projects.create_button(),
    projects.create_modal: lambda: projects.create_modal("C0TRUSTED", initial_name=HOSTILE),
    projects.intro_message: lambda: projects.intro_message(SLASH, [(HOSTILE, HOSTILE)]),
    projects.welcome_ephemeral: lambda: projects.welcome_ephemeral(project(), NOW, SLASH),
    help_views.help_message: lambda: help_views.help_message(SLASH, [("help", "what you can do"),
                                                                     (HOSTILE, HOSTILE)],
                                                             project_name=HOSTILE, refused=2, phase=Phase.MODELING,
                                                             now=[(HOSTILE, HOSTILE)], locked=["role add @user ROLE"]),
    help_views.group_listing: lambda: help_views.group_listing(SLASH, "project", [(HOSTILE, HOSTILE)]),
    help_views.takes_no_arguments: lambda: help_views.takes_no_arguments(SLASH, HOSTILE),
    home.home_view: lambda: home.home_view(
        [home.MyProject(project(), ("product-owner", FORGED_ROLE), True, missing=(Role.SPONSOR,),
                        open_tasks=GENERIC_TASKS[Phase.MODELING], open_alerts=3, unacknowledged_alerts=2),
         home.MyProject(FORGED, (), True, open_alerts=1),
         home.MyProject(project(), ("qa",), False, next_checkin=({"s": 1, "t": 2}, NOW)),
         home.MyProject(FORGED, ("product-owner",), False, next_checkin=({"s": 1, "t": 2}, NOW), answered_early=True,
                        open_checkin=home.OpenCheckin(run(), False, NOW),
                        docs_unassigned=tuple(doc_request(asked=[], phase=p.value, iteration=2) for p in Phase)),
         home.MyProject(project(), ("qa",), False, open_checkin=home.OpenCheckin(run(), True, None),
                        docs_asked=(doc_request(),))], [project(), FORGED], NOW,
        SLASH),
    home.project_line: lambda: home.project_line(FORGED, NOW),
    home.waiting_lines: lambda: home.waiting_lines(home.MyProject(project(), (), False, missing=(Role.QA,),
                                                                  open_tasks=GENERIC_TASKS[Phase.DEPLOYMENT]), SLASH),
    home.my_project_blocks: lambda: home.my_project_blocks(home.MyProject(FORGED, (FORGED_ROLE,), False), NOW, SLASH),
    status.phase_track: lambda: status.phase_track(Phase.MODELING),
    status.gist: lambda: status.gist(project(), NOW),
    status.status_card: lambda: [status.status_card(project(), NOW, TEAM, SLASH,
                                                    work_lines=[milestones.status_line(2, [HOSTILE], 1),
                                                                docs.status_line(1, 1, SLASH)]),
                                 status.status_card(project(), NOW, TEAM, SLASH,
                                                    open_alerts=([alert_group(), alert_group(acked_by=None)], 5)),
                                 status.status_card(project(), NOW, TEAM, SLASH, target_line=targets.phase_target_line(
                                     "modeling", {"modeling": NOW.date()}, NOW.date()))],
    team.role_title: lambda: team.role_title(FORGED_ROLE),
    team.people: lambda: team.people(["U0TRUSTED", "U1><!here>"]),
    team.role_lines: lambda: team.role_lines(TEAM),
    team.missing_line: lambda: team.missing_line(Phase.DEPLOYMENT, TEAM),
    team.stakeholder_line: lambda: team.stakeholder_line(TEAM),
    team.event_line: lambda: team.event_line(TEAM.history[1]),
    team.roles_listing: lambda: team.roles_listing(project(), TEAM, SLASH),
    team.role_added_announcement: lambda: team.role_added_announcement(project(), "U1><!here>", FORGED_ROLE,
                                                                       "U0ACTOR", TEAM),
    team.role_removed_announcement: lambda: team.role_removed_announcement(project(), "U0TRUSTED", "sponsor",
                                                                           "U1|x><!channel>", EMPTY_TEAM),
    team.role_reply: lambda: team.role_reply("U1><!here>", FORGED_ROLE, added=True),
    team.already_holds: lambda: team.already_holds("U1><!here>", FORGED_ROLE),
    team.does_not_hold: lambda: team.does_not_hold("U0TRUSTED", FORGED_ROLE, [FORGED_ROLE, "qa"]),
    team.last_lead: lambda: team.last_lead("U0TRUSTED", FORGED_ROLE),
    team.stakeholder_added_announcement: lambda: team.stakeholder_added_announcement(project(), "U1><!here>",
                                                                                     "U0ACTOR"),
    team.stakeholder_removed_announcement: lambda: team.stakeholder_removed_announcement(project(), "U0TRUSTED",
                                                                                         "U1><!here>"),
    team.stakeholder_reply: lambda: team.stakeholder_reply("U1><!here>", added=False),
    team.already_stakeholder: lambda: team.already_stakeholder("U1><!here>"),
    team.not_a_stakeholder: lambda: team.not_a_stakeholder("U1><!here>", sponsor=True),
    team.objective_lines: lambda: team.objective_lines(project(), SLASH),
    team.objective_announcement: lambda: team.objective_announcement(
        project(), {"goal": HOSTILE, "success_metric": None}, "U0ACTOR"),
    team.objective_reply: lambda: team.objective_reply({"goal": HOSTILE}),
    team.objective_unchanged: lambda: team.objective_unchanged("success_metric"),
    team.objective_modal: lambda: team.objective_modal(project()),
    guide.now_heading: lambda: guide.now_heading(Phase.MODELING),
    guide.command_lines: lambda: guide.command_lines(SLASH, [(HOSTILE, HOSTILE), ("roles", "who")],
                                                     locked=frozenset({HOSTILE})),
    guide.guide_section: lambda: guide.guide_section(Phase.EVALUATION, [(HOSTILE, HOSTILE)], SLASH),
    guide.guide_message: lambda: guide.guide_message(HOSTILE, Phase.DEPLOYMENT, [(HOSTILE, HOSTILE)], SLASH),
    replies.error: lambda: replies.error(projects.name_taken(project()), hint=projects.already_tracks(FORGED),
                                         slash=SLASH),
    replies.unknown: lambda: replies.unknown(HOSTILE, HOSTILE, SLASH, [HOSTILE]),
    replies.busy: lambda: replies.busy(SLASH),
    phase.phase_card: lambda: [phase.phase_card(project(), TICKS, NOW, SLASH),
                               phase.phase_card(project(), TICKS, NOW, SLASH, target_line="Target end 2026-03-09")],
    phase.moved_announcement: lambda: phase.moved_announcement(HOSTILE, transitions()[2],
                                                               GENERIC_TASKS[Phase.MODELING][:2], SLASH),
    phase.missing_roles_warning: lambda: phase.missing_roles_warning(HOSTILE, Phase.MODELING,
                                                                     (Role.DATA_SCIENTIST, Role.SPONSOR), SLASH),
    phase.moved_reply: lambda: phase.moved_reply(project(), transitions()[2], repeated=True),
    phase.confirm_leaving: lambda: phase.confirm_leaving(project(), Phase.EVALUATION, HOSTILE,
                                                         GENERIC_TASKS[Phase.MODELING], SLASH),
    phase.reason_prompt: lambda: phase.reason_prompt(project(), Phase.DATA_PREPARATION, SLASH),
    phase.reason_modal: lambda: phase.reason_modal(project(), Phase.DATA_PREPARATION, GENERIC_TASKS[Phase.MODELING],
                                                   channel_id="C0TRUSTED"),
    phase.history_message: lambda: phase.history_message(project(), timeline(transitions(), NOW), NOW),
    alert_views.state_line: lambda: alert_views.state_line(alert_group(), NOW),
    alert_views.gist: lambda: alert_views.gist(alert_group(), NOW),
    alert_views.group_message: lambda: [
        alert_views.group_message(alert_group(), [alert(), alert("resolved")] * 8, NOW,
                                  mentions=["U0TRUSTED", "U1|x><!channel>"]),
        alert_views.group_message(alert_group("resolved"), [alert("resolved")], NOW),
        alert_views.group_message(alert_group(silence_id="am:<!here>"), [alert()], NOW, offer_iteration=True)],
    alert_views.change_note: lambda: [
        alert_views.change_note(added=[alert()], resolved=[alert("resolved")], refired=[alert()],
                                group=alert_group(relayed_status="resolved"), now=NOW, mentions=["U0TRUSTED"]),
        alert_views.change_note(added=[], resolved=[alert("resolved")], refired=[], group=alert_group("resolved"),
                                now=NOW)],
    alert_views.open_alerts_reply: lambda: [
        alert_views.open_alerts_reply(project(), [alert_group(), alert_group(acked_by=None)], 30, NOW, SLASH),
        alert_views.open_alerts_reply(None, [alert_group(channel_id="C1><!here>")], 1, NOW, SLASH),
        alert_views.open_alerts_reply(project(), [], 0, NOW, SLASH)],
    alert_storms.group_line: lambda: [alert_storms.group_line(group, NOW) for group in storm_groups()],
    alert_storms.summary: lambda: [alert_storms.summary(alert_storm(), storm_groups(), NOW,
                                                        mentions=["U0TRUSTED", "U1|x><!channel>"]),
                                   alert_storms.summary(alert_storm(), storm_groups()[1:2], NOW)],
    alert_storms.page: lambda: alert_storms.page(alert_storm(), 0, storm_groups(), NOW),
    alert_storms.unacknowledged: lambda: [],  # a filter, no text
    alert_storms.renotify_note: lambda: alert_storms.renotify_note(storm_groups(), "31 min"),
    alert_storms.escalation_note: lambda: alert_storms.escalation_note(storm_groups(), "1 h", ["U0TRUSTED"]),
    alert_storms.escalation_dm: lambda: alert_storms.escalation_dm(alert_storm(), storm_groups(), "1 h"),
    alert_storms.acknowledged_note: lambda: alert_storms.acknowledged_note("U0TRUSTED", 7),
    alert_views.route_added: lambda: alert_views.route_added("team", HOSTILE_LABEL, project()),
    alert_views.route_added_reply: lambda: alert_views.route_added_reply("team", HOSTILE_LABEL),
    alert_views.route_removed: lambda: alert_views.route_removed("team", HOSTILE_LABEL),
    workspace_alerts.token_issued: lambda: [workspace_alerts.token_issued("crisp-alert-Ab_9-x", rotated=rotated,
                                                                          slash=SLASH) for rotated in (False, True)],
    workspace_alerts.token_exists: lambda: [workspace_alerts.token_exists("U0TRUSTED", NOW, SLASH),
                                            workspace_alerts.token_exists(None, None, SLASH)],
    workspace_alerts.channel_set: lambda: [workspace_alerts.channel_set("C0TRUSTED", SLASH),
                                           workspace_alerts.channel_set(None, SLASH)],
    workspace_alerts.channel_shown: lambda: [workspace_alerts.channel_shown("C0TRUSTED", SLASH),
                                             workspace_alerts.channel_shown(None, SLASH)],
    alert_views.route_list: lambda: [alert_views.route_list(project(), [("team", HOSTILE_LABEL)], SLASH),
                                     alert_views.route_list(project(), [], SLASH)],
    alert_ops.renotify_note: lambda: alert_ops.renotify_note(alert_group(), timedelta(minutes=30),
                                                             mentions=["U0TRUSTED", "U1|x><!channel>"]),
    alert_ops.escalation_note: lambda: [
        alert_ops.escalation_note(alert_group(), timedelta(hours=1), ["U0TRUSTED", "U1|x><!channel>"], project()),
        alert_ops.escalation_note(alert_group(), timedelta(hours=1), [], project()),
        alert_ops.escalation_note(alert_group(), timedelta(hours=1), [], None)],
    alert_ops.escalation_dm: lambda: [alert_ops.escalation_dm(alert_group(), timedelta(hours=1), project()),
                                      alert_ops.escalation_dm(alert_group(channel_id="C1><!here>"),
                                                              timedelta(hours=1), None)],
    alert_ops.silence_word: lambda: [alert_ops.silence_word(alert_group(silence_id=f"{state}<!here>`x"))
                                     for state in ("want:", "am:", "unwant:", "failed:")],
    alert_ops.silence_failed_note: lambda: alert_ops.silence_failed_note(HOSTILE, "http://a<!here>`b"),
    alert_ops.expire_failed_note: lambda: alert_ops.expire_failed_note("<!here>`s", HOSTILE, "http://a<!here>"),
    alert_ops.iteration_button: lambda: alert_ops.iteration_button(alert_group()),
    alert_ops.iteration_modal: lambda: alert_ops.iteration_modal(alert_group(), project(), Phase.DATA_UNDERSTANDING,
                                                                 channel_id="C0TRUSTED"),
    alert_ops.status_alerts: lambda: [alert_ops.status_alerts([alert_group(acked_by="U1|x><!channel>")] * 4, 9,
                                                              NOW, SLASH),
                                      alert_ops.status_alerts([], 0, NOW, SLASH)],
    alert_ops.home_alerts_line: lambda: [alert_ops.home_alerts_line(2, 1, "C1><!here>", SLASH),
                                         alert_ops.home_alerts_line(0, 0, "C0TRUSTED", SLASH)],
    alert_ops.iteration_note: lambda: alert_ops.iteration_note(project(), transitions()[2], "U0TRUSTED"),
    schedules.describe: lambda: [schedules.describe(SPEC), schedules.describe(Spec(WEEKDAYS, SPEC.at, "local"))],
    schedules.schedule_reply: lambda: [schedules.schedule_reply("checkin", SPEC, NOW),
                                       schedules.schedule_reply("checkin", SPEC, NOW, replaced=SPEC)],
    schedules.schedule_announcement: lambda: schedules.schedule_announcement(project(), "digest", SPEC, "U0ACTOR",
                                                                             NOW),
    schedules.off_reply: lambda: [schedules.off_reply("checkin", True, SLASH),
                                  schedules.off_reply("digest", False, SLASH)],
    schedules.off_announcement: lambda: schedules.off_announcement(project(), "checkin", "U1|x><!channel>"),
    schedules.next_line: lambda: [schedules.next_line("checkin", SPEC, NOW, SLASH),
                                  schedules.next_line("digest", None, None, SLASH)],
    checkins.prompt: lambda: [checkins.prompt(project(), run()), checkins.prompt(project(), run(), answered=True)],
    checkins.reminder: lambda: checkins.reminder(project(), run()),
    checkins.form: lambda: [checkins.form(project(), run(), answers()[0]), checkins.form(project(), run(), None),
                            checkins.form(project(), run(), answers()[0], QUESTIONS),
                            checkins.form(project(), None, None, QUESTIONS, metadata={"s": 1}, note=" Early.")],
    checkins.spread: lambda: checkins.spread(answers()),
    checkins.person_lines: lambda: checkins.person_lines([("U1><!here>", HOSTILE), ("U0TRUSTED", HOSTILE)] * 8),
    checkins.shorten: lambda: escape(checkins.shorten(HOSTILE * 3, 300)),
    checkins.people: lambda: checkins.people(["U0TRUSTED", "U1><!here>"] * 30),
    checkins.summary: lambda: [checkins.summary(project(), run(closed_at=NOW), answers()),
                               checkins.summary(FORGED, run(asked=[]), []),
                               checkins.summary(project(), run(), answers(), questions=QUESTIONS),
                               checkins.summary(project(), run(away={"U0ACTOR": "until 2026-03-09",
                                                                     "U1><!here>": checkin_team.STATUS}), []),
                               checkins.summary(project(), run(), answers(), away={"U0ACTOR": HOSTILE,
                                                                                     "U0TRUSTED": 7})],
    checkin_questions.modal: lambda: [checkin_questions.modal(project(), QUESTIONS),
                                      checkin_questions.modal(FORGED, DEFAULT_QUESTIONS)],
    checkin_questions.question_lines: lambda: checkin_questions.question_lines(QUESTIONS),
    checkin_questions.changed_announcement: lambda: checkin_questions.changed_announcement(project(), QUESTIONS,
                                                                                           "U1><!here>"),
    stale.nudge: lambda: [stale.nudge(project(), NOW, SLASH), stale.nudge(FORGED, NOW, SLASH)],
    targets.phase_target_line: lambda: [targets.phase_target_line("modeling", {"modeling": NOW.date()}, d)
                                        for d in (NOW.date(), NOW.date() - timedelta(days=3),
                                                  NOW.date() + timedelta(days=1))],
    targets.target_announcement: lambda: targets.target_announcement(project(), Phase.MODELING, NOW.date(),
                                                                      NOW.date() - timedelta(days=2), "U1><!here>"),
    targets.target_reply: lambda: targets.target_reply(Phase.MODELING, NOW.date()),
    checkin_team.away_reply: lambda: [checkin_team.away_reply("U1><!here>", NOW.date(), self_=False),
                                      checkin_team.away_reply("U0TRUSTED", None, self_=True)],
    checkin_team.not_a_member: lambda: checkin_team.not_a_member("U1><!here>"),
    checkin_team.was_not_away: lambda: checkin_team.was_not_away("U1><!here>"),
    checkin_team.away_line: lambda: checkin_team.away_line({"U1><!here>": HOSTILE, "U0ACTOR": "status"} ),
    checkins.started_reply: lambda: [checkins.started_reply(project(), run()),
                                     checkins.started_reply(project(), run(asked=[]))],
    checkins.already_open: lambda: checkins.already_open(run()),
    checkins.run_closed: lambda: checkins.run_closed(NOW),
    checkins.early_note: lambda: checkins.early_note(NOW),
    digests.digest: lambda: [digests.digest(digest_of(), SLASH), digests.digest(digest_of(first=True), SLASH),
                             digests.digest(digest_of(targets={"modeling": date(2025, 12, 1),
                                                               "data-preparation": date(2026, 3, 1),
                                                               "evaluation": date(2025, 12, 1)}), SLASH),
                             digests.digest(digest_of(moves=[], checkin=None, answers=[], open_groups=[],
                                                      open_total=0), SLASH),
                             digests.digest(digest_of(docs=digest_docs(), feedback=digest_feedback()), SLASH),
                             digests.digest(digest_of(docs=digest_docs(), feedback=digest_feedback(), first=True,
                                                      moves=[], open_groups=[], open_total=0), SLASH),
                             # nothing new, but milestones and records still overdue
                             digests.digest(digest_of(docs=digest_docs(fresh=False), moves=[], checkin=None,
                                                      answers=[], open_groups=[], open_total=0), SLASH)],
    digests.sent_reply: lambda: digests.sent_reply(3),
    milestones.due_text: lambda: [milestones.due_text(date(2026, 3, 1)), milestones.due_text(None)],
    milestones.added_announcement: lambda: milestones.added_announcement(project(), milestone()),
    milestones.added_reply: lambda: milestones.added_reply(milestone(due=None)),
    milestones.done_announcement: lambda: [
        milestones.done_announcement(project(), milestone(done_by="U0TRUSTED", done_at=NOW), doc_request()),
        milestones.done_announcement(project(), milestone(done_by="U1><!here>", done_at=NOW), doc_request(asked=[]))],
    milestones.done_reply: lambda: milestones.done_reply(milestone(done_by="U0TRUSTED", done_at=NOW), doc_request()),
    milestones.overdue_announcement: lambda: milestones.overdue_announcement(project(), milestone()),
    milestones.duplicate: lambda: milestones.duplicate(HOSTILE),
    milestones.names_list: lambda: milestones.names_list([HOSTILE] * 30),
    milestones.unknown: lambda: [milestones.unknown(HOSTILE, [HOSTILE, "x"]), milestones.unknown(HOSTILE, [])],
    milestones.already_done: lambda: milestones.already_done(milestone(done_by="U1|x><!channel>", done_at=NOW)),
    milestones.milestone_line: lambda: [milestones.milestone_line(milestone(), NOW.date()),
                                        milestones.milestone_line(milestone(due=None), NOW.date()),
                                        milestones.milestone_line(milestone(done_by="U1><!here>", done_at=NOW),
                                                                  NOW.date())],
    milestones.listing: lambda: [
        milestones.listing(project(), [milestone(id=i) for i in range(150)]
                           + [milestone(id=i, done_by="U0TRUSTED", done_at=NOW) for i in range(30)], NOW.date(), SLASH),
        milestones.listing(project(), [], NOW.date(), SLASH),
        milestones.listing(FORGED, [milestone(done_by="U0TRUSTED", done_at=NOW)], NOW.date(), SLASH)],
    milestones.status_line: lambda: [milestones.status_line(4, [HOSTILE, HOSTILE], 3),
                                     milestones.status_line(0, [], 0)],
    docs.open_value: lambda: docs.open_value(1, "modeling", 2),
    docs.record_name: lambda: docs.record_name(project(), "modeling", 2),
    docs.asked_person: lambda: docs.asked_person({"user": "U1><!here>", "role": FORGED_ROLE, "standing_in": True}),
    docs.asked_people: lambda: docs.asked_people(doc_request()),
    docs.asked_line: lambda: [docs.asked_line(doc_request()), docs.asked_line(doc_request(asked=[]))],
    docs.prompt: lambda: [docs.prompt(project(), doc_request(), doc_request().asked[1]),
                          docs.prompt(FORGED, doc_request(trigger="phase-exit"), doc_request().asked[0])],
    docs.reminder: lambda: [docs.reminder(project(), doc_request(), 1, 3), docs.reminder(project(), doc_request(), 3, 3)],
    docs.answered_prompt: lambda: docs.answered_prompt(project(), doc_record()),
    docs.nobody_to_ask: lambda: docs.nobody_to_ask(project(), doc_request(asked=[]), (Role.DEVOPS, Role.ML_ENGINEER),
                                                   SLASH),
    docs.form: lambda: [docs.form(project(), Phase(p), 2, doc_record(phase=p)) for p in Phase] +
                       [docs.form(project(), Phase.MODELING, 1, None)],
    docs.record_announcement: lambda: [docs.record_announcement(project(), doc_record()),
                                       docs.record_announcement(FORGED, doc_record(version=1, link=None,
                                                                                   fields={"metrics": HOSTILE * 20}))],
    docs.entry_block: lambda: [docs.entry_block(project(), "modeling", 2, doc_record(), [(doc_request(), HOSTILE)]),
                               docs.entry_block(project(), "evaluation", 1, None,
                                                [(doc_request(overdue_at=NOW, asked=[]), None)])],
    docs.listing: lambda: [docs.listing(project(), [doc_record(phase=p.value, iteration=i) for p in Phase
                                                    for i in range(1, 9)],
                                        [(doc_request(), HOSTILE), (doc_request(phase="deployment", overdue_at=NOW),
                                                                    None)], SLASH),
                           docs.listing(FORGED, [], [], SLASH)],
    docs.status_line: lambda: [docs.status_line(2, 1, SLASH), docs.status_line(0, 0, SLASH)],
    docs.home_line: lambda: [docs.home_line([doc_request(), doc_request(overdue_at=NOW)], SLASH),
                             docs.home_line([], SLASH)],
    docs.home_unassigned_line: lambda: [docs.home_unassigned_line([doc_request(asked=[]),
                                                                   doc_request(asked=[], overdue_at=NOW)], SLASH),
                                        docs.home_unassigned_line([], SLASH)],
    export_views.on_its_way: lambda: [export_views.on_its_way(project(), True),
                                      export_views.on_its_way(FORGED, False)],
    export_views.comment: lambda: [export_views.comment(project(), "U0TRUSTED"), export_views.comment(FORGED, ""),
                                   export_views.comment(project(), "U1><!here>")],
    feedback_views.usage: lambda: feedback_views.usage(SLASH),
    feedback_views.too_long: lambda: feedback_views.too_long(5000, 4000),
    feedback_views.given_reply: lambda: [feedback_views.given_reply(True), feedback_views.given_reply(False)],
    feedback_views.stored_privately: lambda: feedback_views.stored_privately(feedback(text=HOSTILE * 20)),
    feedback_views.already_stored: lambda: feedback_views.already_stored(),
    feedback_views.announcement: lambda: [feedback_views.announcement(feedback()),
                                          feedback_views.announcement(feedback(source="command",
                                                                               author="U0TRUSTED"))],
    portfolio_views.portfolio: lambda: [portfolio_views.portfolio(portfolio_of(30), 30, SLASH),
                                        portfolio_views.portfolio(portfolio_of(2), 2, SLASH),
                                        portfolio_views.portfolio(portfolio_of(0), 0, SLASH)],
    portfolio_views.sent_reply: lambda: portfolio_views.sent_reply(3),
    portfolio_views.schedule_reply: lambda: [portfolio_views.schedule_reply(SPEC, NOW),
                                             portfolio_views.schedule_reply(SPEC, None)],
    portfolio_views.off_reply: lambda: [portfolio_views.off_reply(True, SLASH), portfolio_views.off_reply(False, SLASH)],
    # The error comes from Slack and the quoted text is Crisp's own (escaped) fallback line.
    delivery.failure_notice: lambda: delivery.failure_notice("C1><!here>", "odd_error `<!here>` &lt;", original_text=
                                                             f"New project: {escape('Ann <!here> *x*')}"),
}
# Their results are plain text (Slack shows them as they are): the name must appear raw, not escaped.
PLAIN_BUILDERS = {
    projects.already_tracks_in_form: lambda: projects.already_tracks_in_form(project()),
    projects.name_taken_in_form: lambda: projects.name_taken_in_form(project()),
    projects.name_field_error: lambda: projects.name_field_error(projects.name_taken_in_form(project())),
    phase.reason_field_error: lambda: phase.reason_field_error(projects.name_taken_in_form(project())),
    alert_ops.iteration_field_error: lambda: alert_ops.iteration_field_error(
        projects.name_taken_in_form(project())),
    team.objective_field_errors: lambda: team.objective_field_errors({"goal": f"The goal {HOSTILE} is long"}),
    checkin_questions.field_errors: lambda: checkin_questions.field_errors({"q1": f"The text {HOSTILE} is long"}),
    checkins.field_errors: lambda: checkins.field_errors({"progress": f"The form {HOSTILE} closed"}),
    docs.field_errors: lambda: docs.field_errors({"metrics": f"The form {HOSTILE} closed", "link": "Give a link"}),
    export_views.title: lambda: export_views.title(project(), NOW),
}
# Public functions of bot/views that build no view: the primitives views are made of (they take text
# that is mrkdwn already), the escaping helpers (tested in test_mrkdwn.py) and arithmetic.
NOT_BUILDERS = {
    "bot.views.blocks": {"actions", "bounded_lines", "button", "context", "divider", "header", "line_sections",
                         "message", "mrkdwn", "plain", "section"},
    "bot.views.mrkdwn": {"escape", "code", "user", "channel", "slack_date", "clip", "without_marks", "to_plain"},
    "bot.views.phase_time": {"day_in_phase", "target_slip"},
    "bot.views.targets": {"days_word"},
    "bot.views.delivery": {"error_code"},
    # Reading back the context views put into buttons and forms.
    "bot.views.carried": {"small_json", "row_id", "count"},
    # Block ids of a form's fields.
    "bot.views.checkin_questions": {"block_of"},
    # link() takes a URL the formats checked; action_note() takes mrkdwn composed by the alerts service.
    "bot.views.alerts": {"link", "duration", "color", "action_note"},
    # Buttons with Crisp's own labels and a row's ids as their value (home_view shows both).
    "bot.views.checkins": {"extra_block", "answer_button"},
    "bot.views.docs": {"home_submit_buttons"},
    # A file name made of the project's slug (letters, digits and dashes) and the date.
    "bot.views.export": {"filename"},
}


def public_functions() -> set[tuple[str, str]]:
    found = set()
    for info in pkgutil.iter_modules(bot.views.__path__):
        module = importlib.import_module(f"bot.views.{info.name}")
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                found.add((module.__name__, name))
    return found


def test_the_lists_cover_every_public_function_of_bot_views():
    listed = {(f.__module__, f.__name__) for f in [*BUILDERS, *PLAIN_BUILDERS]}
    listed |= {(module, name) for module, names in NOT_BUILDERS.items() for name in names}
    assert listed == public_functions()


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_no_view_sends_a_live_mention_or_link(builder):
    result = BUILDERS[builder]()
    fields = assert_nothing_live(result, users=TRUSTED_USERS, channels=TRUSTED_CHANNELS, links=TRUSTED_LINKS)
    for field in fields:
        # Where the name (or other hostile text) is shown, it is shown whole, escaped once: it reads as typed.
        if "Zed" in field:
            # in a code span a backtick becomes a lookalike, so the span cannot be closed early
            lookalike = HOSTILE.replace("`", "\u02cb")
            assert any(shown in field for shown in (escape(HOSTILE), code(HOSTILE), escape(lookalike))), field
            assert HOSTILE in mrkdwn_to_text(field) or lookalike in mrkdwn_to_text(field), field
            # Outside code spans (where marks are literal anyway) none of the name's marks is left bare.
            outside_code = re.sub(r"`[^`]*`", "", field)
            assert not any(bare in outside_code for bare in ("*bold*", "_it_", "~st~", "snake_case")), field


@pytest.mark.parametrize("builder", PLAIN_BUILDERS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_plain_text_results_carry_the_name_as_typed(builder):
    result = PLAIN_BUILDERS[builder]()
    texts = list(result.values()) if isinstance(result, dict) else [result]
    assert any(HOSTILE in text for text in texts)
    assert not any("&amp;amp;" in text or "<!date^00000000" in text for text in texts)


def test_plain_text_objects_show_the_name_raw():
    card = status.status_card(project(), NOW, TEAM, SLASH)
    assert card["blocks"][0]["text"]["text"] == HOSTILE[:149] + "…"  # the header, clipped to 150, unescaped
    modal = projects.create_modal("C0TRUSTED", initial_name=HOSTILE)
    assert modal["blocks"][1]["element"]["initial_value"] == HOSTILE
    for text in plain_fields([card, modal]):
        assert "&amp;amp;" not in text and "<!date^00000000" not in text


def test_the_forged_ids_show_as_text_not_as_mentions():
    listing = json.dumps(projects.project_list([FORGED], 0, NOW, SLASH))
    assert "&lt;!here&gt;" in listing and "<!here>" not in listing
    card = json.dumps(status.status_card(FORGED, NOW, TEAM, SLASH))
    assert "<!channel>" not in card and "&lt;!channel&gt;" in card


@pytest.mark.parametrize("builder", [*BUILDERS, *PLAIN_BUILDERS], ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_no_view_names_another_slash_command(builder):
    result = {**BUILDERS, **PLAIN_BUILDERS}[builder]()
    assert "/crisp" not in json.dumps(result)
