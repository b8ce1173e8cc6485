"""Installs of the imitated app into several workspaces: OAuth codes, the tokens they give, refreshes.

Every workspace (team) the stand-in knows has its own bot user and bot ids. `issue_code(team)` is what
Slack's consent screen hands the browser; `oauth.v2.access` trades it once for a bot token (rotating,
with a refresh token and `expires_in`, when rotation is on). A refresh gives a new token and refresh
token; the old token stays valid until its own expiry, as Slack's do. Revoked or expired tokens are
refused by every method. Tokens the stand-in never issued (SLACK_BOT_TOKEN in tests and console mode)
belong to the stand-in's first workspace.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from typing import Any, Callable

from .errors import SlackError
from .state import Identity

TOKEN_LIFETIME_SECONDS = 12 * 60 * 60  # Slack's rotating tokens live 12 hours
ROTATING_PREFIX = "xoxe.xoxb-1-"


@dataclass
class Team:
    identity: Identity
    enterprise_id: str | None = None
    enterprise_name: str | None = None


@dataclass
class IssuedToken:
    team_id: str
    expires_at: float | None
    revoked: bool = False


@dataclass
class Code:
    team_id: str
    installer: str
    org_wide: bool


class Installs:
    def __init__(self, first: Identity, clock: Callable[[], float]):
        self._clock = clock
        self.teams: dict[str, Team] = {first.team_id: Team(first)}
        self.first_team = first.team_id
        self.client_id = "1111111111.2222222222"
        self.client_secret = "standin-client-secret"
        self.rotation = True
        self.scopes = "commands,chat:write"
        self._codes: dict[str, Code] = {}
        self._tokens: dict[str, IssuedToken] = {}
        self._refresh: dict[str, str] = {}  # refresh token -> team
        self._serial = itertools.count(1)

    def add_team(self, team_id: str, team_name: str, *, enterprise_id: str | None = None,
                 enterprise_name: str | None = None) -> Identity:
        n = next(self._serial)
        identity = Identity(team_id, team_name, f"U{team_id[1:]}BOT{n}", f"B{team_id[1:]}BOT{n}",
                            self.teams[self.first_team].identity.app_id)
        self.teams[team_id] = Team(identity, enterprise_id, enterprise_name)
        return identity

    def issue_code(self, team_id: str, *, installer: str = "U0INSTALLER", org_wide: bool = False) -> str:
        if team_id not in self.teams:
            raise KeyError(f"the stand-in knows no workspace {team_id}; add_workspace() it first")
        code = f"code-{secrets.token_hex(8)}"
        self._codes[code] = Code(team_id, installer, org_wide)
        return code

    def revoke(self, team_id: str) -> None:
        """Every token of the workspace stops working (an uninstall, or tokens_revoked)."""
        for issued in self._tokens.values():
            if issued.team_id == team_id:
                issued.revoked = True
        self._refresh = {token: team for token, team in self._refresh.items() if team != team_id}

    def tokens_of(self, team_id: str) -> list[str]:
        return [token for token, issued in self._tokens.items() if issued.team_id == team_id]

    # -- per call ----------------------------------------------------------
    def team_of(self, token: str | None) -> Team | None:
        if not token:
            return None
        issued = self._tokens.get(token)
        return self.teams[issued.team_id] if issued is not None else self.teams[self.first_team]

    def refusal(self, token: str) -> str | None:
        issued = self._tokens.get(token)
        if issued is None:
            return None
        if issued.revoked:
            return "token_revoked"
        if issued.expires_at is not None and self._clock() >= issued.expires_at:
            return "token_expired"
        return None

    def oauth_v2_access(self, args: dict[str, Any], basic: tuple[str, str] | None) -> dict[str, Any]:
        client_id, client_secret = basic or (args.get("client_id"), args.get("client_secret"))
        if client_id != self.client_id:
            raise SlackError("invalid_client_id")
        if client_secret != self.client_secret:
            raise SlackError("bad_client_secret")
        if args.get("grant_type") == "refresh_token":
            team_id = self._refresh.pop(str(args.get("refresh_token")), None)
            if team_id is None:
                raise SlackError("invalid_refresh_token")
            return self._grant(self.teams[team_id], installer=None, org_wide=False)
        code = self._codes.pop(str(args.get("code")), None)
        if code is None:
            raise SlackError("invalid_code")
        return self._grant(self.teams[code.team_id], installer=code.installer, org_wide=code.org_wide)

    def _grant(self, team: Team, *, installer: str | None, org_wide: bool) -> dict[str, Any]:
        ident = team.identity
        expires_at = self._clock() + TOKEN_LIFETIME_SECONDS if self.rotation else None
        token = (ROTATING_PREFIX if self.rotation else "xoxb-") + f"{ident.team_id}-{secrets.token_hex(12)}"
        self._tokens[token] = IssuedToken(ident.team_id, expires_at)
        answer: dict[str, Any] = {
            "access_token": token, "token_type": "bot", "scope": self.scopes, "bot_user_id": ident.bot_user_id,
            "app_id": ident.app_id, "team": None if org_wide else {"id": ident.team_id, "name": ident.team_name},
            "enterprise": ({"id": team.enterprise_id, "name": team.enterprise_name} if team.enterprise_id else None),
            "is_enterprise_install": org_wide,
        }
        if installer is not None:
            answer["authed_user"] = {"id": installer}
        if self.rotation:
            refresh_token = f"xoxe-1-{secrets.token_hex(16)}"
            self._refresh[refresh_token] = ident.team_id
            answer.update(refresh_token=refresh_token, expires_in=TOKEN_LIFETIME_SECONDS)
        return answer
