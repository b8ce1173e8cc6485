"""views.* methods: modal stacks per user and published Home tabs.

The stand-in cannot know who a trigger_id belongs to, so tests (or console mode)
may ``register_trigger``; views opened with an unknown trigger are filed under
user ``None``. Registered triggers expire after 3 s, like Slack's.
"""

from __future__ import annotations

import copy
from typing import Any

from ..blocks import check_view, view_too_large
from ..errors import SlackError
from ..state import Workspace
from .base import Context, MethodSpec, required_str

MAX_STACK = 3
TRIGGER_TTL_SECONDS = 3.0


def _trigger(ws: Workspace, args: dict[str, Any]) -> tuple[str, str | None]:
    trigger = required_str(args, "trigger_id", "invalid_trigger_id")
    if trigger in ws.used_triggers:
        raise SlackError("exchanged_trigger_id")
    registered = ws.triggers.get(trigger)
    if registered is None:
        return trigger, None
    user, issued_at = registered
    if ws.clock() - issued_at > TRIGGER_TTL_SECONDS:
        raise SlackError("expired_trigger_id")
    return trigger, user


def _checked_view(args: dict[str, Any], expected_type: str | None) -> dict[str, Any]:
    view = args.get("view")
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", ["[ERROR] must provide an object [json-pointer:/view]"])
    if problems := check_view(view, expected_type=expected_type):
        raise SlackError("invalid_arguments", [str(p) for p in problems])
    if view_too_large(view):
        raise SlackError("view_too_large")
    return view


def _view_with_external_id(ws: Workspace, external_id: str) -> str | None:
    for view_id, view in ws.views.items():
        if view.get("external_id") == external_id:
            return view_id
    return None


def _claim_external_id(ws: Workspace, view: dict[str, Any], view_id: str | None) -> None:
    external_id = view.get("external_id")
    if external_id:
        owner = _view_with_external_id(ws, external_id)
        if owner is not None and owner != view_id:
            raise SlackError("duplicate_external_id")


def _store(
    ws: Workspace, view: dict[str, Any], *, view_id: str, owner: str | None, root: str, previous: str | None
) -> dict[str, Any]:
    ident = ws.identity
    stored = {
        "id": view_id,
        "team_id": ident.team_id,
        "type": view["type"],
        "title": view.get("title"),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""),
        "state": {"values": {}},
        "hash": f"{int(ws.clock())}.{ws.next_id('')}",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": root,
        "previous_view_id": previous,
        "app_id": ident.app_id,
        "app_installed_team_id": ident.team_id,
        "bot_id": ident.bot_id,
    }
    ws.views[view_id] = stored
    ws.view_owner[view_id] = owner
    return {"view": copy.deepcopy(stored)}


def drop_views(ws: Workspace, view_ids: list[str]) -> None:
    for view_id in view_ids:
        ws.views.pop(view_id, None)
        ws.view_owner.pop(view_id, None)


def views_open(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    trigger, user = _trigger(ws, args)
    view = _checked_view(args, "modal")
    _claim_external_id(ws, view, None)
    drop_views(ws, ws.modal_stacks.pop(user, []))
    view_id = ws.next_id("V")
    ws.modal_stacks[user] = [view_id]
    ws.used_triggers.add(trigger)
    return _store(ws, view, view_id=view_id, owner=user, root=view_id, previous=None)


def views_push(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    trigger, user = _trigger(ws, args)
    view = _checked_view(args, "modal")
    stack = ws.modal_stacks.setdefault(user, [])
    if len(stack) >= MAX_STACK:
        raise SlackError("push_limit_reached")
    _claim_external_id(ws, view, None)
    view_id = ws.next_id("V")
    root, previous = (stack[0], stack[-1]) if stack else (view_id, None)
    stack.append(view_id)
    ws.used_triggers.add(trigger)
    return _store(ws, view, view_id=view_id, owner=user, root=root, previous=previous)


def views_update(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    view_id, external_id = args.get("view_id"), args.get("external_id")
    if not view_id and not external_id:
        raise SlackError("invalid_arguments", ["[ERROR] either view_id or external_id is required"])
    target = view_id if isinstance(view_id, str) and view_id in ws.views else None
    if target is None and isinstance(external_id, str) and external_id and not view_id:
        target = _view_with_external_id(ws, external_id)
    if target is None:
        raise SlackError("not_found")
    current = ws.views[target]
    if args.get("hash") not in (None, "") and args["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    view = _checked_view(args, current["type"])
    if not view.get("external_id") and current["external_id"]:
        view = {**view, "external_id": current["external_id"]}  # the view keeps its identity
    _claim_external_id(ws, view, target)
    return _store(
        ws, view, view_id=target, owner=ws.view_owner.get(target),
        root=current["root_view_id"], previous=current["previous_view_id"],
    )


def views_publish(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    user = required_str(args, "user_id", "invalid_arguments")
    if user not in ws.users:
        raise SlackError("user_not_found")
    view = _checked_view(args, "home")
    existing = ws.home_views.get(user)
    if existing and args.get("hash") not in (None, "") and args["hash"] != ws.views[existing]["hash"]:
        raise SlackError("hash_conflict")
    view_id = existing or ws.next_id("V")
    _claim_external_id(ws, view, view_id)
    ws.home_views[user] = view_id
    return _store(ws, view, view_id=view_id, owner=user, root=view_id, previous=None)


METHODS = {
    "views.open": MethodSpec(views_open),
    "views.push": MethodSpec(views_push),
    "views.update": MethodSpec(views_update),
    "views.publish": MethodSpec(views_publish),
}
