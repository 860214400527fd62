"""While the user types, streaming replies hold their screen updates (up to a limit), and take
turns: a key never lands behind several replies' redraws at once."""

from __future__ import annotations

import time

from poe_tui.tui import keystrokes


def test_typing_holds_updates_for_a_while_then_lets_one_through_at_a_time(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(keystrokes, "_last_turn", 0.0)
    monkeypatch.setattr(keystrokes, "_last_key", 0.0)
    long_ago = lambda: clock[0] - keystrokes.MAX_DEFER - 0.01  # noqa: E731
    assert keystrokes.may_update(last_update=999.0)  # nobody typing: update freely
    keystrokes.typed()
    clock[0] += 0.05
    assert not keystrokes.may_update(last_update=999.9)  # just typed, updated recently: hold
    assert keystrokes.may_update(last_update=long_ago())  # held long enough: one goes
    assert not keystrokes.may_update(last_update=long_ago())  # the next waits its turn
    clock[0] += keystrokes.TURN + 0.01
    keystrokes.typed()
    assert keystrokes.may_update(last_update=long_ago())
    clock[0] += keystrokes.GRACE + 0.01
    assert keystrokes.may_update(last_update=clock[0])  # typing stopped: back to every tick
