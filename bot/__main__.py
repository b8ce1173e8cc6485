"""`python -m bot [run|console|serve|scheduler|migrate|manifest]` (contract §1)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys

from bot.logs import configure_logging
from bot.manifest import ManifestError, build_manifest
from bot.runtime import Runtime, StartupError
from bot.settings import Mode, Settings, SettingsError, load_settings
from storage.migrate import current_revision


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Crisp: CRISP-DM project bot for Slack")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="everything in one process; mode chosen by the Slack settings (default)")
    commands.add_parser("console", help="try Crisp in the terminal, without Slack")
    commands.add_parser("serve", help="HTTP mode (the Procfile's web process)")
    commands.add_parser("scheduler", help="scheduled work and the outbox only (the Procfile's clock process)")
    commands.add_parser("migrate", help="bring the database schema to the newest revision")
    manifest = commands.add_parser("manifest", help="print the Slack app manifest (JSON)")
    transport = manifest.add_mutually_exclusive_group()
    transport.add_argument("--socket-mode", action="store_true", help="Socket Mode (the default)")
    transport.add_argument("--request-url", metavar="URL", help="HTTP mode: the public URL of /slack/events")
    args = parser.parse_args(argv)
    args.command = args.command or "run"
    return args


async def run_until_stopped(runtime: Runtime) -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    try:
        await stopped.wait()
    finally:
        await runtime.stop()


async def serve(settings: Settings) -> int:
    if settings.slack_bot_token is None and not settings.oauth:
        raise StartupError("SLACK_BOT_TOKEN is not set: serve is HTTP mode and needs SLACK_BOT_TOKEN and "
                           "SLACK_SIGNING_SECRET (to try Crisp without Slack: python -m bot console)")
    if settings.slack_signing_secret is None:
        raise StartupError("SLACK_SIGNING_SECRET is not set: serve is HTTP mode and verifies every request with it")
    runtime = Runtime(settings)
    await _start(runtime, http=True)
    await run_until_stopped(runtime)
    return 0


async def socket_mode(settings: Settings) -> int:
    runtime = Runtime(settings)
    # The HTTP port still serves /healthz, /metrics and the alert routes.
    await _start(runtime, http=True, socket_mode=True)
    await run_until_stopped(runtime)
    return 0


async def scheduler(settings: Settings) -> int:
    if settings.slack_bot_token is None and not settings.oauth:
        raise StartupError("SLACK_BOT_TOKEN is not set: the scheduler sends to Slack and needs it "
                           "(or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, serving many workspaces)")
    runtime = Runtime(settings)
    await _start(runtime, http=False, scheduler=True)
    await run_until_stopped(runtime)
    return 0


async def _start(runtime: Runtime, **options) -> None:
    try:
        await runtime.start(**options)
    except BaseException:
        await runtime.stop()
        raise


async def migrate(settings: Settings) -> int:
    runtime = Runtime(settings)
    try:
        await runtime.migrate()
        revision = await current_revision(runtime.db.engine)
    finally:
        await runtime.db.dispose()
    print(f"database at {settings.safe_database_url()} is at revision {revision}")
    return 0


def console(settings: Settings) -> int:
    """Not under asyncio.run: the prompt reads in the main thread, so Ctrl-C and Ctrl-D work as in a REPL."""
    from bot.console.app import run_console

    return run_console(settings)


async def run(settings: Settings) -> int:
    if settings.mode is Mode.SOCKET:
        return await socket_mode(settings)
    return await serve(settings)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`python -m bot manifest | head`): nothing more to say, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"crisp: {exc}", file=sys.stderr)
        return 2
    if args.command == "manifest":
        try:
            manifest = build_manifest(settings.slash_command, request_url=args.request_url, oauth=settings.oauth)
        except ManifestError as exc:
            print(f"crisp: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(manifest, indent=2))
        return 0
    configure_logging(settings.log_level, settings.log_format, settings.secret_values())
    command = {"run": run, "serve": serve, "scheduler": scheduler, "migrate": migrate}
    try:
        if args.command == "run" and settings.mode is Mode.CONSOLE:
            print("No Slack token set (SLACK_BOT_TOKEN): starting console mode.", file=sys.stderr)
        if args.command == "console" or (args.command == "run" and settings.mode is Mode.CONSOLE):
            return console(settings)
        return asyncio.run(command[args.command](settings))
    except StartupError as exc:
        print(f"crisp: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
