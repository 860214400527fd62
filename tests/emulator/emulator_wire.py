"""Helpers for reading the emulator's wire output in tests: SSE parsing and the recordings."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures"


def load_recordings() -> list[dict]:
    """The 76 real non-streaming exchanges (a copy of the shared fixtures file)."""
    lines = (FIXTURES / "poe-chat-recordings-2026-03.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def sse_events(raw: bytes) -> list[str]:
    """The `data:` payloads of an SSE body, in order (comments and other fields dropped)."""
    text = raw.decode("utf-8").replace("\r\n", "\n")
    events = []
    for block in text.split("\n\n"):
        data = [line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")]
        if data:
            events.append("\n".join(data))
    return events


def chunks_of(raw: bytes) -> list[dict]:
    """Every JSON chunk of an SSE body (skipping [DONE] and anything unparseable)."""
    out = []
    for data in sse_events(raw):
        try:
            out.append(json.loads(data))
        except ValueError:
            continue
    return out


def streamed_text(chunks: list[dict], key: str = "content") -> str:
    return "".join(c["choices"][0]["delta"].get(key) or "" for c in chunks if c.get("choices"))


def shape(value):
    """The key structure of a JSON value: dicts by key, lists by their first item, scalars by type."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__
