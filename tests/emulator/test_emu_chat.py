"""Non-streaming chat: the response shape of the recordings, names, validation, bots, points."""

from __future__ import annotations

import re
import time

import pytest
from emulator_wire import load_recordings, shape

from poe_tui.emulator.tokens import count_tokens

RECORDINGS = load_recordings()
PLAIN_200 = next(r for r in RECORDINGS if r["status"] == 200 and set(r["response"]["choices"][0]["message"]) ==
                 {"role", "content"} and set(r["response"]["usage"]) == {"prompt_tokens", "completion_tokens",
                                                                           "total_tokens"})
ERROR_KEYS = {k for r in RECORDINGS if r["status"] != 200 for k in r["response"]["error"]}


def test_response_has_the_recordings_key_structure(chat):
    response = chat("Demo-Markdown", "Say hello in exactly 3 words")
    assert response.status_code == 200
    assert set(response.headers) >= set(PLAIN_200["headers"])
    assert response.headers["content-type"] == "application/json"
    assert response.headers["openai-version"] == "2020-10-01"
    assert int(response.headers["openai-processing-ms"]) >= 0
    body = response.json()
    assert shape(body) == shape(PLAIN_200["response"])
    assert list(body) == list(PLAIN_200["response"])
    assert re.fullmatch(r"chatcmpl-[0-9a-f]{24}", body["id"])
    assert body["object"] == "chat.completion"
    assert abs(body["created"] - time.time()) < 5
    assert body["choices"][0]["index"] == 0 and body["choices"][0]["finish_reason"] == "stop"
    usage = body["usage"]
    assert usage["prompt_tokens"] == count_tokens("Say hello in exactly 3 words")
    assert usage["completion_tokens"] == count_tokens(body["choices"][0]["message"]["content"])
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


@pytest.mark.parametrize("name", ["Demo-Echo", "demo-echo", "DEMO-ECHO", "dEmO-eChO"])
def test_names_are_case_insensitive_and_echoed(chat, name):
    response = chat(name, "hi")
    assert response.status_code == 200
    assert response.json()["model"] == name
    assert f"- model: `{name}`" in response.json()["choices"][0]["message"]["content"]


@pytest.mark.parametrize("name", ["Claude-Sonnet-4.6", "claude-sonnet-4.6", "CLAUDE-SONNET-4.6", "GPT-5.4"])
def test_real_bots_answer_deterministically(chat, name):
    first, second = chat(name, "Tell me about caching"), chat(name, "Tell me about caching")
    assert first.status_code == 200 and first.json()["model"] == name
    text = first.json()["choices"][0]["message"]["content"]
    assert text == second.json()["choices"][0]["message"]["content"]
    assert name.lower() in text.lower() and "caching" in text
    assert chat(name, "Something else").json()["choices"][0]["message"]["content"] != text


def test_echo_reports_the_whole_history_and_parameters(http):
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "First question"},
        {"role": "assistant", "content": "First answer from another bot"},
        {"role": "user", "content": [
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}},
        ]},
    ]
    body = {"model": "Demo-Echo", "messages": messages, "web_search": True, "verbosity": "high", "temperature": 0.5}
    response = http.post("/v1/chat/completions", json=body)
    assert response.status_code == 200
    text = response.json()["choices"][0]["message"]["content"]
    assert "- messages: 4" in text
    assert "- params: verbosity=\"high\", web_search=true" in text
    assert "- options: temperature=0.5" in text
    assert "- #1 system: Be brief." in text
    assert "- #3 assistant: First answer from another bot" in text
    assert "- #4 user: What is in this picture? [image data:image/png] [file a.pdf]" in text
    usage = response.json()["usage"]
    assert usage["prompt_tokens"] == sum(count_tokens(t) for t in (
        "Be brief.", "First question", "First answer from another bot", "What is in this picture?")) + 85 + 250


DELETE = object()
BAD_BODIES = [
    ("no messages", {"messages": DELETE}, "messages"),
    ("empty messages", {"model": "Demo-Echo", "messages": []}, "messages"),
    ("no model", {"model": DELETE}, "model"),
    ("bad role", {"model": "Demo-Echo", "messages": [{"role": "robot", "content": "x"}]}, "messages[0].role"),
    ("content int", {"model": "Demo-Echo", "messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
    ("bad part", {"model": "Demo-Echo", "messages": [{"role": "user", "content": [{"type": "audio"}]}]},
     "messages[0].content[0]"),
    ("image without url", {"model": "Demo-Echo", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {}}]}]}, "messages[0].content[0]"),
    ("n=2", {"n": 2}, "n"),
    ("temperature high", {"temperature": 2.5}, "temperature"),
    ("temperature text", {"temperature": "hot"}, "temperature"),
    ("top_p high", {"top_p": 1.5}, "top_p"),
    ("stream not bool", {"stream": "yes"}, "stream"),
    ("max_tokens zero", {"max_tokens": 0}, "max_tokens"),
    ("unknown key", {"foo": 1}, "foo"),
    ("undeclared bot parameter", {"model": "Demo-Markdown", "reasoning_effort": "high"}, "reasoning_effort"),
    ("enum value", {"model": "Demo-Reasoner", "reasoning_effort": "extreme"}, "reasoning_effort"),
    ("number range", {"model": "Demo-Echo", "thinking_budget": 99999}, "thinking_budget"),
    ("boolean type", {"model": "Demo-Echo", "web_search": "yes"}, "web_search"),
    ("tools on a bot without tools", {"model": "Demo-Echo", "tools": [
        {"type": "function", "function": {"name": "f", "parameters": {}}}]}, "model"),
]


@pytest.mark.parametrize("case", BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_validation_errors_have_the_recorded_shape(emulator, http, case):
    _, patch, param = case
    body = {"model": "Demo-Echo", "messages": [{"role": "user", "content": "x"}], **patch}
    body = {k: v for k, v in body.items() if v is not DELETE}
    response = http.post("/v1/chat/completions", json=body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert set(response.json()) == {"error"}
    assert set(error) <= ERROR_KEYS and {"message", "type"} <= set(error)
    assert error["type"] == "invalid_request_error" and error["message"]
    assert error["param"] == param
    assert emulator.state.balance() == 1_000_000
    assert emulator.state.chat_requests[-1].status == 400


def test_body_that_is_not_json(http):
    response = http.post("/v1/chat/completions", content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_declared_parameters_are_accepted(chat):
    low = chat("Demo-Reasoner", "Why is the sky blue?", reasoning_effort="low").json()
    high = chat("Demo-Reasoner", "Why is the sky blue?", reasoning_effort="high").json()
    assert len(high["choices"][0]["message"]["reasoning_content"]) > len(low["choices"][0]["message"]["reasoning_content"])
    assert chat("GPT-5.4", "hi", reasoning_effort="xhigh", verbosity="low", web_search=False).status_code == 200
    assert chat("Claude-Haiku-4.5", "hi", thinking_budget=1024).status_code == 200


def test_unknown_bot_is_404_naming_it(chat):
    response = chat("Claude-Sonet-4.6", "hi")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["type"] == "not_found_error"
    assert "Claude-Sonet-4.6" in error["message"] and "Claude-Sonnet-4.6" in error["message"]


def test_demo_markdown_is_a_rich_showcase(chat):
    text = chat("Demo-Markdown", "show me").json()["choices"][0]["message"]["content"]
    for needle in ("# ", "## ", "- ", "1. ", "| Bot |", "|:----", "```python", "```rust", "> ", "](https://",
                   "**", "`inline code`", "日本語", "é", "🚀"):
        assert needle in text, needle


def test_demo_reasoner_thinks_then_answers(chat):
    message = chat("Demo-Reasoner", "What is 17 * 19?").json()["choices"][0]["message"]
    assert list(message) == ["role", "content", "reasoning_content", "reasoning"]
    assert message["reasoning_content"] == message["reasoning"]
    assert "17 × 19" in message["reasoning_content"]
    assert "**Answer: 323**" in message["content"]


def test_demo_long_honours_tokens(chat):
    started = time.monotonic()
    body = chat("Demo-Long", "Write a lot, tokens=20000").json()
    assert time.monotonic() - started < 2
    tokens = body["usage"]["completion_tokens"]
    assert 20_000 <= tokens <= 20_300
    assert tokens == count_tokens(body["choices"][0]["message"]["content"])
    default = chat("Demo-Long", "Write a lot").json()["usage"]["completion_tokens"]
    assert 1_000 <= default <= 1_500


def test_demo_image_answers_with_an_image_on_its_own_address(chat, emulator):
    text = chat("Demo-Image", "a red fox", aspect_ratio="16:9").json()["choices"][0]["message"]["content"]
    base = re.escape(emulator.base_url.rstrip("/"))
    assert re.match(rf"!\[a red fox\.png\]\({base}/base/image/[0-9a-f]{{64}}\?w=1344&h=768\)", text)


@pytest.mark.parametrize("name,kind", [("Veo-3.1-Lite", "video"), ("ElevenLabs-v2.5-Turbo", "audio"),
                                       ("GPT-Image-1", "image")])
def test_media_bots_answer_with_a_cdn_url(chat, name, kind):
    text = chat(name, "a cat").json()["choices"][0]["message"]["content"]
    assert re.search(rf"http://127\.0\.0\.1:\d+/base/{kind}/[0-9a-f]{{64}}", text)


def test_real_reasoning_bot_reasons(chat):
    message = chat("GPT-5.4", "hi").json()["choices"][0]["message"]
    assert message["reasoning_content"] and message["reasoning"] == message["reasoning_content"]
    assert "reasoning_content" not in chat("GPT-4o-Mini", "hi").json()["choices"][0]["message"]


def test_max_tokens_cuts_with_length(chat):
    body = chat("Demo-Markdown", "hi", max_tokens=5).json()
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 5


WEATHER_TOOL = {"type": "function", "function": {
    "name": "getWeather", "description": "Get the current weather for a location",
    "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}


def test_tool_calls_on_a_tool_capable_bot(http):
    messages = [{"role": "user", "content": "What is the weather in San Francisco? Use the getWeather tool."}]
    body = http.post("/v1/chat/completions", json={"model": "GPT-5.4", "messages": messages,
                                                    "tools": [WEATHER_TOOL], "tool_choice": "auto"}).json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] == ""
    call = choice["message"]["tool_calls"][0]
    assert call["type"] == "function" and call["function"]["name"] == "getWeather"
    assert call["function"]["arguments"] == '{"location": "San Francisco"}'
    messages += [{"role": "assistant", "content": None, "tool_calls": [call]},
                 {"role": "tool", "tool_call_id": call["id"], "content": "18°C and foggy"}]
    after = http.post("/v1/chat/completions", json={"model": "GPT-5.4", "messages": messages,
                                                     "tools": [WEATHER_TOOL]}).json()
    assert after["choices"][0]["finish_reason"] == "stop"
    assert "18°C and foggy" in after["choices"][0]["message"]["content"]


def test_insufficient_points_is_402(emulator, chat, api_key):
    emulator.state.set_balance(api_key, 0)
    response = chat("Demo-Markdown", "hi")
    assert response.status_code == 402
    assert response.json()["error"]["type"] == "insufficient_credits"
    assert emulator.state.balance() == 0 and emulator.state.history() == []


def test_conversation_larger_than_the_context_window_is_413(chat):
    response = chat("Ideogram", "word " * 200)
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "request_too_large"


def test_points_follow_the_bots_pricing(emulator, chat):
    chat("Demo-Echo", "flat")  # request-priced at $0.000030: exactly 1 point
    assert emulator.state.history()[0].cost_points == 1
    chat("Demo-Image", "flat")  # $0.0030 a request: 100 points
    assert emulator.state.history()[0].cost_points == 100
    body = chat("GPT-5.4", "per token").json()  # $0.0000022 in, $0.000014 out per token
    entry = emulator.state.history()[0]
    usage = body["usage"]
    expected_in = -(-usage["prompt_tokens"] * 22 // 300)  # ceil(tokens * 0.0000022 / 0.00003)
    expected_out = -(-usage["completion_tokens"] * 140 // 300)
    assert entry.cost_breakdown_in_points == {"Input": str(expected_in), "Output": str(expected_out)}
    assert entry.cost_points == expected_in + expected_out


def test_request_log_keeps_the_body_as_sent(emulator, http):
    body = {"model": "demo-MARKDOWN", "messages": [{"role": "user", "content": "x"}], "temperature": 1}
    http.post("/v1/chat/completions", json=body)
    record = emulator.state.chat_requests[-1]
    assert record.body == body and record.model == "demo-MARKDOWN"
    assert record.stream is False and record.status == 200 and record.completed and not record.cancelled
    assert record.key == "…-key"  # masked: the last four characters of "poe-emulator-key"


@pytest.mark.parametrize("name,kind,magic", [("Demo-Image", "image", b"\x89PNG\r\n\x1a\n"),
                                             ("ElevenLabs-v2.5-Turbo", "audio", b"RIFF"),
                                             ("Veo-3.1-Lite", "video", b"\x00\x00\x00\x20ftyp")])
def test_media_urls_serve_real_bytes_without_a_key(chat, anon, emulator, name, kind, magic):
    text = chat(name, "a cat").json()["choices"][0]["message"]["content"]
    url = re.search(rf"http://\S+/base/{kind}/[0-9a-f]{{64}}(\?[^\s)]*)?", text)[0]
    first, again = anon.get(url), anon.get(url)
    assert first.status_code == 200 and first.content.startswith(magic)
    assert first.headers["content-type"].startswith(kind)
    assert first.content == again.content  # the same URL always serves the same file
    if kind == "video":  # a film a player can play: its track index and an H.264 video track
        assert b"moov" in first.content and b"avc1" in first.content and b"mdat" in first.content
    log = emulator.state.requests
    assert [r for r in log if r.path.startswith("/base/")][-1].status == 200


def test_unknown_media_kind_is_404(anon):
    assert anon.get("/base/smell/abc").status_code == 404


def test_out_of_enum_value_is_refused_in_the_recorded_words(chat):
    response = chat("GPT-5.4", "hi", reasoning_effort="max")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == "reasoning_effort"
    assert error["message"] == ("Unsupported value: 'max' is not supported with the 'gpt-5.4' model. "
                                "Supported values are: 'none', 'low', 'medium', 'high', 'xhigh'.")


def test_undeclared_parameter_is_refused(chat):
    response = chat("GLM-5", "hi", reasoning_effort="high")
    assert response.status_code == 400
    assert "'reasoning_effort' is not supported by the 'GLM-5' bot" in response.json()["error"]["message"]


def test_demo_echo_echoes_params_and_content_parts(chat):
    parts = [{"type": "text", "text": "look"},
             {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
             {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}}]
    text = chat("Demo-Echo", parts, verbosity="high").json()["choices"][0]["message"]["content"]
    assert 'params: verbosity="high"' in text
    assert "#1 user: look [image data:image/png] [file a.pdf]" in text
