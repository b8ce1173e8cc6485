"""The console's people and channels by name, kept across restarts.

A person typed as `@alice` must be the same Slack user id after a restart, or the projects and audit rows
the database holds under that id would belong to a stranger. Ids are derived from names (so they do not
depend on the order names were first used), and the names seen so far are kept in a small JSON file beside
the database, so output prints names rather than ids after a restart and an id once given never changes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

PLAIN_NAME = re.compile(r"[a-z0-9]{1,12}")
DERIVED_ID_LENGTH = 15  # longer than any plain id (prefix, "0" and at most 12 characters)


def slack_id(prefix: str, name: str, taken: Iterable[str] = ()) -> str:
    """`alice` -> U0ALICE. Any other name (al.ice, data-team, a long or non-Latin name) gets a digest of the
    whole name, so names that squash alike keep ids of their own, whatever order they come in. An id already
    taken (by the bot, or by a name remembered from an earlier run) moves on to a numbered one."""
    taken = set(taken)
    squashed = re.sub(r"[^A-Z0-9]", "", name.upper())
    if PLAIN_NAME.fullmatch(name):
        base = f"{prefix}0{squashed}"
    else:
        digest = base64.b32encode(hashlib.sha256(name.encode()).digest()).decode().rstrip("=")
        start = f"{prefix}0{squashed[:6]}"
        base = start + digest[: DERIVED_ID_LENGTH - len(start)]
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}{number}", number + 1
    return candidate


class Directory:
    """Name -> id for the console's people and channels; saved to `path` (None: kept in memory only)."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.people: dict[str, str] = {}
        self.channels: dict[str, str] = {}
        if path is not None:
            self._load(path)

    def person_id(self, name: str, reserved: Iterable[str] = ()) -> str:
        return self._id_for(self.people, "U", name, reserved)

    def channel_id(self, name: str) -> str:
        return self._id_for(self.channels, "C", name, ())

    def _id_for(self, names: dict[str, str], prefix: str, name: str, reserved: Iterable[str]) -> str:
        if name not in names:
            names[name] = slack_id(prefix, name, {*names.values(), *reserved})
            self._save()
        return names[name]

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("console: cannot read %s (%s); people and channels start afresh", path, exc)
            return
        for key, names in (("people", self.people), ("channels", self.channels)):
            entries = data.get(key) if isinstance(data, dict) else None
            if isinstance(entries, dict):
                names.update({n: i for n, i in entries.items() if isinstance(n, str) and isinstance(i, str)})

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(self.path.name + ".tmp")
            partial.write_text(json.dumps({"people": self.people, "channels": self.channels}, indent=1,
                                          ensure_ascii=False), encoding="utf-8")
            os.replace(partial, self.path)  # never a half-written file, even when killed mid-way
        except OSError as exc:
            log.warning("console: cannot save %s (%s); names will not survive a restart", self.path, exc)
