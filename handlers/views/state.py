"""Reading a submitted modal's inputs: strictly, so a damaged or forged state is an empty field, never an
exception."""

from __future__ import annotations

from typing import Any


def element(view: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    """The state of one input element ({} when it is missing or malformed)."""
    state = view.get("state") if isinstance(view.get("state"), dict) else {}
    values = state.get("values") if isinstance(state.get("values"), dict) else {}
    block = values.get(block_id) if isinstance(values.get(block_id), dict) else {}
    found = block.get(action_id)
    return found if isinstance(found, dict) else {}


def text_value(view: dict[str, Any], block_id: str, action_id: str) -> str | None:
    """A plain text input's value (None when empty or not text)."""
    value = element(view, block_id, action_id).get("value")
    return value if isinstance(value, str) else None


def submitter(body: dict[str, Any]) -> tuple[str, str]:
    """(team id, user id) of whoever submitted the form."""
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    team = body.get("team") if isinstance(body.get("team"), dict) else {}
    user_id = user.get("id") if isinstance(user.get("id"), str) else ""
    team_id = team.get("id") if isinstance(team.get("id"), str) else ""
    if not team_id and isinstance(user.get("team_id"), str):
        team_id = user["team_id"]
    return team_id, user_id
