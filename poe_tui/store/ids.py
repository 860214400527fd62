"""Short, lowercase, time-sortable ids: 10 base32 chars of milliseconds + 4 random chars.

Crockford's alphabet (no i, l, o, u) keeps them easy to read aloud and type.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
TIME_CHARS = 10
RANDOM_CHARS = 4
ID_LENGTH = TIME_CHARS + RANDOM_CHARS
MIN_PREFIX = 4


def _encode(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def new_id(clock: Callable[[], float]) -> str:
    """A fresh id whose first 10 chars sort by the clock's milliseconds."""
    ms = max(0, int(clock() * 1000)) & ((1 << (5 * TIME_CHARS)) - 1)
    return _encode(ms, TIME_CHARS) + _encode(secrets.randbits(5 * RANDOM_CHARS), RANDOM_CHARS)


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (for a range scan)."""
    return prefix + "\U0010ffff"
