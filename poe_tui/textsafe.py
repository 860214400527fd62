"""Untrusted text (bot replies, bot names, error messages) made safe for a terminal.

Bots can emit ESC sequences that would move the cursor, retitle the window, or write the
clipboard (OSC 52). Everything we print or render goes through here first.
"""

from __future__ import annotations

import re

# CSI ... final byte, OSC ... BEL/ST, DCS/SOS/PM/APC ... ST, two-byte ESC sequences, and the
# 8-bit C1 forms of the same.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?          # CSI
  | (?:\x1b\]|\x9d).*?(?:\x07|\x1b\\|\x9c|$)    # OSC
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]).*?(?:\x1b\\|\x9c|$)  # DCS, SOS, PM, APC
  | \x1b[ -/]*[0-~]?                           # other ESC sequences (and a lone ESC)
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 controls except tab and newline, DEL, and the remaining C1 controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_terminal_controls(text: str, *, keep_newlines: bool = True) -> str:
    """Remove escape sequences and control characters; \r\n becomes \n, a lone \r goes."""
    text = _ESCAPES.sub("", text)
    text = text.replace("\r\n", "\n")
    text = _CONTROLS.sub("", text)
    if not keep_newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def one_line(text: str, limit: int | None = None) -> str:
    """A safe single line (titles, bot names, descriptions in lists)."""
    line = " ".join(strip_terminal_controls(text, keep_newlines=False).split())
    if limit is not None and len(line) > limit:
        line = line[: max(0, limit - 1)] + "…"
    return line


_COMPLETE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]
  | (?:\x1b\]|\x9d).*?(?:\x07|\x1b\\|\x9c)
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]).*?(?:\x1b\\|\x9c)
  | \x1b[ -/]*[0-OQ-WYZ\\`a-~]               # two-byte forms, not the introducers above
    """,
    re.VERBOSE | re.DOTALL,
)
_INTRODUCERS = "\x1b\x9b\x9d\x90\x98\x9e\x9f"
MAX_HELD = 4096  # an "escape sequence" longer than this is garbage: drop it


class StreamSanitizer:
    """strip_terminal_controls for text that arrives in pieces: a sequence cut across two
    chunks (ESC in one, `]52;c;...` in the next) is held back until it is complete, then dropped."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, text: str) -> str:
        text = self._held + text
        self._held = ""
        cut = max(text.rfind(ch) for ch in _INTRODUCERS)
        if cut >= 0 and not _COMPLETE.match(text, cut) and len(text) - cut < MAX_HELD:
            text, self._held = text[:cut], text[cut:]
        if text.endswith("\r"):  # maybe half of \r\n
            text, self._held = text[:-1], "\r" + self._held
        return strip_terminal_controls(text)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return strip_terminal_controls(held)
