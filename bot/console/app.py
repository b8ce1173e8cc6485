"""`python -m bot console`: the real bot against the in-process Slack stand-in, driven from a prompt."""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Callable

from pydantic import SecretStr

from bot.console.directory import Directory, slack_id
from bot.console.files import ConsoleFiles, console_files
from bot.console.session import ConsoleSession
from bot.console.terminal import InterruptWatch, LineReader, LoopThread
from bot.runtime import Runtime, StartupError
from bot.settings import Settings
from bot.slack_standin import SlackStandIn

CONSOLE_HELP = """\
Type what you would type in Slack, e.g. `/crisp help`, `/crisp project create Churn Radar`, `/crisp status`.
  :as @alice        act as another person (created on first use)
  :in #churn        move to another channel (created on first use)
  :press N          press button N
  :set N TEXT       fill field N of the open modal; :submit sends it, :close drops it, :modal shows it
  :home             open your App Home tab
  :invite           add Crisp to this channel      :join   join this channel yourself
  :who              who and where you are          :quit   leave (or Ctrl-D, Ctrl-C)
People and channels keep their ids across restarts; the up arrow recalls earlier lines."""


def console_settings(settings: Settings, api_url: str, *, general_channel: str | None = None) -> Settings:
    """Console mode is its own little workspace: a stand-in token and secret, and the console's
    first person as admin unless CRISP_ADMINS names others. The alert endpoints take ALERT_TOKEN, or a
    token made for this run (printed at start); alerts that match no project land in ALERT_CHANNEL, or
    in #general, so a `curl` of a sample shows up at once."""
    return settings.model_copy(update={
        "slack_bot_token": SecretStr("xoxb-console-" + secrets.token_hex(8)),
        "slack_signing_secret": SecretStr(secrets.token_hex(16)),
        "slack_app_token": None,
        "slack_api_url": api_url,
        "crisp_admins": settings.crisp_admins or ("U0YOU",),
        "alert_token": settings.alert_token or SecretStr("console-" + secrets.token_urlsafe(12)),
        "alert_channel": settings.alert_channel or general_channel,
    })


def alerts_banner(runtime: Runtime) -> str:
    """How to send the console an alert (contract §1: the token is printed at start)."""
    token = runtime.settings.alert_token.get_secret_value()
    base = f"http://{reachable(runtime.settings.host)}:{runtime.port}/alerts"
    return (f"Alerts: POST {base}/{{alertmanager,grafana,evidently,generic}} with "
            f"\"Authorization: Bearer {token}\", e.g.\n"
            f"  curl -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' "
            f"--data @alertmanager_firing.json {base}/alertmanager")


async def start_console(settings: Settings, out: Callable[[str], None], *, files: ConsoleFiles | None = None,
                        ) -> tuple[Runtime, SlackStandIn, ConsoleSession]:
    """`files`: where people and channels are remembered across restarts (None: only for this run)."""
    standin = SlackStandIn()
    api_url = await standin.start()
    directory = Directory(files.directory if files else None)
    # The id #general will get (nothing is written before the bot has started on its database).
    general = directory.channels.get("general") or slack_id("C", "general", directory.channels.values())
    local = console_settings(settings, api_url, general_channel=general)
    runtime = Runtime(local)
    try:
        try:
            await runtime.start(http=True)
        except StartupError as exc:
            if not str(exc).startswith("PORT"):
                raise
            out(f"(port {local.port} is taken; using a free one)")
            await runtime.stop()
            runtime = Runtime(local.model_copy(update={"port": 0}))
            await runtime.start(http=True)
    except BaseException:
        await runtime.stop()
        await standin.stop()
        raise
    session = ConsoleSession(
        standin=standin,
        events_url=f"http://{reachable(runtime.settings.host)}:{runtime.port}/slack/events",
        signing_secret=local.slack_signing_secret.get_secret_value(),
        slash_command=local.slash_command,
        out=out,
        settle=runtime.worker.wait_idle,
        directory=directory,
        uploads=files.uploads if files else None,
    )
    return runtime, standin, session


def reachable(host: str) -> str:
    """Where this machine reaches a server listening on HOST (every interface: the loopback one)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"[{host}]" if ":" in host else host


async def handle_line(session: ConsoleSession, line: str) -> bool:
    """Run one console line; False when the person wants to leave."""
    line = line.strip()
    if not line:
        return True
    if line.startswith(session.slash_command):
        rest = line[len(session.slash_command):]
        if rest and not rest[0].isspace():
            session.out(f"!! unknown command {line.split()[0]}: try {session.slash_command} help")
            return True
        await session.slash(rest.strip())
        return True
    if not line.startswith(":"):
        session.out(f"Commands start with {session.slash_command}; console controls with ':' (try :help).")
        return True
    # Plain whitespace split, not shlex: what follows `:set N` is free text (apostrophes included).
    word, *args = line.split()
    rest = line[len(word):].strip()
    if word in (":quit", ":q", ":exit"):
        return False
    if word == ":help":
        session.out(CONSOLE_HELP)
    elif word == ":as" and args:
        session.user = session.person(args[0])
        session.out(f"you are now @{session.user.name}")
    elif word == ":in" and args:
        session.place = session.channel(args[0])
        session.out(f"you are now in #{session.place.name}")
    elif word == ":who":
        session.out(f"@{session.user.name} ({session.user.id}) in #{session.place.name} ({session.place.id})")
    elif word == ":press" and args and args[0].isdigit():
        await session.press(int(args[0]))
    elif word == ":set" and len(args) >= 2 and args[0].isdigit():
        await session.set_field(int(args[0]), _unquote(rest.split(None, 1)[1]))
    elif word == ":submit":
        await session.submit()
    elif word == ":close":
        await session.close_modal()
    elif word == ":modal":
        view = session.current_modal()
        if view is None:
            session.out("no modal is open")
        else:
            session.show_modal(session.user.id, view)
    elif word == ":home":
        await session.open_home()
    elif word == ":invite":
        session.out(f"(you added Crisp to #{session.place.name})")
        await session.invite_bot()
    elif word == ":join":
        session.out(f"(@{session.user.name} joined #{session.place.name})")
        await session.join()
    elif word in USAGE:
        session.out(f"!! usage: {USAGE[word]}")
    else:
        session.out(f"!! don't know {line!r}; :help lists the console controls")
    return True


USAGE = {":as": ":as @name", ":in": ":in #channel", ":press": ":press N", ":set": ":set N TEXT"}


def _unquote(text: str) -> str:
    """`:set 1 "Churn Radar"` means the text inside the quotes."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def run_console(settings: Settings) -> int:
    """The prompt reads in the main thread, the bot runs on a loop thread; Ctrl-C and Ctrl-D leave cleanly."""
    def out(text: str) -> None:
        print(text, flush=True)

    if settings.log_level == "INFO":
        # The terminal is the Slack screen here: only problems are logged over it.
        logging.getLogger().setLevel(logging.WARNING)

    files = console_files(settings.database_url)
    bot = LoopThread().start()
    try:
        runtime, standin, session = bot.run(start_console(settings, out, files=files))
    except BaseException:
        bot.close()
        raise
    reader = LineReader(sys.stdin, files.history)
    try:
        with InterruptWatch() as ctrl_c:
            try:
                out(f"Crisp console — database {runtime.settings.safe_database_url()}, "
                    f"HTTP on port {runtime.port} (/healthz, /metrics).")
                out(alerts_banner(runtime))
                out(f"You are @{session.user.name} in #{session.place.name}. Type :help for the controls, "
                    f"{session.slash_command} help for the bot.")
                while True:
                    try:
                        line = reader.read(f"@{session.user.name} #{session.place.name}> ")
                    except EOFError:
                        if reader.interactive:
                            out("")  # end the prompt's line, as Ctrl-D leaves the cursor on it
                        break
                    if not bot.run(handle_line(session, line)):
                        break
            except KeyboardInterrupt:
                ctrl_c.handled.set()
                out("")  # after the terminal's ^C
    finally:
        reader.close()
        try:
            bot.run(_stop_console(session, runtime, standin))
        finally:
            bot.close()
    return 0


async def _stop_console(session: ConsoleSession, runtime: Runtime, standin: SlackStandIn) -> None:
    await session.close()
    await runtime.stop()
    await standin.stop()
