"""Where the console keeps its own files: beside a SQLite database, else in the person's home."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class ConsoleFiles:
    directory: Path      # people and channels by name (bot.console.directory)
    history: Path        # lines typed at the prompt (readline)
    uploads: Path        # files Crisp shared (a digest's picture, a docs export), written out to open

    @classmethod
    def in_folder(cls, folder: Path, stem: str = "crisp") -> ConsoleFiles:
        return cls(folder / f"{stem}.console.json", folder / f"{stem}.console-history",
                   folder / f"{stem}-files")


def console_files(database_url: str, home: Path | None = None) -> ConsoleFiles:
    """`./crisp.db` -> `./crisp.console.json`, `./crisp.console-history` and `./crisp-files/`: they belong
    with that data.
    A server database (or SQLite in memory) has no folder of its own: ~/.crisp, one set per database."""
    url = make_url(database_url)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:" \
            and not database.startswith("file:"):
        path = Path(database)
        return ConsoleFiles.in_folder(path.parent, path.stem)
    tag = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:10]
    return ConsoleFiles.in_folder((home or Path.home()) / ".crisp", f"console-{tag}")
