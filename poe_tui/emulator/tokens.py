"""What the emulator calls a token: a word-ish piece of at most four letters or digits, or one symbol.

One definition serves usage numbers, streamed chunk boundaries, max_tokens and points, so they
always agree: a reply streamed as N text pieces reports N completion tokens.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w{1,4}|[^\w\s]")
_PIECE = re.compile(r"\s*(?:\w{1,4}|[^\w\s])")


def count_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def split_pieces(text: str) -> list[str]:
    """Cut text into one-token pieces (leading whitespace attached) that join back to it exactly."""
    pieces = _PIECE.findall(text)
    tail = text[sum(map(len, pieces)):]
    if tail:
        if pieces:
            pieces[-1] += tail
        else:
            pieces = [tail]
    return pieces


def truncate(text: str, max_tokens: int) -> str:
    return "".join(split_pieces(text)[:max_tokens])
