"""Who-am-I methods: auth.test, users.info, and the Socket Mode URL handout."""

from __future__ import annotations

from typing import Any

from ..errors import SlackError
from .base import APP_TOKENS, NO_TOKEN, Context, MethodSpec


def auth_test(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Who the calling token belongs to: its workspace's bot (the first workspace's for tokens the stand-in
    never issued)."""
    team = ctx.ws.installs.team_of(ctx.token)
    ident = team.identity if team is not None else ctx.ws.identity
    bot_user = ctx.ws.users.get(ident.bot_user_id)
    answer = {
        "url": f"https://{ctx.ws.team_domain}.slack.com/" if ident is ctx.ws.identity else
        f"https://{ident.team_id.lower()}.slack.com/",
        "team": ident.team_name,
        "user": bot_user.name if bot_user is not None else "crisp",
        "team_id": ident.team_id,
        "user_id": ident.bot_user_id,
        "bot_id": ident.bot_id,
        "app_id": ident.app_id,
        "is_enterprise_install": False,
    }
    if team is not None and team.enterprise_id:
        answer["enterprise_id"] = team.enterprise_id
    return answer


def oauth_v2_access(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return ctx.ws.installs.oauth_v2_access(args, ctx.basic)


def users_info(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    user = ctx.ws.users.get(args.get("user")) if isinstance(args.get("user"), str) else None
    if user is None:
        raise SlackError("user_not_found")
    return {"user": ctx.ws.user_info(user)}


def connections_open(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    return {"url": ctx.socket_url}


METHODS = {
    "auth.test": MethodSpec(auth_test),
    "users.info": MethodSpec(users_info),
    "apps.connections.open": MethodSpec(connections_open, APP_TOKENS),
    "oauth.v2.access": MethodSpec(oauth_v2_access, NO_TOKEN),
}
