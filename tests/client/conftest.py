import random

import pytest

from poe_tui.client import PoeClient, RetryPolicy


class SleepRecorder:
    """Records back-off delays instead of waiting them out (the HTTP still goes over the socket)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
async def client(emulator, api_key, sleeps):
    async with PoeClient(
        api_key,
        base_url=emulator.base_url,
        read_timeout=5.0,
        retry=RetryPolicy(max_retries=3, rng=random.Random(7)),
        sleep=sleeps,
    ) as c:
        yield c
