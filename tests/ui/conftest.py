"""Fixtures for the TUI tests: an app wired to the emulator, a fixed clock, a memory clipboard.

Deterministic on purpose (snapshots rely on it): UTC, a fixed clock for stored times, a fixed
theme, no cursor blink, and a 120x40 terminal unless a test says otherwise.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import pytest

FIXED_START = 1_767_225_600.0  # 2026-01-01 00:00 UTC
SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def _no_typing_left_over(monkeypatch):
    """What keystrokes holds is module state: one test's held redraws must not reach the next."""
    from poe_tui.tui import keystrokes

    monkeypatch.setattr(keystrokes, "_last_key", 0.0)
    monkeypatch.setattr(keystrokes, "_held", {})
    monkeypatch.setattr(keystrokes, "_gaps", [])


class FixedClock:
    """Each reading is a second after the previous one: stable, and ordered."""

    def __init__(self, start: float = FIXED_START) -> None:
        self._counter = itertools.count()
        self.start = start

    def __call__(self) -> float:
        return self.start + next(self._counter)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def clipboard():
    from poe_tui.tui.clipboard import MemoryBackend

    return MemoryBackend("test clipboard")


@pytest.fixture
def make_app(emulator, api_key, tmp_path, clock, clipboard) -> Callable[..., object]:
    """Build a PoeApp against the emulator, its history in tmp_path."""
    from poe_tui.config import Settings
    from poe_tui.runtime import Runtime
    from poe_tui.store import Store
    from poe_tui.tui.app import PoeApp
    from poe_tui.tui.clipboard import Clipboard

    def make(*, key: str | None = api_key, bot: str = "Demo-Markdown", keys: dict | None = None, theme: str = "poe-dark", db=None, seed=None,
             real_time: bool = False):
        """`real_time`: stored times are the wall clock's, as the emulator's points history is."""
        store_clock = time.time if real_time else clock
        settings = Settings(api_key=key, base_url=emulator.base_url, default_bot=bot, keys=keys or {}, theme=theme, max_retries=2)
        runtime = Runtime(settings=settings)
        path = db or tmp_path / "history.db"
        if seed is not None:
            with Store(path, clock=store_clock) as store:
                seed(store)
        app = PoeApp(runtime, clipboard=Clipboard([clipboard]), open_store=lambda: Store(path, clock=store_clock), remember_theme=False)
        return app

    return make
