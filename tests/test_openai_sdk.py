"""The official OpenAI SDK talks to the emulator unmodified: proof the wire format is the real one."""

from __future__ import annotations

import openai


async def test_openai_sdk_streams_and_lists(emulator, api_key):
    async with openai.AsyncOpenAI(base_url=emulator.base_url + "/v1", api_key=api_key, max_retries=0) as client:
        stream = await client.chat.completions.create(
            model="Demo-Markdown",
            messages=[{"role": "user", "content": "Show me markdown"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        parts, finish, usage, models = [], None, None, set()
        async for chunk in stream:
            models.add(chunk.model)
            if chunk.choices:
                parts.append(chunk.choices[0].delta.content or "")
                finish = chunk.choices[0].finish_reason or finish
            if chunk.usage:
                usage = chunk.usage
        text = "".join(parts)
        assert "# Markdown showcase" in text and "```python" in text
        assert finish == "stop" and models == {"Demo-Markdown"}
        assert usage is not None and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens

        reply = await client.chat.completions.create(
            model="demo-reasoner",
            messages=[{"role": "user", "content": "What is 17 * 19?"}],
            extra_body={"reasoning_effort": "high"},
        )
        assert reply.model == "demo-reasoner" and reply.id.startswith("chatcmpl-")
        assert "323" in reply.choices[0].message.content
        assert reply.choices[0].finish_reason == "stop"
        assert reply.usage.completion_tokens > 0

        page = await client.models.list()
        ids = {m.id for m in page.data}
        assert len(ids) == 367 and {"claude-sonnet-4.6", "demo-markdown"} <= ids

        try:
            await client.chat.completions.create(model="No-Such-Bot", messages=[{"role": "user", "content": "x"}])
        except openai.NotFoundError as exc:
            assert exc.status_code == 404 and "No-Such-Bot" in str(exc)
        else:
            raise AssertionError("an unknown bot must be a 404")


def test_openai_sync_client_sees_text_deltas(emulator, api_key):
    with openai.OpenAI(base_url=emulator.base_url + "/v1", api_key=api_key, max_retries=0) as client:
        chunks = list(client.chat.completions.create(
            model="Demo-Echo", messages=[{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
            stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "- messages: 2" in text and "- options: stream=true" in text
    assert all(c.id == chunks[0].id for c in chunks)
