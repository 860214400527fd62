"""When the user last typed, and when streaming replies may redraw meanwhile.

Each redraw of a streaming reply costs a frame, and one that changes a height relayouts the
screen (20-40 ms with replies side by side); a key that lands behind it waits that long. So while
keys come in, replies hold their redraws (and their ends, `gap`), and the held ones go together
just after a key's echo reaches the screen: the gap before the next key is the one moment in
which nobody waits, and one relayout for all the replies costs less than one each. Nothing is held
much longer than MAX_DEFER.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

GRACE = 0.2  # seconds after a key during which streaming replies hold their redraws...
MAX_DEFER = 1.0  # ...all of them going, after an echo, once one has waited this long

_last_key = 0.0
_held: dict[object, tuple[float, Callable[[], None]]] = {}  # holder -> (its last redraw, redraw)
_gaps: list[tuple[float, asyncio.Future[None]]] = []  # `gap` calls waiting, since when


def typed() -> None:
    global _last_key
    _last_key = time.monotonic()


def typing() -> bool:
    """Did a key come in so recently that another is likely on its way?"""
    return time.monotonic() - _last_key < GRACE


def hold(holder: object, last_update: float, redraw: Callable[[], None]) -> bool:
    """Must `holder`, which last redrew at `last_update`, hold its redraw now? If so, `redraw` is
    called after a later echo (or the holder's own timer finds typing over)."""
    if not typing():
        _held.pop(holder, None)
        return False
    _held[holder] = (last_update, redraw)
    return True


def release(holder: object) -> None:
    """`holder` is gone, or no longer streaming."""
    _held.pop(holder, None)


def echoed() -> None:
    """A typed key is on screen (called after the frame that shows it): if anything has waited
    MAX_DEFER, everything held goes now, in one frame."""
    now = time.monotonic()
    oldest = min([last for last, _ in _held.values()] + [since for since, _ in _gaps], default=now)
    if now - oldest >= MAX_DEFER:
        release_all()


def ends_held() -> bool:
    """Is a reply's end waiting for a gap between keys?"""
    return bool(_gaps)


def release_all() -> None:
    """Everything held goes now."""
    redraws = [redraw for _, redraw in _held.values()]
    _held.clear()
    for redraw in redraws:
        redraw()
    for _, waiting in _gaps:
        if not waiting.done():
            waiting.set_result(None)
    _gaps.clear()


async def gap() -> None:
    """Wait for a moment between keys: now if nobody is typing, else until the held redraws go
    (or typing stops). For one-off changes that relayout, like a reply's end."""
    if not typing():
        return
    waiting = asyncio.get_running_loop().create_future()
    entry = (time.monotonic(), waiting)
    _gaps.append(entry)
    try:
        while typing() and not waiting.done():
            await asyncio.wait([waiting], timeout=0.05)
    finally:
        if entry in _gaps:
            _gaps.remove(entry)
