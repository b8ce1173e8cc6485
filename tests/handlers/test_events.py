"""Events: App Home and channel joins, answered through the outbox; Slack's retries change nothing."""

from __future__ import annotations

import json

from bot.console import slack_requests
from storage.tables import OutboxMessage
from tests.conftest import count_rows


async def test_app_home_opened_publishes_the_home_tab(slack, standin, drain):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    answer = await slack.event({"type": "app_home_opened", "user": "U0BOB", "channel": "D0BOB", "tab": "home"})
    assert answer.status == 200
    await drain()
    [publish] = standin.calls_to("views.publish")
    assert publish.args["user_id"] == "U0BOB"
    home = standin.home_view("U0BOB")
    assert home["type"] == "home"
    assert "*Churn Radar* in <#C0CHURN>" in str(home["blocks"])


async def test_opening_the_messages_tab_publishes_nothing(slack, standin, drain):
    await slack.event({"type": "app_home_opened", "user": "U0BOB", "channel": "D0BOB", "tab": "messages"})
    await drain()
    assert standin.calls_to("views.publish") == []


async def test_two_quick_home_opens_publish_once(slack, standin, drain):
    for _ in range(2):
        await slack.event({"type": "app_home_opened", "user": "U0BOB", "channel": "D0BOB", "tab": "home"})
    await drain()
    assert len(standin.calls_to("views.publish")) == 1  # the newer view supersedes the unsent one


async def test_the_bot_joining_a_channel_without_project_introduces_itself_once(runtime, slack, standin, drain):
    event = {"type": "member_joined_channel", "user": "U0CRISPBOT", "channel": "C0NEW", "channel_type": "C",
             "team": "T0CRISP"}
    first = await slack.event(event, event_id="Ev0001")
    retry = await slack.event(event, event_id="Ev0001", retry_num=1)
    assert first.status == retry.status == 200
    await drain()
    [intro] = standin.calls_to("chat.postMessage")
    assert intro.args["channel"] == "C0NEW"
    assert intro.args["text"].startswith("Crisp is here")
    assert "crisp.project.create.open" in str(intro.args["blocks"])


async def test_a_person_joining_a_project_channel_gets_a_private_welcome(slack, standin, drain):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    await slack.event({"type": "member_joined_channel", "user": "U0BOB", "channel": "C0CHURN", "channel_type": "C",
                       "team": "T0CRISP"})
    await drain()
    [welcome] = standin.calls_to("chat.postEphemeral")
    assert (welcome.args["channel"], welcome.args["user"]) == ("C0CHURN", "U0BOB")
    assert welcome.args["text"].startswith("Welcome to Churn Radar")


async def test_a_person_joining_a_channel_without_project_gets_nothing(runtime, slack, drain):
    await slack.event({"type": "member_joined_channel", "user": "U0BOB", "channel": "C0NEW", "channel_type": "C",
                       "team": "T0CRISP"})
    assert await count_rows(runtime, OutboxMessage) == 0


async def test_a_person_joining_twice_by_slacks_retry_is_welcomed_once(slack, standin, drain):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    event = {"type": "member_joined_channel", "user": "U0BOB", "channel": "C0CHURN", "channel_type": "C",
             "team": "T0CRISP"}
    await slack.event(event, event_id="Ev0002")
    await slack.event(event, event_id="Ev0002", retry_num=1)
    await drain()
    assert len(standin.calls_to("chat.postEphemeral")) == 1


async def test_app_home_opened_without_a_user_is_refused_and_publishes_nothing(runtime, slack):
    answer = await slack.event({"type": "app_home_opened", "channel": "D0BOB", "tab": "home"})
    assert (answer.status, answer.json["detail"]) == (400, "event.user: missing")
    assert await count_rows(runtime, OutboxMessage) == 0


def forget_the_bots_own_id(runtime) -> None:
    """As when Slack was unreachable at start: authorization knows the team but not Crisp's user id."""
    @runtime.bolt_app.middleware
    async def unknown_bot_user(context, next):
        context["bot_user_id"] = None
        await next()


async def test_crisp_knows_itself_from_the_events_authorizations(runtime, slack, standin, drain):
    forget_the_bots_own_id(runtime)
    bot = standin.identity.bot_user_id
    joined = {"type": "member_joined_channel", "user": bot, "channel": "C0NEW", "channel_type": "C",
              "team": "T0CRISP"}
    answer = await slack.post_signed(*slack_requests.event(joined, bot_user_id=bot))
    assert answer.status == 200
    await drain()
    [intro] = standin.calls_to("chat.postMessage")
    assert intro.args["channel"] == "C0NEW" and intro.args["text"].startswith("Crisp is here")

    # In a project's channel Crisp does not welcome itself.
    await slack.command("project create Churn Radar", channel="C0CHURN")
    await slack.post_signed(*slack_requests.event({**joined, "channel": "C0CHURN"}, bot_user_id=bot))
    await drain()
    assert standin.calls_to("chat.postEphemeral") == []


async def test_a_users_own_authorization_is_not_taken_for_crisp(runtime, slack, standin, drain):
    forget_the_bots_own_id(runtime)
    await slack.command("project create Churn Radar", channel="C0CHURN")
    body, content_type = slack_requests.event({"type": "member_joined_channel", "user": "U0BOB",
                                               "channel": "C0CHURN", "channel_type": "C", "team": "T0CRISP"},
                                              bot_user_id="U0BOB")
    data = json.loads(body)
    data["authorizations"][0]["is_bot"] = False  # a user-token installation: that user is not Crisp
    await slack.post_signed(json.dumps(data), content_type)
    await drain()
    [welcome] = standin.calls_to("chat.postEphemeral")
    assert welcome.args["user"] == "U0BOB"


async def test_a_database_that_cannot_be_reached_answers_busy_not_an_error(slack, monkeypatch, log_records):
    """Nothing was changed, so an event is refused with 503 (Slack sends it again) and a command hears
    'busy'; one warning line, no traceback."""
    from sqlalchemy.exc import OperationalError

    from bot.onboarding import service as onboarding
    from storage.queries import projects

    async def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(onboarding, "publish_home", unreachable)
    monkeypatch.setattr(projects, "channel_context", unreachable)
    event = await slack.event({"type": "app_home_opened", "user": "U0BOB", "channel": "D0BOB", "tab": "home"})
    assert (event.status, event.headers.get("Retry-After")) == (503, "60")
    command = await slack.command("status", channel="C0CHURN")
    assert "busy" in command.json["text"].lower()
    assert log_records.errors == []
    assert len([r for r in log_records.warnings if "answered busy" in r.getMessage()]) == 2
