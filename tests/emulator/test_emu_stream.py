"""Streaming: SSE framing, chunk shape, usage, reasoning order, charging, pacing and disconnects."""

from __future__ import annotations

import json
import time

import httpx
from emulator_wire import chunks_of, sse_events, streamed_text

from poe_tui.emulator.tokens import count_tokens


def test_default_stream_framing_and_chunks(chat, stream):
    response, raw = stream("Demo-Markdown", "show me", stream_options={"include_usage": True})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "text/event-stream"
    assert response.headers["openai-version"] == "2020-10-01"
    text = raw.decode()
    assert "\r" not in text and text.endswith("data: [DONE]\n\n")
    assert all(block.startswith("data: ") for block in text.split("\n\n") if block)
    events = sse_events(raw)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert len({c["id"] for c in chunks}) == 1
    for c in chunks:
        assert list(c)[:5] == ["id", "object", "created", "model", "choices"]
        assert c["object"] == "chat.completion.chunk" and c["model"] == "Demo-Markdown"
    assert chunks[0]["choices"] == [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]
    body = chat("Demo-Markdown", "show me").json()
    content = streamed_text(chunks)
    assert content == body["choices"][0]["message"]["content"]
    final = chunks[-1]
    assert final["choices"][0]["finish_reason"] == "stop" and final["choices"][0]["delta"] == {}
    assert final["usage"] == body["usage"]
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    assert len(chunks) == 2 + count_tokens(content), "one chunk per token, plus the role and the finish chunks"


def test_no_usage_unless_asked(stream):
    _, raw = stream("Demo-Markdown", "hi")
    assert all("usage" not in c for c in chunks_of(raw))


def test_reasoning_streams_before_the_answer_in_both_fields(stream):
    _, raw = stream("Demo-Reasoner", "What is 17 * 19?")
    chunks = chunks_of(raw)
    kinds = ["r" if "reasoning_content" in c["choices"][0]["delta"] else
             "c" if "content" in c["choices"][0]["delta"] else "-" for c in chunks]
    assert "".join(kinds).strip("-").rstrip("c").count("c") == 0, "all reasoning comes first"
    for c in chunks:
        delta = c["choices"][0]["delta"]
        if "reasoning_content" in delta:
            assert delta["reasoning"] == delta["reasoning_content"]
    assert "17 × 19" in streamed_text(chunks, "reasoning_content")
    assert "**Answer: 323**" in streamed_text(chunks)


def test_points_are_charged_before_done(emulator, http):
    before = emulator.state.balance()
    body = {"model": "Demo-Long", "messages": [{"role": "user", "content": "tokens=300"}], "stream": True}
    with http.stream("POST", "/v1/chat/completions", json=body) as response:
        seen = b""
        for piece in response.iter_raw():
            seen += piece
            if b"[DONE]" in seen:
                balance = http.get("/usage/current_balance").json()["current_point_balance"]
                break
    assert balance < before
    assert emulator.state.history()[0].bot_name == "Demo-Long"


def test_tool_call_stream(http):
    tool = {"type": "function", "function": {"name": "lookup", "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city", "days"]}}}
    body = {"model": "GPT-5.4", "messages": [{"role": "user", "content": "Weather in New York please"}],
            "tools": [tool], "stream": True}
    with http.stream("POST", "/v1/chat/completions", json=body) as response:
        chunks = chunks_of(response.read())
    calls = [c["choices"][0]["delta"]["tool_calls"][0] for c in chunks if "tool_calls" in c["choices"][0]["delta"]]
    assert calls[0]["id"].startswith("call_") and calls[0]["function"]["name"] == "lookup"
    arguments = "".join(c["function"]["arguments"] for c in calls)
    assert json.loads(arguments) == {"city": "New York", "days": 1}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_tokens_per_second_paces_the_stream(emulator, stream):
    emulator.state.tokens_per_second = 100
    started = time.monotonic()
    _, raw = stream("Demo-Markdown", "x", max_tokens=30)
    paced = time.monotonic() - started
    assert 0.27 <= paced < 1.5
    assert streamed_text(chunks_of(raw))
    emulator.state.tokens_per_second = None
    started = time.monotonic()
    stream("Demo-Markdown", "x", max_tokens=30)
    assert time.monotonic() - started < paced / 2, "unpaced streams go as fast as they can"


def test_client_disconnect_cancels_promptly_and_charges_what_was_sent(emulator, http):
    emulator.state.tokens_per_second = 100
    body = {"model": "Demo-Long", "messages": [{"role": "user", "content": "tokens=5000"}], "stream": True}
    with http.stream("POST", "/v1/chat/completions", json=body) as response:
        received = b""
        for piece in response.iter_raw():
            received += piece
            if received.count(b"data: ") >= 6:
                break
    closed_at = time.monotonic()
    record = emulator.state.chat_requests[-1]
    while not record.cancelled and time.monotonic() - closed_at < 2:
        time.sleep(0.005)
    assert record.cancelled and not record.completed
    assert time.monotonic() - closed_at < 0.5, "generation stops promptly"
    entry = emulator.state.history()[0]
    full_cost = 1 + (5000 * 3 + 9999) // 100  # at most: 5000+ tokens at $0.0000003 each
    assert 1 <= entry.cost_points < full_cost // 2
    assert entry.cost_breakdown_in_points.get("Output", "0") in {"0", "1"}


def test_non_streaming_and_streaming_are_logged_apart(emulator, chat, stream):
    chat("Demo-Echo", "a")
    stream("Demo-Echo", "b")
    first, second = emulator.state.chat_requests
    assert (first.stream, second.stream) == (False, True)
    assert second.completed and not second.cancelled


def test_openai_style_usage_with_httpx_sse_shape(emulator, anon, api_key):
    """A bare request with only the key header still streams (no other headers needed)."""
    body = {"model": "Demo-Echo", "messages": [{"role": "user", "content": "x"}], "stream": True,
            "stream_options": {"include_usage": True}}
    with anon.stream("POST", "/v1/chat/completions", json=body,
                     headers={"Authorization": f"Bearer {api_key}"}) as response:
        chunks = chunks_of(response.read())
    assert chunks[-1]["usage"]["completion_tokens"] == count_tokens(streamed_text(chunks))
    assert isinstance(response, httpx.Response)
