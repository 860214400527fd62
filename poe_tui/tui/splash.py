"""The first frame, painted before Textual is imported.

Importing Textual alone takes ~0.35 s on a small machine; rather than show a blank terminal for
that long, draw the app's skeleton (sidebar, prompt, footer with the cached bot and balance)
with a few escape sequences, then let Textual take over the same alternate screen and repaint.
Nothing here may import Textual, httpx or anything else heavy.

From the start (`hold_keys`, called whether or not a frame is painted), the terminal is put in
the mode Textual will use (no echo, no line editing, Enter as \r): keys typed now wait in the
terminal's input queue as they were typed, for Textual to read, instead of being echoed over
the frame and held as a cooked line.
"""

from __future__ import annotations

import os
import sys
import termios
import time

from poe_tui.textsafe import one_line

SIDEBAR = 38  # the app's #sidebar: 40% of the width, 38 to 60 columns
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


def _at(row: int, col: int, text: str) -> str:
    return f"\x1b[{row};{col}H{text}"


def frame(width: int, height: int, bot: str, balance: int | None) -> str:
    """The skeleton as one string of escape sequences (1-based rows and columns)."""
    sidebar = max(SIDEBAR, min(60, width * 40 // 100))
    right = sidebar + 2
    out = ["\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J"]
    for row in range(1, height):
        out.append(_at(row, sidebar + 1, _DIM + "▕" + _RESET))
    out.append(_at(2, 3, _DIM + "Search bots, or type any bot's name" [: sidebar - 4] + _RESET))
    out.append(_at(4, 4, _DIM + "loading bots…" + _RESET))
    mid = max(3, height // 2 - 2)
    out.append(_at(mid, right + 2, _BOLD + "poe-tui" + _RESET))
    out.append(_at(mid + 2, right + 2, _DIM + "starting…" + _RESET))
    prompt_row = height - 3
    out.append(_at(prompt_row, right, _DIM + "▔" * max(0, width - right) + _RESET))
    out.append(_at(prompt_row + 1, right + 2, _DIM + "Message the bot (Enter sends, ctrl+j new line, / for commands)"[: max(0, width - right - 3)] + _RESET))
    points = f"{balance:,} points" if balance is not None else "balance …"
    footer = f" ● {one_line(bot, 40)}  │  {points}"
    out.append(_at(height, 1, footer[: width - 1]))
    return "".join(out)


def paint(bot: str, balance: int | None) -> bool:
    """Draw the skeleton on a real terminal; False (nothing drawn) anywhere else."""
    if os.environ.get("POE_TUI_NO_SPLASH") or not sys.stdout.isatty():
        return False
    import shutil

    size = shutil.get_terminal_size((0, 0))
    if size.columns < 60 or size.lines < 12:
        return False
    sys.stdout.write(frame(size.columns, size.lines, bot, balance))
    sys.stdout.flush()
    marker = os.environ.get("POE_TUI_FIRST_FRAME")
    if marker:  # bench/tui_startup.py
        with open(marker + ".splash", "w") as fh:
            fh.write(repr(time.time()))
    return True


_saved_mode: list | None = None


def hold_keys() -> None:
    """Stop the terminal echoing and cooking typed keys until Textual takes over (`release_keys` undoes it)."""
    global _saved_mode
    try:
        fd = sys.stdin.fileno()
        if not os.isatty(fd):
            return
        mode = termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):
        return
    raw = [*mode[:6], list(mode[6])]
    raw[0] &= ~(termios.ICRNL | termios.INLCR | termios.IGNCR | termios.IXON | termios.IXOFF)
    raw[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN)
    raw[6][termios.VMIN], raw[6][termios.VTIME] = 1, 0
    try:
        termios.tcsetattr(fd, termios.TCSANOW, raw)  # TCSANOW: keys typed so far stay queued
    except termios.error:
        return
    if _saved_mode is None:
        _saved_mode = mode


def release_keys() -> None:
    """Put back the terminal mode from before the splash (Textual restores only the mode it found)."""
    global _saved_mode
    if _saved_mode is None:
        return
    try:
        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, _saved_mode)
    except (OSError, ValueError, termios.error):
        pass
    _saved_mode = None


def undo() -> None:
    """Give the terminal back if the app never started (e.g. the import failed)."""
    release_keys()
    sys.stdout.write("\x1b[?25h\x1b[?1049l")
    sys.stdout.flush()
