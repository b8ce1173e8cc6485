"""The console's side of the terminal: reading lines (with line editing and history when it is a terminal)
in the main thread, while the bot runs on an event loop in a thread of its own.

Reading in the main thread is what makes Ctrl-C and Ctrl-D behave as in other REPLs: Python delivers
SIGINT there as KeyboardInterrupt, and readline restores the terminal itself when interrupted.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TextIO, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
HISTORY_LENGTH = 1000
LOOP_STOP_SECONDS = 10


class LoopThread:
    """An asyncio loop in a daemon thread; `run` waits for a coroutine on it (Ctrl-C cancels the wait)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="console-loop", daemon=True)

    def start(self) -> LoopThread:
        self._thread.start()
        self._ready.wait()
        return self

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._ready.set()
        await self._stop.wait()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    def close(self) -> None:
        """Stop the loop; asyncio.run then cancels what is left and closes it."""
        if self.loop is not None and self._thread.is_alive():
            self.loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(LOOP_STOP_SECONDS)


class LineReader:
    """Lines typed at the prompt. On a terminal: readline editing, and history kept in `history_path`.
    Piped in: plain lines, each echoed after its prompt so a transcript reads like a session."""

    def __init__(self, stdin: TextIO = sys.stdin, history_path: Path | None = None):
        self.stdin = stdin
        self.interactive = stdin.isatty()
        self.history_path = history_path
        self._readline = _readline() if self.interactive else None
        if self._readline is not None and history_path is not None:
            self._readline.set_history_length(HISTORY_LENGTH)
            try:
                self._readline.read_history_file(history_path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("console: cannot read the history in %s (%s)", history_path, exc)

    def read(self, prompt: str) -> str:
        """The next line without its newline; EOFError at the end of input (Ctrl-D)."""
        if self.interactive:
            return input(prompt)
        line = self.stdin.readline()
        if not line:
            raise EOFError
        line = line.rstrip("\n")
        print(prompt + line, flush=True)
        return line

    def close(self) -> None:
        if self._readline is None or self.history_path is None:
            return
        try:
            self.history_path.parent.mkdir(parents=True, exist_ok=True)
            self._readline.write_history_file(self.history_path)
        except OSError as exc:
            log.warning("console: cannot save the history to %s (%s)", self.history_path, exc)


def _readline():
    try:
        import readline  # noqa: PLC0415 - importing it is what turns on line editing for input()
    except ImportError:  # e.g. Windows without pyreadline: plain input() still works
        return None
    return readline
