"""Fixtures for store tests: a real SQLite file in tmp_path and a clock that ticks one second a call."""

from __future__ import annotations

import pytest

from poe_tui.store import Store


class Clock:
    """Deterministic time: each call returns the previous value plus `step`."""

    def __init__(self, start: float = 1_700_000_000.0, step: float = 1.0) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "poe-tui" / "history.db"


@pytest.fixture
def store(db_path, clock):
    s = Store(db_path, clock=clock)
    yield s
    s.close()
