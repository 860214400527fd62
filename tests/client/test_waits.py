"""Silence, empty answers and long waits: each fails fast with a typed error that says what
happened (issue 9, items 7-10). Against the emulator over loopback."""

from __future__ import annotations

import asyncio
import time

import pytest

from poe_tui.client import (
    AuthenticationError,
    ConnectError,
    EmptyReply,
    FirstByteTimeout,
    IdleTimeout,
    InsufficientCreditsError,
    PoeClient,
    RateLimitError,
    RetryPolicy,
    StreamError,
    StreamInterrupted,
    StreamProgress,
    TextDelta,
    parse_models,
)
from poe_tui.client.errors import human_duration
from poe_tui.emulator.faults import Fault

USER = [{"role": "user", "content": "hi"}]
REPLY = "one two three four five six seven eight nine ten"


async def drain(client, model="Demo-Markdown", **kwargs):
    events = []
    async for event in client.stream_chat(model, USER, **kwargs):
        events.append(event)
    return events


def text_of(events):
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_a_silent_server_fails_after_the_first_byte_timeout(emulator, api_key):
    emulator.state.inject(Fault(delay=20))
    async with PoeClient(api_key, base_url=emulator.base_url, first_byte_timeout=0.5, idle_timeout=30) as client:
        started = time.monotonic()
        with pytest.raises(FirstByteTimeout) as info:
            await drain(client)
        took = time.monotonic() - started
    assert took < 3, f"gave up after {took:.1f} s"
    assert "nothing arrived" in info.value.message
    assert len(emulator.state.chat_requests) == 1, "a silent server is not asked again"


async def test_a_stall_mid_reply_fails_after_the_idle_timeout_keeping_the_count(emulator, api_key):
    emulator.state.inject(Fault(reply=REPLY, stall_after=3, stall_seconds=20))
    async with PoeClient(api_key, base_url=emulator.base_url, first_byte_timeout=30, idle_timeout=0.5) as client:
        events = []
        started = time.monotonic()
        with pytest.raises(IdleTimeout) as info:
            async for event in client.stream_chat("Demo-Markdown", USER):
                events.append(event)
        took = time.monotonic() - started
    kept = len(text_of(events))
    assert kept and took < 3
    assert f"{kept:,} characters were kept" in info.value.message
    assert isinstance(info.value, StreamInterrupted)  # recorded as interrupted, partial text kept


async def test_slow_bots_get_the_longer_first_byte_wait(emulator, api_key):
    async with PoeClient(api_key, base_url=emulator.base_url, first_byte_timeout=0.4, slow_first_byte_timeout=5) as client:
        bots = await client.list_models()
        slow = next(b for b in bots if b.slow_to_start)
        fast = next(b for b in bots if not b.slow_to_start)
        assert client.first_byte_timeout_for(slow.name) == 5
        assert client.first_byte_timeout_for(slow.id.upper()) == 5
        assert client.first_byte_timeout_for(fast.name) == 0.4
        emulator.state.inject(Fault(delay=1.0, model=slow.id, reply="late but fine"))
        events = await drain(client, slow.name)
    assert text_of(events) == "late but fine"


def test_media_and_reasoning_bots_are_slow_to_start():
    bots = parse_models({"data": [
        {"id": "img", "architecture": {"output_modalities": ["image"]}},
        {"id": "think", "reasoning": {"budget": None}},
        {"id": "chat", "architecture": {"output_modalities": ["text"]}},
    ]})
    assert [b.slow_to_start for b in bots] == [True, True, False]


async def test_progress_shows_the_wait_while_it_happens(emulator, api_key):
    emulator.state.inject(Fault(reply=REPLY, delay=0.6))
    progress = StreamProgress("Demo-Markdown", first_byte_timeout=10, idle_timeout=10)
    async with PoeClient(api_key, base_url=emulator.base_url) as client:
        seen = {}

        async def watch():
            await asyncio.sleep(0.3)
            seen["waiting"], seen["first"] = progress.waiting(), progress.first_data
            seen["same"] = client.progress is progress

        watcher = asyncio.create_task(watch())
        events = await drain(client, progress=progress)
        await watcher
    assert seen["first"] is None and 0.2 < seen["waiting"] < 0.6 and seen["same"]
    assert progress.first_data is not None and progress.chars == len(text_of(events)) and progress.ended
    assert progress.silent() < 5


async def test_balance_gives_up_in_seconds_retries_included(emulator, api_key):
    emulator.state.inject(Fault(endpoint="balance", status=500, delay=3, times=10))
    async with PoeClient(api_key, base_url=emulator.base_url, request_timeout=1.0) as client:
        started = time.monotonic()
        with pytest.raises(ConnectError, match="No answer"):
            await client.balance()
    assert time.monotonic() - started < 2.5


async def test_a_long_retry_after_fails_at_once_saying_when(emulator, api_key):
    emulator.state.inject(Fault(status=429, error_type="rate_limit_error", retry_after="3600"))
    emulator.state.inject(Fault(endpoint="balance", status=429, error_type="rate_limit_error", retry_after="5400"))
    slept = []

    async def sleep(seconds):
        slept.append(seconds)

    async with PoeClient(api_key, base_url=emulator.base_url, retry=RetryPolicy(max_retry_after=60), sleep=sleep) as client:
        with pytest.raises(RateLimitError) as info:
            await drain(client)
        with pytest.raises(RateLimitError, match="try again in 1 h 30 min"):
            await client.balance()
    assert str(info.value) == "rate limited: try again in 1 h" and slept == []
    assert len(emulator.state.chat_requests) == 1


@pytest.mark.parametrize(
    "seconds, words", [(0.2, "1 s"), (59, "59 s"), (61, "2 min"), (3600, "1 h"), (5400, "1 h 30 min")]
)
def test_human_duration(seconds, words):
    assert human_duration(seconds) == words


@pytest.mark.parametrize(
    "error_type, expected",
    [("insufficient_credits", InsufficientCreditsError), ("authentication_error", AuthenticationError), ("provider_error", StreamError)],
)
async def test_error_events_mid_stream_mean_what_their_status_means(emulator, api_key, error_type, expected):
    emulator.state.inject(Fault(reply=REPLY, error_after=2, error_type=error_type, message="nope", done_after_error=True))
    async with PoeClient(api_key, base_url=emulator.base_url, retry=RetryPolicy(max_retries=0)) as client:
        with pytest.raises(expected) as info:
            await drain(client)
    assert type(info.value) is expected and info.value.message == "nope"


async def test_a_stream_with_nothing_in_it_is_a_failure(emulator, api_key):
    body = "data: {not json\n\ndata: [DONE]\n\n"
    emulator.state.inject(Fault(body=body, headers={"content-type": "text/event-stream"}))
    async with PoeClient(api_key, base_url=emulator.base_url, retry=RetryPolicy(max_retries=0)) as client:
        with pytest.raises(EmptyReply, match="sent nothing"):
            await drain(client)


async def test_an_empty_reply_that_says_it_finished_is_still_complete(emulator, api_key):
    chunk = '{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}'
    emulator.state.inject(Fault(body=f"data: {chunk}\n\ndata: [DONE]\n\n", headers={"content-type": "text/event-stream"}))
    async with PoeClient(api_key, base_url=emulator.base_url) as client:
        events = await drain(client)
    assert text_of(events) == "" and events[-1].reason == "stop"
