"""The installed `poe-tui` in a real pseudo-terminal, its screen read by a terminal emulator (pyte).

A pilot test talks to widgets; this talks to a terminal, as a person does: bytes typed into a pty,
one key at a time or as one burst, and the screen read back as rows of text. Nothing here knows
about Textual. A reader thread feeds every byte the app writes to `pyte` and keeps a raw copy, so
a test can also look at what was written (say, the sequences that give the terminal back).
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import ptyprocess
import pyte

POE_TUI = str(Path(sys.executable).with_name("poe-tui"))
ESC_GAP = 0.25  # seconds after a lone Esc before the next key
DEFAULT_TIMEOUT = 15.0  # generous: the CI box has 2 shared cores

# What a key sends on an xterm (the names follow Textual's key names).
KEYS: dict[str, str] = {
    "enter": "\r",
    "escape": "\x1b",
    "backspace": "\x7f",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "alt+left": "\x1b[1;3D",
    "alt+right": "\x1b[1;3C",
    "ctrl+up": "\x1b[1;5A",
    "ctrl+down": "\x1b[1;5B",
    "ctrl+home": "\x1b[1;5H",
    "ctrl+end": "\x1b[1;5F",
    "shift+pageup": "\x1b[5;2~",
    "shift+pagedown": "\x1b[6;2~",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "delete": "\x1b[3~",
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
}
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")


def key_bytes(name: str) -> str:
    """The bytes for a key name: 'enter', 'escape', 'f1', 'ctrl+x', or a single character."""
    if name in KEYS:
        return KEYS[name]
    if name.startswith("ctrl+") and len(name) == 6:
        return chr(ord(name[-1].lower()) & 0x1F)
    if len(name) == 1:
        return name
    raise ValueError(f"unknown key {name!r}")


def strip_escapes(text: str) -> str:
    return _ESCAPES.sub("", text)


def app_env(config_home: Path, data_home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment of our own: XDG dirs given, a plain xterm, no POE_* from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POE_", "TEXTUAL", "PYTEST"))}
    env.update(
        XDG_CONFIG_HOME=str(config_home),
        XDG_DATA_HOME=str(data_home),
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        TZ="UTC",
    )
    env.pop("NO_COLOR", None)
    env.pop("TMUX", None)
    env.update(extra or {})
    return env


class Terminal:
    """One program in a pty of `cols` x `rows`, with its screen as pyte sees it."""

    def __init__(self, argv: Sequence[str], *, cols: int = 120, rows: int = 40,
                 env: Mapping[str, str] | None = None, cwd: str | os.PathLike | None = None) -> None:
        self.argv = list(argv)
        self.cols, self.rows = cols, rows
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.raw = bytearray()
        self.proc = ptyprocess.PtyProcess.spawn(self.argv, dimensions=(rows, cols), env=dict(env or os.environ),
                                                cwd=str(cwd) if cwd else None)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    # -- output ------------------------------------------------------------------------------

    def _read(self) -> None:
        fd = self.proc.fd
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the child closed its end
                data = b""
            with self._changed:
                if data:
                    self.raw += data
                    self._stream.feed(data)
                self._changed.notify_all()
            if not data:
                return

    @property
    def lines(self) -> list[str]:
        """The screen's rows, right-trimmed."""
        with self._lock:
            return [line.rstrip() for line in self.screen.display]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def row_with(self, needle: str) -> int | None:
        """The index of the first row holding `needle`, or None."""
        return next((i for i, line in enumerate(self.lines) if needle in line), None)

    def line_with(self, needle: str) -> str | None:
        i = self.row_with(needle)
        return None if i is None else self.lines[i]

    @property
    def cursor(self) -> tuple[int, int]:
        with self._lock:
            return self.screen.cursor.x, self.screen.cursor.y

    def raw_text(self, start: int = 0) -> str:
        with self._lock:
            return bytes(self.raw[start:]).decode("utf-8", "replace")

    def wait_for(self, what: str | Callable[[Terminal], object], timeout: float = DEFAULT_TIMEOUT,
                 *, gone: bool = False) -> object:
        """Wait until the screen shows `what` (text, or a predicate on this terminal that returns a
        true value); with gone=True, until it no longer shows it. Fails with the screen on timeout."""
        check = (lambda t: what in t.text) if isinstance(what, str) else what
        deadline = time.monotonic() + timeout
        while True:
            result = check(self)
            if (not result) if gone else result:
                return result if not gone else True
            left = deadline - time.monotonic()
            if left <= 0:
                state = "still shows" if gone else "never showed"
                raise AssertionError(f"the screen {state} {what!r} within {timeout} s:\n{self.dump()}")
            with self._changed:
                self._changed.wait(min(left, 0.05))

    def settle(self, quiet: float = 0.25, timeout: float = 5.0) -> None:
        """Wait until nothing has been written for `quiet` seconds (the app has caught up).
        Keep `quiet` under the cursor's blink (0.5 s), which repaints for ever."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            size = len(self.raw)
            time.sleep(quiet)
            if len(self.raw) == size:
                return

    def dump(self) -> str:
        lines = self.lines
        return "\n".join(f"{i:2}|{line}" for i, line in enumerate(lines))

    # -- input -------------------------------------------------------------------------------

    def write(self, data: str | bytes) -> None:
        """One write to the pty: what a fast typist or a paste delivers in one read."""
        self.proc.write(data.encode() if isinstance(data, str) else data)

    def type(self, text: str, delay: float = 0.04) -> None:
        """Type as a person does: one character at a time, `delay` seconds apart."""
        for ch in text:
            self.write(ch)
            time.sleep(delay)

    def burst(self, *parts: str) -> None:
        """Text and keys (as `key_bytes` names wrapped in <>, e.g. '<enter>') sent in one write."""
        self.write("".join(_expand(p) for p in parts))

    def press(self, *keys: str, delay: float = 0.08) -> None:
        """Press keys one after another ('enter', 'escape', 'ctrl+r', 'f1', ...). After a lone Esc
        the next key waits a little, as a person's would: an Esc followed at once by a key reads as
        alt+that key (the terminal sends both the same way)."""
        for key in keys:
            self.write(key_bytes(key))
            time.sleep(max(delay, ESC_GAP) if key == "escape" else delay)

    def resize(self, cols: int, rows: int) -> None:
        """Resize the terminal, as dragging the window's edge does (the app gets SIGWINCH)."""
        with self._lock:
            self.cols, self.rows = cols, rows
            self.screen.resize(rows, cols)
        self.proc.setwinsize(rows, cols)

    # -- the end -----------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self.proc.isalive()

    def wait_exit(self, timeout: float = DEFAULT_TIMEOUT) -> int | None:
        """Wait for the program to exit and its output to drain; its exit status (None if killed)."""
        deadline = time.monotonic() + timeout
        while self.proc.isalive():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.argv[0]} did not exit within {timeout} s:\n{self.dump()}")
            time.sleep(0.02)
        self._reader.join(max(0.1, deadline - time.monotonic()))
        return self.proc.exitstatus

    def signal(self, sig: int) -> None:
        os.kill(self.proc.pid, sig)

    def tracebacks(self) -> list[str]:
        """Lines that look like a Python traceback or an uncaught error, in what was written once
        the app left the alternate screen (where Python and Textual print them), or anywhere if it
        never did. A reply on screen that quotes "ValueError:" is not one."""
        with self._lock:
            raw = bytes(self.raw)
        left = raw.find(b"\x1b[?1049l")
        text = strip_escapes((raw[left:] if left >= 0 else raw).decode("utf-8", "replace"))
        return [line.strip() for line in text.splitlines()
                if "Traceback" in line or re.search(r"\b[A-Z]\w+(Error|Exception|NoMatches)\b:", line)]

    def quit(self, key: str = "ctrl+q", timeout: float = DEFAULT_TIMEOUT) -> int | None:
        """Quit as a person does and fail if anything like a traceback was written."""
        if self.alive:
            self.press(key)
        status = self.wait_exit(timeout)
        found = self.tracebacks()
        assert not found, "the app wrote a traceback:\n" + "\n".join(found[:20]) + "\n" + self.raw_tail()
        return status

    def raw_tail(self, n: int = 3000) -> str:
        return strip_escapes(self.raw_text()[-n:])

    def close(self) -> None:
        """Make sure the child is gone (a test that failed may leave it running)."""
        if self.proc.isalive():
            try:
                self.proc.kill(signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        try:
            self.proc.close(force=True)
        except OSError:
            pass


def _expand(part: str) -> str:
    """'<enter>' → '\r', '<ctrl+x>' → '\x18'; anything else as it is."""
    return re.sub(r"<([a-z0-9+]+)>", lambda m: key_bytes(m.group(1)), part)


def launch(*args: str, cols: int = 120, rows: int = 40, config_home: Path, data_home: Path,
           env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Terminal:
    """Start the installed `poe-tui ARGS` in a pty (in `cwd`, where exports land)."""
    return Terminal([POE_TUI, *args], cols=cols, rows=rows, env=app_env(config_home, data_home, env), cwd=cwd)
