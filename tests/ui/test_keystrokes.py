"""While the user types, streaming replies hold their redraws; the held ones go together just
after a key's echo, once one has waited long enough; one-off relayouts wait for such a gap."""

from __future__ import annotations

import asyncio
import time

import pytest

from poe_tui.tui import keystrokes


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    return now


def test_typing_holds_redraws_then_an_echo_lets_them_all_go_together(clock):
    drawn: list[str] = []
    assert not keystrokes.hold("a", 999.0, lambda: drawn.append("a"))  # nobody typing: draw now
    keystrokes.typed()
    clock[0] += 0.05
    assert keystrokes.hold("a", clock[0] - 0.1, lambda: drawn.append("a"))
    assert keystrokes.hold("b", clock[0] - 0.01, lambda: drawn.append("b"))
    keystrokes.echoed()
    assert drawn == []  # nobody has waited long
    clock[0] += keystrokes.MAX_DEFER
    keystrokes.typed()
    keystrokes.echoed()
    assert sorted(drawn) == ["a", "b"]  # both at once, in the gap after the echo
    keystrokes.echoed()
    assert len(drawn) == 2  # once each


def test_a_released_holder_is_not_redrawn_and_typing_stopped_draws_freely(clock):
    drawn: list[str] = []
    keystrokes.typed()
    assert keystrokes.hold("gone", 0.0, lambda: drawn.append("gone"))
    keystrokes.release("gone")
    keystrokes.echoed()
    assert drawn == []
    clock[0] += keystrokes.GRACE + 0.01
    assert not keystrokes.hold("a", clock[0], lambda: drawn.append("a"))


async def test_a_gap_waits_for_the_held_redraws_to_go_or_for_typing_to_stop(monkeypatch):
    monkeypatch.setattr(keystrokes, "MAX_DEFER", 0.1)
    monkeypatch.setattr(keystrokes, "GRACE", 0.3)
    await asyncio.wait_for(keystrokes.gap(), 0.05)  # nobody typing: at once
    keystrokes.typed()
    waiting = asyncio.ensure_future(keystrokes.gap())
    await asyncio.sleep(0.02)
    keystrokes.echoed()
    await asyncio.sleep(0.02)
    assert not waiting.done()  # it has not waited long: the next echo may bring company
    await asyncio.sleep(0.1)
    keystrokes.typed()
    keystrokes.echoed()
    await asyncio.wait_for(waiting, 0.05)
    keystrokes.typed()
    waiting = asyncio.ensure_future(keystrokes.gap())
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await asyncio.wait_for(waiting, 0.5)  # no echo comes: typing counts as stopped after GRACE
