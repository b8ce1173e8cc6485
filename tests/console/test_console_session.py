"""Console mode in-process: typed lines go through `handle_line`, become signed Slack requests to the real
HTTP endpoint, and whatever the bot sends to the stand-in comes back as printed text."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import pytest

from bot.console.app import handle_line, start_console
from bot.console.files import ConsoleFiles
from bot.console.session import ConsoleSession
from bot.runtime import Runtime
from bot.slack_standin import SlackStandIn
from storage.queries import projects
from tests.conftest import make_settings

TEAM = "T0CRISP"


@dataclass
class Console:
    runtime: Runtime
    standin: SlackStandIn
    session: ConsoleSession
    lines: list[str]
    sent: list[str] = field(default_factory=list)   # bodies of the requests the console made to the bot

    async def type(self, *typed: str) -> str:
        """Type lines at the prompt; returns what the console printed for them."""
        start = len(self.lines)
        for line in typed:
            assert await handle_line(self.session, line) is True, line
        return "\n".join(self.lines[start:])

    async def project_in(self, channel: str):
        async with self.runtime.db.session() as session:
            return await projects.active_in_channel(session, TEAM, channel)


async def open_console(database_url: str, files: ConsoleFiles | None = None) -> Console:
    lines: list[str] = []
    # No CRISP_ADMINS: the console's first person (@you) is the admin.
    settings = make_settings(database_url, "http://unused/", port=0, crisp_admins="")
    runtime, standin, session = await start_console(settings, out=lines.append, files=files)
    return Console(runtime, standin, session, lines)


async def close_console(view: Console) -> None:
    await view.session.close()
    await view.runtime.stop()
    await view.standin.stop()


@pytest.fixture
async def console(database_url):
    view = await open_console(database_url)
    session = view.session
    post = session._post

    async def recording_post(body: str, content_type: str):
        view.sent.append(body)
        return await post(body, content_type)

    session._post = recording_post
    try:
        yield view
    finally:
        await close_console(view)


def button_number(output: str, label: str) -> int:
    found = re.findall(r"\[(\d+) \*?" + re.escape(label), output)
    assert found, f"no button {label!r} in:\n{output}"
    return int(found[-1])


def sent_text(body: str) -> str:
    return parse_qs(body)["text"][0]


async def test_starts_as_you_in_general_against_its_own_stand_in(console):
    assert (console.session.user.name, console.session.place.name) == ("you", "general")
    assert console.runtime.settings.slack_api_url == console.standin.base_url
    assert console.runtime.settings.crisp_admins == ("U0YOU",)
    assert console.runtime.port and console.session.events_url.endswith(f":{console.runtime.port}/slack/events")
    assert await console.type(":who") == "@you (U0YOU) in #general (C0GENERAL)"


async def test_help_is_an_ephemeral_reply_listing_what_you_may_do_here(console):
    out = await console.type("/crisp help")
    assert out.startswith("── #general — reply visible to only you:")
    assert "This channel has no project yet." in out
    assert "`/crisp project create NAME` — start a project bound to this channel" in out
    assert button_number(out, "Create a project") == 1
    # Nothing was posted for it: help is answered in the response itself.
    assert console.standin.calls_to("chat.postMessage") == []

    # The help's button sits on @you's ephemeral message and opens the create form.
    modal = await console.type(":press 1")
    assert "modal open for @you" in modal and "| New project |" in modal
    assert "The project will live in #general" in modal


async def test_create_prints_the_reply_then_the_channel_announcement(console):
    out = await console.type("/crisp project create Churn Radar")

    reply = out.index("── #general — reply visible to only you:")
    announcement = out.index("── #general — Crisp posted:")
    assert reply < announcement
    assert "Created *Churn Radar*; it is announced in this channel." in out[reply:announcement]
    assert "@you started *Churn Radar* in this channel." in out[announcement:]
    assert "Business understanding (phase 1 of 6)" in out[announcement:]

    project = await console.project_in("C0GENERAL")
    assert (project.name, project.created_by) == ("Churn Radar", "U0YOU")
    [posted] = console.standin.messages("C0GENERAL")
    assert posted["text"].startswith("New project: Churn Radar")


async def test_status_shows_the_card_with_phase_day_and_iteration(console):
    await console.type("/crisp project create Churn Radar")
    out = await console.type("/crisp status")
    assert out.startswith("── #general — reply visible to only you:")
    card = out.splitlines()
    assert card[1:4] == ["   Churn Radar", "   ===========",
                         "   *Business understanding* (phase 1 of 6) · day 1 · iteration 1"]
    assert "*Started by*" in out and "@you" in out


async def test_archive_is_refused_to_someone_else_and_allowed_to_the_admin(console):
    await console.type("/crisp project create Churn Radar")

    refused = await console.type(":as @alice", "/crisp project archive")
    assert refused.startswith("you are now @alice\n── #general — reply visible to only you:")
    assert "Refused: only Crisp admins and the project's product owner or product manager" in refused
    assert (await console.project_in("C0GENERAL")) is not None

    done = await console.type(":as you", "/crisp project archive")
    assert "Archived *Churn Radar*." in done
    assert "── #general — Crisp posted:" in done and "archived" in done.split("Crisp posted:")[1]
    assert (await console.project_in("C0GENERAL")) is None


async def test_create_without_a_name_opens_the_modal_and_submitting_creates_it(console):
    opened = await console.type(":in #fraud", "/crisp project create")
    assert "modal open for @you (:set N TEXT to fill field N, :submit, :close):" in opened
    assert "The project will live in #fraud" in opened
    assert "Field 1: Project name [plain_text_input]" in opened
    assert "Submit: Create" in opened

    assert await console.type(":set 1 Fraud Watch") == "field 1 (Project name) = Fraud Watch"
    out = await console.type(":submit")
    assert out.startswith("(modal closed)\n── #fraud — Crisp posted:")
    assert "@you started *Fraud Watch* in this channel." in out
    assert console.session.current_modal() is None
    assert (await console.project_in("C0FRAUD")).name == "Fraud Watch"


async def test_a_duplicate_name_shows_the_form_error_and_the_modal_stays_open(console):
    await console.type(":in #fraud", "/crisp project create Fraud Watch")
    posted_before = len(console.standin.calls_to("chat.postMessage"))

    await console.type(":in #other", "/crisp project create", ":set 1 fraud  watch")
    out = await console.type(":submit")
    assert out.startswith("!! field 1 (Project name): ")  # the label the person sees, not the block id
    assert "already exists" in out
    assert console.session.current_modal() is not None
    assert "| New project |" in await console.type(":modal")
    assert await console.project_in("C0OTHER") is None
    assert len(console.standin.calls_to("chat.postMessage")) == posted_before

    # Still open: fix the field and submit again.
    await console.type(":set 1 Fraud Watch Two")
    assert "@you started *Fraud Watch Two*" in await console.type(":submit")
    assert console.session.current_modal() is None
    assert (await console.project_in("C0OTHER")).name == "Fraud Watch Two"


async def test_modal_text_may_hold_apostrophes_and_quotes(console):
    await console.type(":in #bobs", "/crisp project create")
    assert await console.type(":set 1 Bob's Model") == "field 1 (Project name) = Bob's Model"
    assert await console.type(':set 1 "Bob\'s  Model"') == "field 1 (Project name) = Bob's  Model"
    assert "started *Bob's Model*" in await console.type(":submit")
    assert (await console.project_in("C0BOBS")).name == "Bob's Model"


async def test_inviting_crisp_where_no_project_is_shows_the_intro_whose_button_opens_the_form(console):
    out = await console.type(":in #empty", ":invite")
    assert "── #empty — Crisp posted:" in out
    assert "Thanks for adding me" in out
    number = button_number(out, "Create a project")

    modal = await console.type(f":press {number}")
    assert "modal open for @you" in modal and "The project will live in #empty" in modal
    await console.type(":set 1 Empty No More")
    assert "── #empty — Crisp posted:" in await console.type(":submit")
    assert (await console.project_in("C0EMPTY")).name == "Empty No More"

    # Invited where a project lives already: no intro and no button, the guide for its phase.
    posted = len(console.standin.calls_to("chat.postMessage"))
    again = await console.type(":invite")
    assert again.startswith("(you added Crisp to #empty)\n")
    assert "This channel tracks *Empty No More*, now in *Business understanding*." in again
    assert "What matters now, in Business understanding:" in again and "Create a project" not in again
    assert len(console.standin.calls_to("chat.postMessage")) == posted + 1


async def test_a_button_on_someone_elses_screen_needs_as_first(console):
    help_out = await console.type("/crisp help")
    number = button_number(help_out, "Create a project")
    assert await console.type(":as bob", f":press {number}") == (
        f"you are now @bob\n!! button {number} is on @you's screen; use :as first")
    assert console.session.current_modal() is None


async def test_home_prints_the_app_home(console):
    await console.type("/crisp project create Churn Radar")
    out = await console.type(":home")
    assert out.startswith("── App Home of @you:\n   == Home ==")
    assert "*Active projects (1)*" in out
    assert "*Churn Radar* in #general" in out
    assert console.standin.home_view("U0YOU") is not None


async def test_joining_a_project_channel_prints_the_welcome_only_to_the_newcomer(console):
    await console.type("/crisp project create Churn Radar")
    out = await console.type(":as bob", ":join")
    assert out.startswith("you are now @bob\n(@bob joined #general)\n── #general — only visible to @bob:")
    assert "Welcome! This channel tracks *Churn Radar*" in out
    [ephemeral] = console.standin.ephemerals("C0GENERAL", "U0BOB")
    assert "Churn Radar" in ephemeral["text"]

    # Joining a channel without a project says nothing.
    assert await console.type(":in #quiet", ":join") == "you are now in #quiet\n(@bob joined #quiet)"


async def test_unknown_controls_and_missing_things_get_a_clear_line(console):
    assert await console.type(":frobnicate") == "!! don't know ':frobnicate'; :help lists the console controls"
    assert await console.type(":press 99") == "!! there is no button 99"
    assert await console.type(":submit") == "!! no modal is open"
    assert await console.type(":set 1 x") == "!! no modal is open"
    assert await console.type(":close") == "!! no modal is open"
    assert await console.type(":modal") == "no modal is open"
    assert await console.type("hello there") == "Commands start with /crisp; console controls with ':' (try :help)."
    assert await console.type("/crispy status") == "!! unknown command /crispy: try /crisp help"
    assert ":press N" in await console.type(":help")
    assert await console.type("   ") == ""
    assert await console.type(":press") == "!! usage: :press N"
    assert await console.type(":set 1") == "!! usage: :set N TEXT"
    assert await console.type(":as") == "!! usage: :as @name"
    assert await handle_line(console.session, ":quit") is False

    await console.type("/crisp project create")
    assert await console.type(":set 3 x") == "!! the modal has fields 1 to 1"
    assert await console.type(":close") == "(modal closed)"


async def test_unknown_slash_words_get_the_bots_error(console):
    out = await console.type("/crisp frobnicate")
    assert "── #general — reply visible to only you:" in out
    assert "I don't know `frobnicate`" in out


async def test_typed_mentions_arrive_escaped_like_slack(console):
    # @alice has never been used: the console's workspace makes her on first mention, as :as would.
    out = await console.type("/crisp project create Team @alice")
    assert sent_text(console.sent[-1]) == "project create Team <@U0ALICE|alice>"
    assert "A project name cannot contain a mention" in out

    await console.type("/crisp project create Ops #general")
    assert sent_text(console.sent[-1]) == "project create Ops <#C0GENERAL|general>"

    await console.type("/crisp project create R&D <Forecast> @here")
    assert sent_text(console.sent[-1]) == "project create R&amp;D &lt;Forecast&gt; <!here>"

    await console.type("/crisp project create Mail a@b.com")
    assert sent_text(console.sent[-1]) == "project create Mail a@b.com"
    assert "alice" in console.session.users and "b.com" not in console.session.users
    assert "here" not in console.session.users


async def test_escaped_names_are_stored_plain_and_printed_plain(console):
    out = await console.type("/crisp project create R&D <Forecast>")
    assert "Created *R&D <Forecast>*" in out
    assert (await console.project_in("C0GENERAL")).name == "R&D <Forecast>"


async def test_mentions_print_as_names_not_ids(console):
    out = await console.type("/crisp project create Churn Radar", "/crisp status", ":home", ":as bob", ":join")
    assert "@you started *Churn Radar*" in out
    assert "#general" in out and "@bob" in out
    assert not re.search(r"\b[UC]0[A-Z0-9]+\b", out), out
    # The stand-in did receive ids, as Slack would.
    assert "<@U0YOU>" in str(console.standin.messages("C0GENERAL")[0]["blocks"])


async def test_people_and_channels_whose_names_squash_alike_keep_ids_of_their_own(console):
    await console.type(":as alexandra.smith1")
    first = console.session.user
    await console.type(":as alexandra.smith2")
    second = console.session.user
    await console.type(":as al.ice", ":as alice", ":as crispbot")
    ids = [person.id for person in console.session.users.values()]
    assert len(ids) == len(set(ids)), ids
    assert first.id != second.id
    assert console.session.users["alice"].id != console.session.users["al.ice"].id
    assert console.session.users["crispbot"].id != console.standin.identity.bot_user_id

    await console.type(":in #data-team", ":in #datateam")
    assert console.session.places["data-team"].id != console.session.places["datateam"].id

    # Each is its own person to the bot: @yo.u would squash to U0YOU, the admin, but gets no admin rights.
    await console.type(":as you", ":in #data-team", "/crisp project create Shared Name")
    refused = await console.type(":as yo.u", "/crisp project archive")
    assert "Refused" in refused


async def test_the_bot_itself_prints_by_name(console):
    bot_id = console.standin.identity.bot_user_id
    assert console.session.name_of(bot_id) == "@crisp"
    rendered = console.session.with_names({"text": f"ask <@{bot_id}>"})
    assert rendered == {"text": f"ask <@{bot_id}|crisp>"}


async def test_quitting_while_the_outbox_is_mid_pass_is_prompt(console):
    worker = console.runtime.worker
    in_pass, stop_asked = asyncio.Event(), asyncio.Event()
    run_once, stop = worker.run_once, worker.stop

    async def pass_still_under_way_when_asked_to_stop() -> int:
        in_pass.set()
        await stop_asked.wait()
        return await run_once()

    def asked_to_stop() -> None:
        stop_asked.set()
        stop()

    worker.run_once = pass_still_under_way_when_asked_to_stop
    worker.stop = asked_to_stop
    worker.wake()
    await in_pass.wait()
    started = time.perf_counter()
    await console.runtime.stop()
    assert time.perf_counter() - started < 0.3


async def test_people_and_channels_keep_their_ids_and_names_across_a_restart(database_url, tmp_path):
    files = ConsoleFiles.in_folder(tmp_path)
    first = await open_console(database_url, files)
    try:
        await first.type(":as alice", ":in #data-team", "/crisp project create Fraud Watch",
                         ":as al.ice", ":in #datateam", "/crisp project create Churn Radar")
        before = {name: person.id for name, person in first.session.users.items()}
        places = {name: place.id for name, place in first.session.places.items()}
    finally:
        await close_console(first)

    again = await open_console(database_url, files)
    try:
        # Known again before anyone types their name: output names them, not their ids.
        listing = await again.type("/crisp project list")
        assert "*Fraud Watch*" in listing and "#data-team" in listing
        assert "*Churn Radar*" in listing and "#datateam" in listing
        assert not re.search(r"\b[UC]0[A-Z0-9]{4,}\b", listing), listing
        await again.type(":as al.ice", ":in #data-team", ":as alice")
        assert {name: person.id for name, person in again.session.users.items()} == before
        assert {name: place.id for name, place in again.session.places.items()} == places
        status = await again.type("/crisp status")
        assert "Fraud Watch" in status and "@alice" in status  # started by the same person
        assert (await again.project_in(places["data-team"])).created_by == before["alice"]
    finally:
        await close_console(again)


async def test_ids_follow_from_names_whatever_order_they_come_in(database_url, tmp_path):
    one = await open_console(database_url, ConsoleFiles.in_folder(tmp_path / "one"))
    other = await open_console(database_url, ConsoleFiles.in_folder(tmp_path / "other"))
    try:
        await one.type(":as al.ice", ":as alice", ":in #data-team", ":in #datateam")
        await other.type(":in #datateam", ":in #data-team", ":as alice", ":as al.ice")
        assert {n: p.id for n, p in one.session.users.items()} == {n: p.id for n, p in other.session.users.items()}
        assert {n: p.id for n, p in one.session.places.items()} == \
            {n: p.id for n, p in other.session.places.items()}
    finally:
        await close_console(one)
        await close_console(other)
