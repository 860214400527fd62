"""Back-off with jitter for retryable failures, and a client-side request-rate limiter.

Poe allows 500 requests a minute per key; the limiter keeps a client under that instead of
collecting 429s.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from poe_tui.client.errors import PoeError
from poe_tui.config import MAX_RETRY_AFTER


@dataclass
class RetryPolicy:
    max_retries: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = MAX_RETRY_AFTER  # a longer Retry-After fails at once, saying when to come back
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, error: PoeError) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        if error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)  # should_retry refuses longer waits
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)  # "equal jitter": never zero, never in lock-step

    def wait_too_long(self, error: PoeError) -> bool:
        return error.retry_after is not None and error.retry_after > self.max_retry_after

    def should_retry(self, attempt: int, error: PoeError) -> bool:
        return error.retryable and attempt <= self.max_retries and not self.wait_too_long(error)


class RateLimiter:
    """Sliding window: at most `limit` acquisitions in any `window` seconds."""

    def __init__(
        self,
        limit: int = 500,
        window: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                while self._stamps and now - self._stamps[0] >= self.window:
                    self._stamps.popleft()
                if len(self._stamps) < self.limit:
                    self._stamps.append(now)
                    return
                await self._sleep(self.window - (now - self._stamps[0]))
