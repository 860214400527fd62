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


# Bidi embeddings, overrides and isolates: in a title or a bot name they can make text read
# backwards (`evil\u202egnp.exe`). Message bodies keep them, for right-to-left languages.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{BIDI_CONTROLS}]")


def strip_bidi_controls(text: str) -> str:
    """Remove bidi overrides and isolates (for names and titles, not message bodies)."""
    return _BIDI.sub("", text)


def escape_unsafe_in_json(text: str) -> str:
    """JSON text with C1 controls, DEL and bidi controls written as \\uXXXX escapes: the same
    data for a parser, nothing a terminal acts on. (JSON already escapes C0 controls.)"""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def one_line(text: str, limit: int | None = None) -> str:
    """A safe single line (titles, bot names, descriptions in lists): no controls, no bidi overrides."""
    line = " ".join(strip_bidi_controls(strip_terminal_controls(text, keep_newlines=False)).split())
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
