"""`/crisp help`, empty text, and words Crisp does not know."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.tables import OutboxMessage, Project


def listed(answer) -> list[str]:
    return answer.json["text"].splitlines()[1:]


async def test_empty_text_is_help_for_a_channel_without_project(slack):
    answer = await slack.command("", user="U0BOB", channel="C0NEW")
    assert answer.status == 200
    assert answer.json["response_type"] == "ephemeral"
    assert listed(answer) == ["/crisp help", "/crisp project create NAME", "/crisp project list"]
    assert any(b["type"] == "actions" for b in answer.json["blocks"])  # a Create button


async def test_help_lists_only_what_the_caller_may_do_here(slack):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    member = await slack.command("help", user="U0BOB", channel="C0CHURN")
    assert listed(member) == ["/crisp help", "/crisp status", "/crisp project list"]
    assert "1 more command needs a project role or admin rights" in str(member.json["blocks"])

    admin = await slack.command("help", user="U0ADMIN", channel="C0CHURN")
    assert listed(admin) == ["/crisp help", "/crisp status", "/crisp project list", "/crisp project archive"]


async def test_unknown_words_get_the_closest_valid_form_and_change_nothing(runtime, slack):
    cases = {
        "stauts": "I don't know `stauts`. Did you mean `/crisp status`?",
        "project crate Churn": "I don't know `project crate`. Did you mean `/crisp project create NAME`?",
        "PROJECT LIST": None,  # any case is fine
        "project": "I don't know `project`. Try `/crisp project create NAME`, `/crisp project list`, "
                   "`/crisp project archive`.",
        "frobnicate now": "I don't know `frobnicate`.",
    }
    for text, expected in cases.items():
        answer = await slack.command(text)
        assert answer.status == 200
        first_block = answer.json["blocks"][0]["text"]["text"] if answer.json.get("blocks") else ""
        if expected is None:
            assert "don't know" not in answer.json["text"]
        else:
            assert first_block == expected
            assert "`/crisp help` lists what you can do here." in str(answer.json["blocks"])
    async with runtime.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Project))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == 0


async def test_renamed_slash_command_is_used_in_answers(database_url, standin, clock):
    from bot.runtime import Runtime
    from tests.conftest import SIGNING_SECRET, make_settings
    from tests.slack_client import SlackTestClient

    runtime = Runtime(make_settings(database_url, standin.base_url, slash_command="/mlops"), clock=clock)
    await runtime.start(http=True, worker=False)
    client = SlackTestClient(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET, clock)
    try:
        answer = await client.command("stauts", command="/mlops")
        assert "`/mlops status`" in answer.json["blocks"][0]["text"]["text"]
        other = await client.command("status", command="/crisp")
        assert other.status == 404  # not our command here
    finally:
        await client.close()
        await runtime.stop()
