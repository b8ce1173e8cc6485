"""The imitated workspace: users, conversations, messages, views and files.

Plain in-memory data with the lookups Slack's rules need (channel resolution,
membership, DM ids, ``ts`` generation). Method handlers mutate it; the
``SlackStandIn`` facade exposes read-only copies to tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import zoneinfo
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import SlackError


@dataclass
class User:
    id: str
    name: str
    real_name: str
    tz: str = "UTC"
    is_bot: bool = False
    bot_id: str | None = None
    status_emoji: str = ""
    status_text: str = ""
    status_expiration: int = 0  # epoch seconds; 0: never


@dataclass
class Channel:
    id: str
    name: str
    created: int
    is_private: bool = False
    is_member: bool = True
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None  # the other party of an IM
    members: list[str] = field(default_factory=list)
    is_archived: bool = False


@dataclass
class Identity:
    team_id: str
    team_name: str
    bot_user_id: str
    bot_id: str
    app_id: str


class Workspace:
    """All stand-in state; one per SlackStandIn."""

    def __init__(self, identity: Identity, clock: Callable[[], float] = time.time) -> None:
        self.identity = identity
        self.clock = clock
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.ephemerals: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.view_owner: dict[str, str | None] = {}
        self.modal_stacks: dict[str | None, list[str]] = {}
        self.home_views: dict[str, str] = {}
        self.triggers: dict[str, tuple[str, float]] = {}
        self.used_triggers: set[str] = set()
        self.files: dict[str, dict[str, Any]] = {}
        self._last_micros = 0
        self._serial = 0
        self.add_user(identity.bot_user_id, "crisp", real_name="Crisp", is_bot=True, bot_id=identity.bot_id)

    @property
    def team_domain(self) -> str:
        """``Crisp Test`` -> ``crisp-test``, as in https://crisp-test.slack.com/."""
        return re.sub(r"[^a-z0-9]+", "-", self.identity.team_name.lower()).strip("-") or "workspace"

    # -- ids and time -----------------------------------------------------
    def next_ts(self) -> str:
        """A message ts from clock(), bumped so it strictly increases even within one instant."""
        micros = max(int(self.clock() * 1_000_000), self._last_micros + 1)
        self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def next_id(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:08d}"

    # -- users ------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "UTC",
        is_bot: bool = False,
        bot_id: str | None = None,
    ) -> User:
        user = User(user_id, name, real_name if real_name is not None else name, tz, is_bot, bot_id)
        self.users[user_id] = user
        return user

    def user_info(self, user: User) -> dict[str, Any]:
        offset, label = _tz_offset(user.tz, self.clock())
        profile: dict[str, Any] = {
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": user.name,
            "display_name_normalized": user.name,
            "status_emoji": user.status_emoji,
            "status_text": user.status_text,
            "status_expiration": user.status_expiration,
            "team": self.identity.team_id,
        }
        if user.bot_id:
            profile["bot_id"] = user.bot_id
        return {
            "id": user.id,
            "team_id": self.identity.team_id,
            "name": user.name,
            "deleted": False,
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": label,
            "tz_offset": offset,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "profile": profile,
        }

    # -- conversations ----------------------------------------------------
    def add_channel(self, channel_id: str, name: str, *, is_private: bool = False, is_member: bool = True) -> Channel:
        channel = Channel(channel_id, name, int(self.clock()), is_private=is_private, is_member=is_member)
        self.channels[channel_id] = channel
        return channel

    def dm_for(self, user_id: str) -> Channel:
        """The bot's IM with a user: stable id ``D`` + user id, created on first use."""
        dm_id = f"D{user_id}"
        channel = self.channels.get(dm_id)
        if channel is None:
            channel = Channel(dm_id, user_id, int(self.clock()), is_private=True, is_im=True, user=user_id)
            self.channels[dm_id] = channel
        return channel

    def mpim_for(self, user_ids: list[str]) -> Channel:
        members = sorted(set(user_ids) | {self.identity.bot_user_id})
        digest = hashlib.sha1(",".join(members).encode()).hexdigest()[:10].upper()
        mpim_id = f"G{digest}"
        channel = self.channels.get(mpim_id)
        if channel is None:
            names = "--".join(self.users[u].name for u in members if u in self.users)
            channel = Channel(mpim_id, f"mpdm-{names}-1", int(self.clock()), is_private=True, is_mpim=True)
            channel.members = members
            self.channels[mpim_id] = channel
        return channel

    def resolve_channel(self, value: Any, *, auto_create: bool) -> Channel:
        """Find the conversation a ``channel`` argument names, the way Slack does.

        User ids land in the bot's DM; ``#name`` / ``name`` match known channels; unknown
        C…/G… ids are auto-created (when ``auto_create``) so tests need no setup.
        """
        if not isinstance(value, str) or not value:
            raise SlackError("channel_not_found")
        if value in self.channels:
            return self.channels[value]
        if value[0] in "UW":
            if value not in self.users:
                raise SlackError("channel_not_found")
            return self.dm_for(value)
        name = value.removeprefix("#")
        for channel in self.channels.values():
            if channel.name == name and not channel.is_im:
                return channel
        if auto_create and value[0] in "CG" and value.isalnum() and value.isupper():
            return self.add_channel(value, value.lower())
        raise SlackError("channel_not_found")

    def require_postable(self, channel: Channel) -> None:
        """Slack hides private channels the bot is not in, refuses public ones, and archived ones."""
        if not channel.is_member:
            raise SlackError("channel_not_found" if channel.is_private else "not_in_channel")
        if channel.is_archived:
            raise SlackError("is_archived")

    def channel_info(self, channel: Channel) -> dict[str, Any]:
        info: dict[str, Any] = {
            "id": channel.id,
            "created": channel.created,
            "is_im": channel.is_im,
            "is_mpim": channel.is_mpim,
            "is_private": channel.is_private,
            "is_archived": channel.is_archived,
            "context_team_id": self.identity.team_id,
        }
        if channel.is_im:
            info.update(user=channel.user, is_open=True, is_user_deleted=False)
            return info
        info.update(
            name=channel.name,
            name_normalized=channel.name,
            is_channel=not channel.is_private and not channel.is_mpim,
            is_group=channel.is_private and not channel.is_mpim,
            is_general=False,
            is_shared=False,
            is_ext_shared=False,
            is_org_shared=False,
            is_member=channel.is_member,
            topic={"value": "", "creator": "", "last_set": 0},
            purpose={"value": "", "creator": "", "last_set": 0},
        )
        return info

    # -- messages ---------------------------------------------------------
    def find_message(self, channel_id: str, ts: Any) -> dict[str, Any]:
        for message in self.messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def store_message(self, channel: Channel, fields: dict[str, Any]) -> dict[str, Any]:
        message = {
            "type": "message",
            "ts": self.next_ts(),
            "channel": channel.id,
            "user": self.identity.bot_user_id,
            "bot_id": self.identity.bot_id,
            "app_id": self.identity.app_id,
            "team": self.identity.team_id,
            **fields,
        }
        self.messages.setdefault(channel.id, []).append(message)
        return message

    # -- triggers ---------------------------------------------------------
    def register_trigger(self, trigger_id: str, user_id: str) -> None:
        self.triggers[trigger_id] = (user_id, self.clock())


def api_message(message: dict[str, Any], *, with_metadata: bool = True) -> dict[str, Any]:
    """A stored message as Slack shows it in answers (no ``channel`` key)."""
    shown = {k: v for k, v in message.items() if k != "channel"}
    if not with_metadata:
        shown.pop("metadata", None)
    return shown


def _tz_offset(tz: str, now: float) -> tuple[int, str]:
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0, tz
    moment = dt.datetime.fromtimestamp(now, zone)
    offset = moment.utcoffset()
    return (int(offset.total_seconds()) if offset else 0), moment.tzname() or tz
