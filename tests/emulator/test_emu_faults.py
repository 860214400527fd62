"""Every fault kind produces exactly the bytes (or the HTTP error) it promises."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from emulator_wire import chunks_of, sse_events, streamed_text

from poe_tui.emulator.errors import ERROR_TYPES
from poe_tui.emulator.faults import Fault

REPLY = "Héllo wörld — 日本語 テキスト 🎉 and café au lait."
BODY = {"model": "Demo-Markdown", "messages": [{"role": "user", "content": "Hello"}], "stream": True}


def read_stream(http: httpx.Client, body: dict = BODY) -> tuple[list[bytes], Exception | None]:
    """Raw body pieces as read, and the exception that ended reading, if any."""
    pieces: list[bytes] = []
    with http.stream("POST", "/v1/chat/completions", json=body) as response:
        assert response.status_code == 200
        try:
            for piece in response.iter_raw():
                pieces.append(piece)
        except httpx.HTTPError as exc:
            return pieces, exc
    return pieces, None


def content_chunks(chunks: list[dict]) -> list[str]:
    return [c["choices"][0]["delta"]["content"] for c in chunks
            if c.get("choices") and c["choices"][0]["delta"].get("content")]


# HTTP errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", sorted(ERROR_TYPES))
def test_status_faults_use_the_contract_table(emulator, chat, status):
    emulator.state.inject(Fault(status=status, message=f"service says {status}"))
    response = chat("Demo-Echo", "x")
    assert response.status_code == status
    assert response.json() == {"error": {"message": f"service says {status}", "type": ERROR_TYPES[status]}}
    assert response.headers["content-type"] == "application/json"
    assert chat("Demo-Echo", "x").status_code == 200, "a fault applies once by default"
    assert [r.status for r in emulator.state.chat_requests] == [status, 200]


@pytest.mark.parametrize("code", ["model_not_found", 1234, None])
def test_error_code_and_param_as_given(emulator, chat, code):
    emulator.state.inject(Fault(status=400, error_type="invalid_request_error", message="m", code=code, param="p"))
    error = chat().json()["error"]
    assert error.get("code") == code and error["param"] == "p"
    assert ("code" in error) == (code is not None)


def test_retry_after_header_and_times(emulator, chat):
    emulator.state.inject(Fault(status=429, retry_after="7", times=2))
    first, second, third = chat(), chat(), chat()
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert first.headers["retry-after"] == "7"
    assert first.json()["error"]["type"] == "rate_limit_error"
    assert emulator.state.faults == []


def test_fault_for_one_model_leaves_others_alone(emulator, chat):
    emulator.state.inject(Fault(status=503, model="demo-echo"))
    assert chat("Demo-Markdown").status_code == 200
    assert len(emulator.state.faults) == 1
    assert chat("DEMO-ECHO").status_code == 503, "matched by id, any case"
    emulator.state.inject(Fault(status=500, model="Claude-Sonnet-4.6"))
    assert chat("claude-sonnet-4.6").status_code == 500, "matched by display name"


@pytest.mark.parametrize("status", [502, 524])
def test_html_error_page(emulator, chat, status):
    emulator.state.inject(Fault(status=status, html=True))
    response = chat()
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>") and f"{status}" in response.text
    with pytest.raises(ValueError):
        response.json()


def test_exact_body_replays_a_recording(emulator, chat):
    recorded = '{"id":"chatcmpl-x","object":"chat.completion","choices":[]}'
    emulator.state.inject(Fault(body=recorded, headers={"x-poe-feature-active": "chat-completions-legacy"}))
    response = chat()
    assert response.status_code == 200 and response.text == recorded
    assert response.headers["x-poe-feature-active"] == "chat-completions-legacy"
    emulator.state.inject(Fault(status=400, body="oops", headers={"content-type": "text/plain"}))
    response = chat()
    assert (response.status_code, response.text, response.headers["content-type"]) == (400, "oops", "text/plain")


def test_fault_does_not_charge(emulator, chat):
    emulator.state.inject(Fault(status=500))
    chat()
    assert emulator.state.balance() == 1_000_000 and emulator.state.history() == []


def test_stream_shaping_fault_waits_for_a_valid_request(emulator, chat):
    emulator.state.inject(Fault(reply="exactly this"))
    assert chat("No-Such-Bot").status_code == 404
    assert len(emulator.state.faults) == 1
    assert chat().json()["choices"][0]["message"]["content"] == "exactly this"


# How a stream ends --------------------------------------------------------------------------------

def test_break_after_drops_the_connection(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, break_after=3))
    pieces, error = read_stream(http)
    assert isinstance(error, httpx.RemoteProtocolError), "the body is cut mid-chunked-encoding"
    raw = b"".join(pieces)
    assert b"[DONE]" not in raw and b"finish_reason\":\"stop" not in raw
    chunks = chunks_of(raw)
    assert len(content_chunks(chunks)) == 3 and REPLY.startswith(streamed_text(chunks))
    record = emulator.state.chat_requests[-1]
    assert not record.completed and not record.cancelled
    assert emulator.state.history()[0].cost_points >= 1


def test_break_clean_ends_the_body_without_done(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, break_after=2, break_clean=True))
    pieces, error = read_stream(http)
    assert error is None
    raw = b"".join(pieces)
    assert b"[DONE]" not in raw and len(content_chunks(chunks_of(raw))) == 2


def test_stall_after_goes_silent_then_continues(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, stall_after=2, stall_seconds=0.25))
    arrivals: list[tuple[float, bytes]] = []
    with http.stream("POST", "/v1/chat/completions", json=BODY) as response:
        for piece in response.iter_raw():
            arrivals.append((time.monotonic(), piece))
    raw = b"".join(p for _, p in arrivals)
    assert raw.endswith(b"data: [DONE]\n\n")
    seen = b""
    for i, (at, piece) in enumerate(arrivals):
        seen += piece
        if len(content_chunks(chunks_of(seen))) >= 2:
            break
    assert arrivals[i + 1][0] - at >= 0.2, "silence after the second chunk"


def test_stall_ends_when_the_client_leaves(emulator, anon, api_key):
    emulator.state.inject(Fault(reply=REPLY, stall_after=1, stall_seconds=30))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        with anon.stream("POST", "/v1/chat/completions", json=BODY, timeout=httpx.Timeout(5, read=0.15),
                         headers={"Authorization": f"Bearer {api_key}"}) as response:
            for _ in response.iter_raw():
                pass
    record = emulator.state.chat_requests[-1]
    while not record.cancelled and time.monotonic() - started < 3:
        time.sleep(0.01)
    assert record.cancelled and time.monotonic() - started < 1.0


@pytest.mark.parametrize("done", [True, False])
def test_error_after_sends_an_error_event(emulator, http, done):
    emulator.state.inject(Fault(reply=REPLY, error_after=2, done_after_error=done, message="boom", error_type="x_err"))
    pieces, error = read_stream(http)
    assert error is None
    events = sse_events(b"".join(pieces))
    tail = events[-2:] if done else events[-1:]
    assert json.loads(tail[0]) == {"error": {"message": "boom", "type": "x_err"}}
    assert (events[-1] == "[DONE]") == done
    assert len(content_chunks(chunks_of(b"".join(pieces)))) == 2
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks_of(b"".join(pieces)) if "choices" in c)


# How a stream is framed ---------------------------------------------------------------------------

def test_malformed_inserts_unparseable_events(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, malformed=True))
    pieces, _ = read_stream(http)
    events = sse_events(b"".join(pieces))
    bad = [e for e in events if e != "[DONE]" and not _parses(e)]
    assert len(bad) == 2 and "" in bad and any(e.startswith('{"id":"chatcmpl-') for e in bad)
    assert events[-1] == "[DONE]" and streamed_text(chunks_of(b"".join(pieces))) == REPLY


def _parses(data: str) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("mode", ["final_chunk", "separate_chunk", "null_every", "none"])
def test_usage_modes(emulator, http, mode):
    emulator.state.inject(Fault(reply=REPLY, usage_mode=mode))
    chunks = chunks_of(b"".join(read_stream(http)[0]))
    finish = next(c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"])
    with_usage = [c for c in chunks if c.get("usage")]
    if mode == "final_chunk":
        assert with_usage == [finish] and chunks[-1] is finish
    elif mode == "separate_chunk":
        assert with_usage == [chunks[-1]] and chunks[-1]["choices"] == [] and "usage" not in finish
    elif mode == "null_every":
        assert with_usage == [chunks[-1]] and chunks[-1]["choices"] == []
        assert all("usage" in c and c["usage"] is None for c in chunks[:-1])
    else:
        assert with_usage == [] and all("usage" not in c for c in chunks)
    if with_usage:
        assert with_usage[0]["usage"]["completion_tokens"] == len(content_chunks(chunks))


def test_ping_comments(emulator, http):
    emulator.state.inject(Fault(reply=REPLY * 2, ping=True))
    text = b"".join(read_stream(http)[0]).decode()
    assert text.startswith(": ping\n\n") and text.count(": ping\n\n") >= 2


def test_crlf_line_endings(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, crlf=True))
    raw = b"".join(read_stream(http)[0])
    assert raw.count(b"\r\n") > 10 and raw.count(b"\n") == raw.count(b"\r\n")
    assert raw.endswith(b"data: [DONE]\r\n\r\n")
    assert streamed_text(chunks_of(raw)) == REPLY


def test_split_bytes_cuts_multibyte_characters_across_reads(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, split_bytes=True))
    pieces, _ = read_stream(http)
    assert len(pieces) > 50

    def decodes(b: bytes) -> bool:
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    torn = [p for p in pieces if not decodes(p)]
    assert len(torn) >= 8, "é, ö, 日, 本, 語, テ, 🎉 ... each arrive split"
    assert streamed_text(chunks_of(b"".join(pieces))) == REPLY


def test_split_bytes_even_without_a_multibyte_reply(emulator, http):
    emulator.state.inject(Fault(split_bytes=True))
    pieces, _ = read_stream(http, BODY | {"model": "GPT-4o-Mini"})
    assert any(_torn(p) for p in pieces), "the default replies carry non-ASCII text"


def _torn(piece: bytes) -> bool:
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_change_ids(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, change_ids=True))
    chunks = chunks_of(b"".join(read_stream(http)[0]))
    assert len({c["id"] for c in chunks}) == len(chunks) > 5


def test_empty_deltas(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, empty_deltas=True))
    chunks = chunks_of(b"".join(read_stream(http)[0]))
    deltas = [c["choices"][0]["delta"] for c in chunks[:-1]]
    assert deltas.count({}) >= 3 and deltas.count({"content": ""}) >= 3
    assert streamed_text(chunks) == REPLY


def test_role_first_off_puts_role_on_the_first_text(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, role_first=False))
    chunks = chunks_of(b"".join(read_stream(http)[0]))
    first = chunks[0]["choices"][0]["delta"]
    assert first["role"] == "assistant" and first["content"]
    assert sum("role" in c["choices"][0]["delta"] for c in chunks) == 1


@pytest.mark.parametrize("field,keys", [("reasoning_content", {"reasoning_content"}), ("reasoning", {"reasoning"}),
                                        ("both", {"reasoning_content", "reasoning"}), ("inline", set()),
                                        ("hidden", set())])
def test_reasoning_fields(emulator, http, field, keys):
    emulator.state.inject(Fault(reply="The answer.", reasoning="Thinking hard.", reasoning_field=field, times=2))
    chunks = chunks_of(b"".join(read_stream(http, BODY | {"model": "Demo-Reasoner"})[0]))
    used = {k for c in chunks for k in c["choices"][0]["delta"] if k.startswith("reasoning")} if chunks else set()
    assert used == keys
    for key in keys:
        assert streamed_text(chunks, key) == "Thinking hard."
    content = streamed_text(chunks)
    if field == "inline":
        assert content == "<think>\nThinking hard.\n</think>\n\nThe answer."
    else:
        assert content == "The answer."
    message = http.post("/v1/chat/completions", json=BODY | {"model": "Demo-Reasoner", "stream": False}).json()
    message = message["choices"][0]["message"]
    assert {k for k in message if k.startswith("reasoning")} == keys
    assert message["content"] == content


def test_reply_reasoning_and_finish_reason_overrides(emulator, http, chat):
    emulator.state.inject(Fault(reply="Cut short", reasoning="Hmm.", finish_reason="length"))
    chunks = chunks_of(b"".join(read_stream(http)[0]))
    assert streamed_text(chunks) == "Cut short" and streamed_text(chunks, "reasoning_content") == "Hmm."
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"
    emulator.state.inject(Fault(finish_reason="content_filter"))
    assert chat().json()["choices"][0]["finish_reason"] == "content_filter"


def test_fault_pacing_and_delay(emulator, http, chat):
    emulator.state.inject(Fault(reply="one two three four five six seven eight nine ten", tokens_per_second=100))
    started = time.monotonic()
    read_stream(http)
    assert 0.08 <= time.monotonic() - started < 1.0
    emulator.state.inject(Fault(delay=0.15))
    started = time.monotonic()
    assert chat().status_code == 200
    assert time.monotonic() - started >= 0.14


def test_all_framing_faults_together_still_carry_the_reply(emulator, http):
    emulator.state.inject(Fault(reply=REPLY, crlf=True, split_bytes=True, ping=True, change_ids=True,
                                empty_deltas=True, role_first=False, usage_mode="null_every"))
    raw = b"".join(read_stream(http)[0])
    assert streamed_text(chunks_of(raw)) == REPLY and raw.endswith(b"data: [DONE]\r\n\r\n")


def test_fault_validation():
    with pytest.raises(ValueError):
        Fault(usage_mode="sometimes")
    with pytest.raises(ValueError):
        Fault(reasoning_field="telepathy")
    with pytest.raises(ValueError):
        Fault.from_dict({"status": 500, "colour": "red"})
    assert Fault.from_dict({"status": 500, "times": 2}) == Fault(status=500, times=2)


def test_injecting_copies_so_a_fault_can_be_reused(emulator, chat):
    fault = Fault(status=500, times=1)
    emulator.state.inject(fault)
    emulator.state.inject(fault)
    assert [chat().status_code for _ in range(3)] == [500, 500, 200]
    assert fault.times == 1


@pytest.mark.parametrize("endpoint,path", [("balance", "/usage/current_balance"), ("history", "/usage/points_history"),
                                           ("models", "/v1/models"), ("any", "/usage/current_balance")])
def test_faults_for_other_endpoints(emulator, http, chat, endpoint, path):
    emulator.state.inject(Fault(status=502, html=True, endpoint=endpoint))
    if endpoint != "any":
        assert chat().status_code == 200, "a fault for another endpoint leaves chat alone"
    response = http.get(path)
    assert response.status_code == 502 and response.text.startswith("<!DOCTYPE html>")
    assert http.get(path).status_code == 200


def test_chat_faults_leave_other_endpoints_alone(emulator, http, chat):
    emulator.state.inject(Fault(status=500))
    assert http.get("/usage/current_balance").status_code == 200
    assert http.get("/v1/models").status_code == 200
    assert chat().status_code == 500
    with pytest.raises(ValueError):
        Fault(endpoint="elsewhere")


def test_client_leaving_during_a_non_streaming_delay_is_cancelled(emulator, anon, api_key):
    emulator.state.inject(Fault(delay=5))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        anon.post("/v1/chat/completions", json=BODY | {"stream": False}, timeout=httpx.Timeout(5, read=0.15),
                  headers={"Authorization": f"Bearer {api_key}"})
    record = emulator.state.chat_requests[-1]
    while not record.cancelled and time.monotonic() - started < 2:
        time.sleep(0.01)
    assert record.cancelled and not record.completed
    assert emulator.state.history() == [], "nothing answered, nothing charged"


def test_shaping_fault_survives_a_402(emulator, chat, api_key):
    emulator.state.inject(Fault(reply="kept"))
    emulator.state.set_balance(api_key, 0)
    assert chat().status_code == 402
    emulator.state.set_balance(api_key, 100)
    assert chat().json()["choices"][0]["message"]["content"] == "kept"
