"""Names typed to make Crisp ping everyone or show a disguised link, through signed HTTP requests: stored as
typed, shown as typed, and nothing live in anything Crisp sends. And a renamed slash command everywhere."""

from __future__ import annotations

import json

from bot.console import slack_requests
from bot.runtime import Runtime
from bot.views.ids import ActionId
from storage.queries import projects
from tests.conftest import SIGNING_SECRET, make_settings
from tests.handlers.test_interactivity import name_values, open_modal
from tests.slack_client import SlackTestClient
from tests.slack_text import assert_nothing_live

# What a person types; Slack escapes &, < and > of slash text before sending it.
TYPED = "<!channel> <!here> <@U1> <https://x|y> <!subteam^S1> *b* _i_ ~s~ `c` &amp; go"
SENT_METHODS = ("chat.postMessage", "chat.postEphemeral", "views.open", "views.publish")


def sent(standin) -> list[dict]:
    return [call.args for method in SENT_METHODS for call in standin.calls_to(method)]


async def stored_name(runtime, channel: str) -> str:
    async with runtime.db.session() as session:
        return (await projects.active_in_channel(session, "T0CRISP", channel)).name


async def test_an_escaped_broadcast_in_slash_text_stays_text_everywhere(runtime, slack, standin, drain):
    answer = await slack.command("project create &lt;!channel&gt; launch", user="U0ALICE", channel="C0LAUNCH")
    assert answer.status == 200 and answer.json["text"].startswith("Created ")
    assert await stored_name(runtime, "C0LAUNCH") == "<!channel> launch"

    escaped = slack_requests.escape_like_slack(TYPED, {}, {})
    assert escaped.startswith("&lt;!channel&gt; &lt;!here&gt;")
    again = await slack.command(f"project create {escaped}", user="U0ALICE", channel="C0HOSTILE")
    assert again.json["text"].startswith("Created ")
    assert await stored_name(runtime, "C0HOSTILE") == TYPED

    replies = [answer.json, again.json]
    for text in ["project list", "status", "help"]:
        replies.append((await slack.command(text, user="U0ALICE", channel="C0HOSTILE")).json)
    await slack.event({"type": "app_home_opened", "user": "U0BOB", "channel": "D0BOB", "tab": "home"})
    await slack.event({"type": "member_joined_channel", "user": "U0BOB", "channel": "C0HOSTILE",
                       "channel_type": "C", "team": "T0CRISP"})
    replies.append((await slack.command("project archive", user="U0ADMIN", channel="C0HOSTILE")).json)
    await drain()

    messages = sent(standin)
    assert len(messages) == 5  # two announcements, the home tab, the welcome, the archive notice
    for payload in replies + messages:
        assert_nothing_live(payload, users={"U0ALICE", "U0ADMIN"}, channels={"C0LAUNCH", "C0HOSTILE"})
    announcement = standin.calls_to("chat.postMessage")[1].args
    assert announcement["text"].startswith("New project: &lt;!channel&gt; &lt;!here&gt;")
    # Marks show literally (the date token's fallback) instead of turning the rest bold or italic.
    assert "<!date^00000000^{_}|*>b<!date^00000000^{_}|*>" in announcement["blocks"][0]["text"]["text"]


async def test_real_mentions_and_links_in_slash_text_are_refused(runtime, slack, standin, drain):
    for token in ["<!here>", "<!channel>", "<@U0BOB|bob>", "<!subteam^S1|@ml>", "<https://evil.example|Legit>"]:
        answer = await slack.command(f"project create Launch {token}", channel="C0LAUNCH")
        assert "cannot contain a mention, a channel or a link" in answer.json["text"]
        assert_nothing_live(answer.json, users=set(), channels=set())
    await drain()
    assert sent(standin) == []


async def test_the_form_stores_what_was_typed_and_announces_it_as_text(runtime, slack, standin, drain):
    view = await open_modal(slack, standin, channel="C0FORM", user="U0ALICE")
    answer = await slack.submit(view, name_values("<!channel> launch"), user="U0ALICE")
    assert answer.status == 200 and answer.text == ""
    assert await stored_name(runtime, "C0FORM") == "<!channel> launch"

    view = await open_modal(slack, standin, channel="C0AMP", user="U0ALICE")
    await slack.submit(view, name_values(TYPED), user="U0ALICE")
    assert await stored_name(runtime, "C0AMP") == TYPED  # `&amp;` stays `&amp;`: the form is not unescaped

    await drain()
    posts = [call.args for call in standin.calls_to("chat.postMessage")]
    assert [post["channel"] for post in posts] == ["C0FORM", "C0AMP"]
    for payload in posts + [view]:
        assert_nothing_live(payload, users={"U0ALICE"}, channels={"C0FORM", "C0AMP"})
    assert posts[0]["text"] == "New project: &lt;!channel&gt; launch starts in Business understanding"
    assert "&amp;amp; go" in posts[1]["text"]


async def test_a_clash_in_the_form_names_the_other_project_plainly(runtime, slack, standin):
    await slack.command("project create &lt;b&gt; *Radar*", channel="C0FIRST")
    view = await open_modal(slack, standin, channel="C0SECOND")
    answer = await slack.submit(view, name_values("<B>  *radar*"))
    [error] = answer.json["errors"].values()
    assert error == "A project called <b> *Radar* already exists in another channel. Pick another name."


async def test_a_renamed_slash_command_is_the_only_one_any_view_mentions(database_url, standin, clock):
    runtime = Runtime(make_settings(database_url, standin.base_url, slash_command="/ml"), clock=clock)
    await runtime.start(http=True, worker=False)
    client = SlackTestClient(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET, clock)
    try:
        answers = []
        await client.event({"type": "member_joined_channel", "user": "U0CRISPBOT", "channel": "C0NEW",
                            "channel_type": "C", "team": "T0CRISP"})
        for text in ["", "help", "project list", "status", "stauts", "project", "project create Churn Radar",
                     "project create Again", "help", "status", "project list", "project archive",
                     "project create Churn Radar"]:
            answers.append(await client.command(text, channel="C0CHURN", command="/ml"))
        answers.append(await client.press(ActionId.OPEN_CREATE_PROJECT, channel="C0CHURN"))
        view = await open_modal(client, standin, channel="C0FORM")
        answers.append(await client.submit(view, name_values("churn radar")))
        await client.event({"type": "member_joined_channel", "user": "U0BOB", "channel": "C0CHURN",
                            "channel_type": "C", "team": "T0CRISP"})
        await client.event({"type": "app_home_opened", "user": "U0BOB", "channel": "D0BOB", "tab": "home"})
        await runtime.worker.drain(advance=lambda seconds: clock.advance(seconds))
        everything = json.dumps([a.text for a in answers] + sent(standin))
        assert "/ml project create NAME" in everything and "/ml help" in everything
        assert "/crisp" not in everything
        assert {m for m in SENT_METHODS if standin.calls_to(m)} == set(SENT_METHODS)
    finally:
        await client.close()
        await runtime.stop()
