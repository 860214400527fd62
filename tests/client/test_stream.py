"""Streaming: every tolerance POE_API.md lists, against the emulator over loopback."""

import asyncio

import pytest

from poe_tui.client import (
    Finish,
    ReasoningDelta,
    StreamError,
    StreamInterrupted,
    TextDelta,
    Usage,
)
from poe_tui.emulator.faults import Fault

USER = [{"role": "user", "content": "Hello there"}]
REPLY = "Héllo wörld — 日本語 テキスト 🎉🎉 and more words to split into many chunks."


async def collect(client, model="Demo-Markdown", messages=USER, params=None):
    events = []
    async for event in client.stream_chat(model, messages, params):
        events.append(event)
    return events


def text_of(events):
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def reasoning_of(events):
    return "".join(e.text for e in events if isinstance(e, ReasoningDelta))


async def test_stream_matches_non_streaming_reply(client):
    events = await collect(client)
    reply = await client.chat("Demo-Markdown", USER)
    assert text_of(events) == reply.content
    assert len([e for e in events if isinstance(e, TextDelta)]) > 5
    assert isinstance(events[-1], Finish) and events[-1].reason == "stop"
    usage = [e for e in events if isinstance(e, Usage)]
    assert usage and usage[-1].completion_tokens == reply.completion_tokens
    assert usage[-1].total_tokens == usage[-1].prompt_tokens + usage[-1].completion_tokens


@pytest.mark.parametrize(
    "fault",
    [
        Fault(reply=REPLY, role_first=True),
        Fault(reply=REPLY, change_ids=True),
        Fault(reply=REPLY, usage_mode="final_chunk"),
        Fault(reply=REPLY, usage_mode="separate_chunk"),
        Fault(reply=REPLY, usage_mode="null_every"),
        Fault(reply=REPLY, ping=True),
        Fault(reply=REPLY, crlf=True),
        Fault(reply=REPLY, split_bytes=True),
        Fault(reply=REPLY, empty_deltas=True),
        Fault(reply=REPLY, malformed=True),
        Fault(reply=REPLY, crlf=True, split_bytes=True, ping=True, change_ids=True, empty_deltas=True),
    ],
    ids=lambda f: ",".join(k for k, v in vars(f).items() if v not in (None, False, REPLY) and k not in ("times",)) or "default",
)
async def test_stream_tolerances(client, emulator, fault):
    emulator.state.inject(fault)
    events = await collect(client)
    assert text_of(events) == REPLY
    assert isinstance(events[-1], Finish)
    if fault.usage_mode != "none":
        usage = [e for e in events if isinstance(e, Usage) and e.total_tokens]
        assert usage, "usage must be read wherever it comes"


async def test_stream_without_usage_still_completes(client, emulator):
    emulator.state.inject(Fault(reply=REPLY, usage_mode="none"))
    events = await collect(client)
    assert text_of(events) == REPLY
    assert not [e for e in events if isinstance(e, Usage) and e.total_tokens]
    assert isinstance(events[-1], Finish)


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning", "both"])
async def test_reasoning_fields(client, emulator, field):
    emulator.state.inject(Fault(reply="The answer is 42.", reasoning="Let me think: six times seven.", reasoning_field=field))
    events = await collect(client, "Demo-Reasoner")
    assert reasoning_of(events) == "Let me think: six times seven."
    assert text_of(events) == "The answer is 42."
    first_reasoning = next(i for i, e in enumerate(events) if isinstance(e, ReasoningDelta))
    first_text = next(i for i, e in enumerate(events) if isinstance(e, TextDelta))
    assert first_reasoning < first_text


async def test_inline_thinking_stays_in_text(client, emulator):
    emulator.state.inject(Fault(reply="Done.", reasoning="hmm", reasoning_field="inline"))
    events = await collect(client, "Demo-Reasoner")
    assert "hmm" in text_of(events) and text_of(events).endswith("Done.")
    assert reasoning_of(events) == ""


async def test_error_event_mid_stream(client, emulator):
    emulator.state.inject(Fault(reply=REPLY, error_after=3, done_after_error=True))
    events = []
    with pytest.raises(StreamError) as info:
        async for event in client.stream_chat("Demo-Markdown", USER):
            events.append(event)
    assert text_of(events) and REPLY.startswith(text_of(events))
    assert info.value.message
    assert len(emulator.state.chat_requests) == 1, "no retry once text has arrived"


async def test_break_mid_stream_is_interrupted(client, emulator):
    emulator.state.inject(Fault(reply=REPLY, break_after=4))
    events = []
    with pytest.raises(StreamInterrupted):
        async for event in client.stream_chat("Demo-Markdown", USER):
            events.append(event)
    assert text_of(events) and REPLY.startswith(text_of(events))
    assert not any(isinstance(e, Finish) for e in events)


async def test_stall_is_interrupted_after_read_timeout(emulator, api_key):
    from poe_tui.client import PoeClient

    emulator.state.inject(Fault(reply=REPLY, stall_after=2, stall_seconds=5))
    async with PoeClient(api_key, base_url=emulator.base_url, read_timeout=0.5) as client:
        events = []
        with pytest.raises(StreamInterrupted):
            async for event in client.stream_chat("Demo-Markdown", USER):
                events.append(event)
    assert text_of(events)


async def test_cancel_closes_connection_at_once(client, emulator):
    emulator.state.tokens_per_second = 20
    got_text = asyncio.Event()

    async def consume():
        async for event in client.stream_chat("Demo-Long", [{"role": "user", "content": "tokens=2000"}]):
            if isinstance(event, TextDelta):
                got_text.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_text.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):
        if emulator.state.chat_requests[-1].cancelled:
            break
        await asyncio.sleep(0.02)
    assert emulator.state.chat_requests[-1].cancelled, "the emulator must see the connection close"


async def test_closing_the_generator_closes_connection(client, emulator):
    emulator.state.tokens_per_second = 20
    stream = client.stream_chat("Demo-Long", [{"role": "user", "content": "tokens=2000"}])
    async for event in stream:
        if isinstance(event, TextDelta):
            break
    await stream.aclose()
    for _ in range(100):
        if emulator.state.chat_requests[-1].cancelled:
            break
        await asyncio.sleep(0.02)
    assert emulator.state.chat_requests[-1].cancelled


async def test_case_insensitive_bot_name_and_params(client, emulator):
    events = await collect(client, "demo-reasoner", params={"reasoning_effort": "low"})
    assert text_of(events)
    req = emulator.state.chat_requests[-1]
    assert req.model == "demo-reasoner"
    assert req.body["reasoning_effort"] == "low"
    assert req.body["stream"] is True and req.body["stream_options"] == {"include_usage": True}
