"""Who may do what (contract §3): admins everything; product owner/manager manage the project;
any team member works on it; everyone in the channel reads."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from bot.errors import Refused

PROJECT_LEADS = frozenset({"product-owner", "product-manager"})
ADMINS_ONLY = frozenset({"(crisp admin)"})  # no project role has this name: only CRISP_ADMINS may


class Action(enum.Enum):
    READ = "read"
    CREATE_PROJECT = "create a project"
    ARCHIVE_PROJECT = "archive the project"
    CHANGE_PHASE = "change the phase"
    SET_TARGETS = "set phase targets"
    MANAGE_TEAM = "manage roles and stakeholders"
    SET_OBJECTIVE = "set the project's goal and success metric"
    MANAGE_SCHEDULES = "manage schedules"
    CONTRIBUTE = "work on the project"
    MANAGE_WORKSPACE = "manage the workspace's alert token and alert channel"


# Roles that may take each action besides admins; None = anyone.
ALLOWED_ROLES: dict[Action, frozenset[str] | None] = {
    Action.READ: None,
    Action.CREATE_PROJECT: None,
    Action.ARCHIVE_PROJECT: PROJECT_LEADS,
    Action.CHANGE_PHASE: PROJECT_LEADS,
    Action.SET_TARGETS: PROJECT_LEADS,
    Action.MANAGE_TEAM: PROJECT_LEADS,
    Action.SET_OBJECTIVE: PROJECT_LEADS,
    Action.MANAGE_SCHEDULES: PROJECT_LEADS,
    Action.CONTRIBUTE: frozenset(),  # any role at all
    Action.MANAGE_WORKSPACE: ADMINS_ONLY,
}

WHO_MAY = {
    PROJECT_LEADS: "Crisp admins and the project's product owner or product manager",
    frozenset(): "Crisp admins and members of the project team (anyone holding a role)",
    ADMINS_ONLY: "Crisp admins (CRISP_ADMINS)",
}


@dataclass(frozen=True)
class Caller:
    team_id: str
    user_id: str
    is_admin: bool
    roles: frozenset[str] = field(default_factory=frozenset)  # the caller's roles in this channel's project

    def may(self, action: Action) -> bool:
        allowed = ALLOWED_ROLES[action]
        if allowed is None or self.is_admin:
            return True
        if not allowed:  # any role
            return bool(self.roles)
        return bool(self.roles & allowed)

    def require(self, action: Action) -> None:
        if not self.may(action):
            who = WHO_MAY[ALLOWED_ROLES[action]]
            raise Refused(f"Refused: only {who} may {action.value}.", action=action)
