"""Who-am-I methods: auth.test, users.info, and the Socket Mode URL handout."""

from __future__ import annotations

from typing import Any

from ..errors import SlackError
from .base import APP_TOKENS, Context, MethodSpec


def auth_test(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ident = ctx.ws.identity
    return {
        "url": f"https://{ctx.ws.team_domain}.slack.com/",
        "team": ident.team_name,
        "user": ctx.ws.users[ident.bot_user_id].name,
        "team_id": ident.team_id,
        "user_id": ident.bot_user_id,
        "bot_id": ident.bot_id,
        "app_id": ident.app_id,
        "is_enterprise_install": False,
    }


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
}
