"""Typed errors for every status, retry/back-off rules, the rate limiter, key hygiene."""

import asyncio
import json
import random
from pathlib import Path

import pytest

from poe_tui.client import (
    AuthenticationError,
    BadRequestError,
    ConnectError,
    InsufficientCreditsError,
    ModerationError,
    NotFoundError,
    PoeClient,
    RateLimiter,
    RateLimitError,
    RequestTimeoutError,
    RequestTooLargeError,
    Retrying,
    RetryPolicy,
    ServerError,
    TextDelta,
)
from poe_tui.client.errors import error_from_body
from poe_tui.emulator.faults import Fault

USER = [{"role": "user", "content": "hi"}]

STATUS_CASES = [
    (400, "invalid_request_error", BadRequestError),
    (401, "authentication_error", AuthenticationError),
    (402, "insufficient_credits", InsufficientCreditsError),
    (403, "moderation_error", ModerationError),
    (404, "not_found_error", NotFoundError),
    (408, "timeout_error", RequestTimeoutError),
    (413, "request_too_large", RequestTooLargeError),
    (429, "rate_limit_error", RateLimitError),
    (500, "provider_error", ServerError),
    (502, "upstream_error", ServerError),
    (503, "overloaded_error", ServerError),
    (529, "overloaded_error", ServerError),
]


@pytest.mark.parametrize("status,etype,cls", STATUS_CASES, ids=[str(c[0]) for c in STATUS_CASES])
async def test_each_status_gives_its_typed_error(emulator, api_key, status, etype, cls):
    emulator.state.inject(Fault(status=status, error_type=etype, message=f"service says {status}", times=10))
    async with PoeClient(api_key, base_url=emulator.base_url, retry=RetryPolicy(max_retries=0)) as client:
        with pytest.raises(cls) as info:
            async for _ in client.stream_chat("Demo-Markdown", USER):
                pass
    assert info.value.status == status
    assert info.value.message == f"service says {status}"
    assert info.value.type == etype
    assert info.value.hint


@pytest.mark.parametrize("code", ["model_not_found", 1234, None])
async def test_error_code_may_be_string_number_or_missing(emulator, api_key, code):
    emulator.state.inject(Fault(status=400, error_type="invalid_request_error", message="nope", code=code))
    async with PoeClient(api_key, base_url=emulator.base_url) as client:
        with pytest.raises(NotFoundError if code == "model_not_found" else BadRequestError) as info:
            await client.chat("Demo-Markdown", USER)
    assert info.value.code == code


async def test_html_error_page_from_cdn(emulator, api_key):
    emulator.state.inject(Fault(status=502, html=True, times=10, endpoint="balance"))
    async with PoeClient(api_key, base_url=emulator.base_url, retry=RetryPolicy(max_retries=0)) as client:
        with pytest.raises(ServerError) as info:
            await client.balance()
    assert info.value.status == 502
    assert "HTML" in info.value.message and "<" not in info.value.message


async def test_real_unknown_bot_is_not_found(client):
    with pytest.raises(NotFoundError) as info:
        async for _ in client.stream_chat("No-Such-Bot-xyz", USER):
            pass
    assert "No-Such-Bot-xyz" in info.value.message


async def test_bad_key_is_authentication_error(emulator):
    async with PoeClient("wrong-key", base_url=emulator.base_url) as client:
        with pytest.raises(AuthenticationError):
            await client.balance()


async def test_429_honours_retry_after_then_succeeds(client, emulator, sleeps):
    emulator.state.inject(Fault(status=429, error_type="rate_limit_error", message="slow down", retry_after="3"))
    events = [e async for e in client.stream_chat("Demo-Markdown", USER)]
    retries = [e for e in events if isinstance(e, Retrying)]
    assert len(retries) == 1 and retries[0].delay == 3.0 and isinstance(retries[0].error, RateLimitError)
    assert sleeps.delays == [3.0]
    assert any(isinstance(e, TextDelta) for e in events)
    assert len(emulator.state.chat_requests) == 2


async def test_529_backs_off_exponentially_with_jitter(client, emulator, sleeps):
    emulator.state.inject(Fault(status=529, error_type="overloaded_error", message="busy", times=3))
    events = [e async for e in client.stream_chat("Demo-Markdown", USER)]
    assert [e.attempt for e in events if isinstance(e, Retrying)] == [1, 2, 3]
    d1, d2, d3 = sleeps.delays
    assert 0.25 <= d1 <= 0.5 and 0.5 <= d2 <= 1.0 and 1.0 <= d3 <= 2.0
    assert any(isinstance(e, TextDelta) for e in events)


async def test_gives_up_after_max_retries(client, emulator, sleeps):
    emulator.state.inject(Fault(status=503, error_type="overloaded_error", message="down", times=10))
    with pytest.raises(ServerError):
        async for _ in client.stream_chat("Demo-Markdown", USER):
            pass
    assert len(sleeps.delays) == 3
    assert len(emulator.state.chat_requests) == 4


async def test_non_retryable_errors_are_not_retried(client, emulator, sleeps):
    emulator.state.inject(Fault(status=402, error_type="insufficient_credits", message="no points", times=5))
    with pytest.raises(InsufficientCreditsError):
        async for _ in client.stream_chat("Demo-Markdown", USER):
            pass
    assert sleeps.delays == []


async def test_never_retries_after_text_arrived(client, emulator, sleeps):
    emulator.state.inject(Fault(reply="one two three four five six", break_after=2))
    with pytest.raises(Exception):
        async for _ in client.stream_chat("Demo-Markdown", USER):
            pass
    assert sleeps.delays == [] and len(emulator.state.chat_requests) == 1


async def test_non_streaming_calls_retry_too(client, emulator, sleeps):
    emulator.state.inject(Fault(status=500, error_type="provider_error", message="oops", times=2))
    reply = await client.chat("Demo-Markdown", USER)
    assert reply.content and len(sleeps.delays) == 2


async def test_connect_error_is_typed_and_key_free():
    secret = "sk-very-secret-key-123"
    async with PoeClient(secret, base_url="http://127.0.0.1:9", retry=RetryPolicy(max_retries=0), connect_timeout=1) as client:
        with pytest.raises(ConnectError) as info:
            await client.balance()
    assert secret not in str(info.value) and secret not in repr(info.value)
    assert secret not in repr(client)


async def test_key_never_in_error_text(emulator, caplog):
    secret = "sk-another-secret-456"
    async with PoeClient(secret, base_url=emulator.base_url) as client:
        with pytest.raises(AuthenticationError) as info:
            async for _ in client.stream_chat("Demo-Markdown", USER):
                pass
    assert secret not in str(info.value) and secret not in repr(info.value.__dict__)
    assert secret not in caplog.text


def test_backoff_policy_bounds():
    policy = RetryPolicy(base_delay=1, max_delay=8, rng=random.Random(1))
    err = ServerError("x")
    for attempt in range(1, 8):
        ceiling = min(8, 2 ** (attempt - 1))
        assert ceiling / 2 <= policy.delay(attempt, err) <= ceiling
    limited = RateLimitError("x", retry_after=2.5)
    assert policy.delay(5, limited) == 2.5


async def test_rate_limiter_keeps_under_the_limit():
    now = [0.0]
    waits = []

    async def fake_sleep(d):
        waits.append(d)
        now[0] += d

    limiter = RateLimiter(limit=5, window=60, clock=lambda: now[0], sleep=fake_sleep)
    for _ in range(5):
        await limiter.acquire()
    assert waits == []
    now[0] = 10
    await limiter.acquire()
    assert waits == [50.0]
    assert now[0] == 60


async def test_client_limiter_throttles_real_requests(emulator, api_key):
    waits = []

    async def sleeps(delay):
        waits.append(delay)
        await asyncio.sleep(0.01)

    limiter = RateLimiter(limit=3, window=60, sleep=sleeps)
    async with PoeClient(api_key, base_url=emulator.base_url, limiter=limiter) as client:
        for _ in range(3):
            await client.balance()
        assert waits == []
        served = len(emulator.state.requests)
        # the fourth must wait for the window; stop it once it has asked to wait
        task = asyncio.create_task(client.balance())
        for _ in range(50):
            if waits:
                break
            await asyncio.sleep(0.01)
        task.cancel()
    assert waits and 59 < waits[0] <= 60
    assert len(emulator.state.requests) == served, "the throttled request never left"


def test_error_from_body_tolerates_garbage():
    assert isinstance(error_from_body(503, b""), ServerError)
    assert isinstance(error_from_body(418, b"not json"), Exception)
    e = error_from_body(400, json.dumps({"error": "plain string"}))
    assert isinstance(e, BadRequestError) and e.message == "plain string"
    e = error_from_body(404, json.dumps({"error": {"message": 5, "code": True}}))
    assert isinstance(e, NotFoundError) and e.code is None and e.message == "Not found"
