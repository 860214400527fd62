"""When the user last typed. Streaming replies yield the screen to typing for a moment: each of
their updates costs a frame, and a key that lands behind one waits for it. While typing goes on,
they update in turn, one at a time, so several columns never land in the same frame."""

from __future__ import annotations

import time

GRACE = 0.2  # seconds after a key during which streaming replies hold their updates...
MAX_DEFER = 0.6  # ...but each never longer than this since its last one
TURN = 0.1  # and while typing, one reply's update at most this often

_last_key = 0.0
_last_turn = 0.0


def typed() -> None:
    global _last_key
    _last_key = time.monotonic()


def may_update(last_update: float) -> bool:
    """May a streaming reply, last updated at `last_update`, draw its new text now?"""
    global _last_turn
    now = time.monotonic()
    if now - _last_key >= GRACE:
        return True
    if now - last_update < MAX_DEFER or now - _last_turn < TURN:
        return False
    _last_turn = now
    return True
