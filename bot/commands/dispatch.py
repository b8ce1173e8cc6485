"""Turn one `/crisp …` request into a reply: who is asking, where, which command, and run it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.commands import alerts as alert_commands
from bot.commands import docs as doc_commands
from bot.commands import export as export_commands
from bot.commands import feedback as feedback_commands
from bot.commands import help as help_commands
from bot.commands import phase as phase_commands
from bot.commands import project as project_commands
from bot.commands import schedules as schedule_commands
from bot.commands import status as status_commands
from bot.commands import team as team_commands
from bot.commands.registry import CommandTable, Invocation, Match, Reply
from bot.errors import Refused, UserError
from bot.permissions import Caller
from bot.services import Services
from bot.team.access import refusal_text
from bot.views import projects as project_views
from bot.views import replies
from storage.db import DatabaseBusy
from storage.queries import projects

log = logging.getLogger(__name__)


def command_table() -> CommandTable:
    return CommandTable([*help_commands.COMMANDS, *status_commands.COMMANDS, *project_commands.COMMANDS,
                         *phase_commands.COMMANDS, *team_commands.COMMANDS,
                         *doc_commands.COMMANDS, *export_commands.COMMANDS, *alert_commands.COMMANDS,
                         *schedule_commands.COMMANDS, *feedback_commands.COMMANDS])


class CommandDispatcher:
    def __init__(self, services: Services, table: CommandTable | None = None):
        self.services = services
        self.table = table or command_table()
        self.slash = services.settings.slash_command

    async def dispatch(self, *, team_id: str, channel_id: str, user_id: str, text: str,
                       open_modal: Callable[[dict[str, Any]], Awaitable[None]],
                       request_key: str | None = None) -> tuple[str, Reply]:
        """Returns the command's usage name (for logs) and its reply. Never raises for bad input."""
        text = (text or "").strip()
        match = self.table.match(text or "help")
        if not isinstance(match, Match):  # answered from the table alone, without the database
            return "unknown", help_commands.unmatched_reply(match, self.slash)
        name = match.command.usage
        project = None
        try:
            async with self.services.db.read() as reads:
                project, roles = await projects.channel_context(reads, team_id, channel_id, user_id)
                caller = Caller(team_id=team_id, user_id=user_id, is_admin=self.services.is_admin(user_id),
                                roles=roles)
                command = match.command
                if command.needs_project and project is None:
                    raise UserError(project_views.no_project_here(self.slash))
                if command.needs_project is False and project is not None:
                    raise UserError(project_views.already_tracks(project))
                caller.require(command.action)
                invocation = Invocation(self.services, caller, channel_id, match.args, project, open_modal,
                                        self.table, reads, request_key)
                return name, await command.run(invocation)
        except Refused as exc:
            # Say who may, and who that is in this project.
            text = await refusal_text(self.services, exc, project)
            return name, Reply(replies.error(text, hint=exc.hint, slash=self.slash))
        except UserError as exc:
            return name, Reply(replies.error(exc.message, hint=exc.hint, slash=self.slash))
        except DatabaseBusy as exc:
            # Saturated: answer inside Slack's 3 s rather than queue; nothing was changed.
            log.warning("command answered busy: %s (%s)", name, exc)
            return name, Reply(replies.busy(self.slash))
