"""The store for async callers: every call runs on one dedicated thread, never on the event loop.

SQLite can wait seconds on a lock another process holds (`poe-tui ask` in a second terminal, a
backup tool); on the event loop that wait froze typing. One thread, not a pool, keeps the calls in
the order they were made, so a write is never overtaken by the read that follows it.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from .store import Store

T = TypeVar("T")


class AsyncStore:
    """`await astore.method(...)` for every `Store` method; `run(fn)` for a group of calls."""

    def __init__(self, store: Store) -> None:
        self.sync = store
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="poe-store")
        self._closed = False

    async def run(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Run `fn(*args, **kwargs)` on the store's thread and wait for it without blocking."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, functools.partial(fn, *args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.sync, name)
        if not callable(method):
            return method

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await self.run(method, *args, **kwargs)

        call.__name__ = name
        setattr(self, name, call)  # built once per method
        return call

    @property
    def clock(self) -> Any:
        return self.sync.clock

    def close(self) -> None:
        """Let queued calls finish (they may be the last writes of a reply), then close."""
        if self._closed:
            return
        self._closed = True
        self._thread.shutdown(wait=True)
        self.sync.close()
