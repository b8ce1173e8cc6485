"""The console's side of the terminal: reading lines (with line editing and history when it is a terminal)
in the main thread, while the bot runs on an event loop in a thread of its own.

Reading in the main thread is what makes Ctrl-C and Ctrl-D behave as in other REPLs: Python turns SIGINT
into KeyboardInterrupt there, and puts the terminal back as readline had found it.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
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
        # The kernel hands SIGINT to any thread that does not block it, and only the main thread turns it
        # into KeyboardInterrupt: this thread, and every thread it starts, blocks it.
        with sigint_blocked():
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
    _leave_signals_to_python(readline)
    return readline


def _leave_signals_to_python(readline) -> None:
    """GNU readline installs its own SIGINT handler while it handles a key and acts on a Ctrl-C caught
    there only at the next key, so a Ctrl-C typed at that moment would seem ignored. Without it, Python's
    own handler always sees the signal (and InterruptWatch makes sure it is acted on)."""
    try:
        ctypes.c_int.in_dll(ctypes.CDLL(readline.__file__), "rl_catch_signals").value = 0
    except (OSError, ValueError, AttributeError):  # another readline (libedit): keep its behaviour
        pass


class InterruptWatch:
    """Ctrl-C at the prompt quits at once, whenever it comes.

    input() checks for signals only when its wait for a key is interrupted; a SIGINT arriving while readline
    is busy with a key is noted by Python and then waited on until the next key. This watcher learns of every
    signal through Python's wakeup fd and, until the main thread has acted on the Ctrl-C, interrupts that
    wait with a signal that does nothing else. Every other thread blocks SIGINT, so it reaches the main one.
    """

    NUDGE = getattr(signal, "SIGUSR1", None)
    NUDGE_EVERY_SECONDS = 0.05

    def __init__(self) -> None:
        self.handled = threading.Event()
        self._write_fd: int | None = None
        self._previous: tuple[int, Any] | None = None

    def __enter__(self) -> InterruptWatch:
        if self.NUDGE is None or threading.current_thread() is not threading.main_thread():
            return self
        read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._write_fd, False)
        self._previous = (signal.set_wakeup_fd(self._write_fd, warn_on_full_buffer=False),
                          signal.signal(self.NUDGE, lambda *_: None))
        watcher = threading.Thread(target=self._watch, args=(read_fd, threading.main_thread().ident),
                                   name="console-ctrl-c", daemon=True)
        with sigint_blocked():  # the watcher starts with SIGINT blocked
            watcher.start()
        return self

    def _watch(self, read_fd: int, main_thread: int) -> None:
        with os.fdopen(read_fd, "rb", buffering=0) as wakeups:
            while received := wakeups.read(512):
                if signal.SIGINT in received:
                    while not self.handled.wait(self.NUDGE_EVERY_SECONDS):
                        signal.pthread_kill(main_thread, self.NUDGE)

    def __exit__(self, *exc_info) -> None:
        self.handled.set()
        if self._previous is not None:
            signal.set_wakeup_fd(self._previous[0])
            signal.signal(self.NUDGE, self._previous[1])
            os.close(self._write_fd)  # the watcher reads the end of the pipe and finishes


class sigint_blocked:
    """Threads started inside inherit a signal mask without SIGINT."""

    def __enter__(self) -> None:
        self._blocked = hasattr(signal, "pthread_sigmask")
        if self._blocked:
            self._previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def __exit__(self, *exc_info) -> None:
        if self._blocked:
            signal.pthread_sigmask(signal.SIG_SETMASK, self._previous)
