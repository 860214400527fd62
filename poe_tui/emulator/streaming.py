"""Streaming an answer as SSE, byte for byte, with every shaping a Fault can ask for.

The stream is an ASGI callable of its own so it can watch for the client going away (stop
promptly, charge for what was sent, mark the request cancelled) and can end the way the real
service sometimes does: an error event, or a connection that simply closes without [DONE].
Unpaced streams coalesce events into large writes; paced ones write each event as it is due.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .faults import Fault
from .tokens import split_pieces

COALESCE_BYTES = 16384
_MISSING = object()


def completion_id() -> str:
    return "chatcmpl-" + secrets.token_hex(12)


def split_utf8(data: bytes, size: int = 16) -> list[bytes]:
    """Cut `data` into pieces of at most `size` bytes, cutting every multi-byte character after its lead byte."""
    pieces, start = [], 0
    for i, byte in enumerate(data):
        if byte >= 0xC0 or i + 1 - start >= size:
            pieces.append(data[start : i + 1])
            start = i + 1
    if start < len(data):
        pieces.append(data[start:])
    return pieces


@dataclass
class StreamPlan:
    """Everything one streamed answer needs; built by the app after validation."""

    model: str  # echoed as sent
    content: str
    reasoning: str
    reasoning_keys: tuple[str, ...]
    tool_calls: list[dict[str, Any]]
    finish_reason: str
    usage: dict[str, int]  # for the complete answer
    usage_mode: str
    shape: Fault
    tokens_per_second: float | None
    headers: dict[str, str]
    charge: Callable[[str], None]  # called once with the content actually sent, if the response started
    on_end: Callable[[str], None]  # called once with the outcome
    created: int = field(default_factory=lambda: int(time.time()))


class _Writer:
    def __init__(self, send: Callable[..., Any], shape: Fault, paced: bool) -> None:
        self._send = send
        self._nl = "\r\n" if shape.crlf else "\n"
        self._split = shape.split_bytes
        self._paced = paced
        self._buf = bytearray()

    def event(self, data: str) -> None:
        self._buf += f"data: {data}{self._nl}{self._nl}".encode()

    def comment(self, text: str) -> None:
        self._buf += f": {text}{self._nl}{self._nl}".encode()

    async def flush(self, force: bool = False) -> None:
        if not self._buf or (not force and not self._paced and len(self._buf) < COALESCE_BYTES):
            return
        data = bytes(self._buf)
        self._buf.clear()
        # Each piece is its own HTTP chunk, so a client's reads split where the pieces do.
        for piece in split_utf8(data) if self._split else (data,):
            await self._send({"type": "http.response.body", "body": piece, "more_body": True})
        await asyncio.sleep(0)  # let the disconnect watcher run

    async def end(self) -> None:
        await self.flush(force=True)
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})


class _Chunks:
    def __init__(self, plan: StreamPlan) -> None:
        self.plan = plan
        self.id = completion_id()

    def make(self, delta: dict[str, Any] | None, finish: str | None = None, usage: Any = _MISSING) -> str:
        plan = self.plan
        if plan.shape.change_ids:
            self.id = completion_id()
        chunk: dict[str, Any] = {"id": self.id, "object": "chat.completion.chunk", "created": plan.created,
                                 "model": plan.model}
        chunk["choices"] = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
        if usage is not _MISSING:
            chunk["usage"] = usage
        elif plan.usage_mode == "null_every":
            chunk["usage"] = None
        return json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))


def _text_deltas(plan: StreamPlan) -> list[tuple[dict[str, Any], str]]:
    """(delta, content piece) for every text-carrying chunk: reasoning, then content, then tool calls."""
    out: list[tuple[dict[str, Any], str]] = []
    for piece in split_pieces(plan.reasoning) if plan.reasoning else []:
        out.append(({k: piece for k in plan.reasoning_keys}, ""))
    for piece in split_pieces(plan.content) if plan.content else []:
        out.append(({"content": piece}, piece))
    for index, call in enumerate(plan.tool_calls):
        head = {"index": index, "id": call["id"], "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""}}
        out.append(({"tool_calls": [head]}, ""))
        for piece in split_pieces(call["function"]["arguments"]):
            out.append(({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}, ""))
    if not plan.shape.role_first and out:
        out[0] = ({"role": "assistant", **out[0][0]}, out[0][1])
    return out


async def _wait(seconds: float, disconnected: asyncio.Event, closing: threading.Event) -> None:
    """Sleep up to `seconds`, waking early when the client leaves or the server stops."""
    deadline = time.monotonic() + seconds
    while not disconnected.is_set() and not closing.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            await asyncio.wait_for(disconnected.wait(), min(left, 0.05))
        except asyncio.TimeoutError:
            pass


class SSEResponse:
    """ASGI callable that streams `plan`, charges once for what was sent, then reports the outcome.

    Outcomes: "complete", "cancelled" (client left), "broken" (break_after), "error" (error_after).
    """

    def __init__(self, plan: StreamPlan, closing: threading.Event) -> None:
        self.plan = plan
        self.closing = closing
        self._started = False
        self._charged = False
        self._reported = False

    def _charge(self, sent: list[str]) -> None:
        if self._started and not self._charged:
            self._charged = True
            self.plan.charge("".join(sent))

    def _finish(self, sent: list[str], outcome: str) -> None:
        """Charge and report the outcome, once; before the last bytes go out, so a client never sees stale state."""
        self._charge(sent)
        if not self._reported:
            self._reported = True
            self.plan.on_end(outcome)

    async def __call__(self, scope: dict, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        disconnected = asyncio.Event()

        async def watch() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    disconnected.set()
                    return

        watcher = asyncio.create_task(watch())
        sent: list[str] = []
        outcome = "cancelled"
        try:
            outcome = await self._run(send, disconnected, sent)
        finally:
            watcher.cancel()
            self._finish(sent, outcome)

    async def _run(self, send: Callable[..., Any], disconnected: asyncio.Event, sent: list[str]) -> str:
        plan, shape = self.plan, self.plan.shape
        if shape.delay:
            await _wait(shape.delay, disconnected, self.closing)
            if disconnected.is_set():
                return "cancelled"
        headers = [(k.encode(), v.encode()) for k, v in plan.headers.items()]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        self._started = True
        tps = plan.tokens_per_second
        out = _Writer(send, shape, paced=bool(tps))
        chunks = _Chunks(plan)
        if shape.ping:
            out.comment("ping")
        if shape.role_first:
            out.event(chunks.make({"role": "assistant"}))

        async def checkpoint(count: int) -> str | None:
            """Apply the fault that triggers after `count` text chunks, if any; an outcome ends the stream."""
            if count == shape.stall_after:
                await out.flush(force=True)
                await _wait(shape.stall_seconds, disconnected, self.closing)
                if disconnected.is_set():
                    return "cancelled"
            if count == shape.break_after:
                self._finish(sent, "broken")
                await out.flush(force=True)
                if shape.break_clean:
                    await out.end()
                return "broken"  # without ending the body: the server drops the connection
            if count == shape.error_after:
                error = {"message": shape.message or "The bot's provider failed while generating the reply.",
                         "type": shape.error_type or "provider_error"}
                self._finish(sent, "error")
                out.event(json.dumps({"error": error}, ensure_ascii=False))
                if shape.done_after_error:
                    out.event("[DONE]")
                await out.end()
                return "error"
            return None

        ended = await checkpoint(0)
        if ended:
            return ended
        start = time.monotonic()
        for count, (delta, piece) in enumerate(_text_deltas(plan), 1):
            if tps:
                await _wait(start + (count - 1) / tps - time.monotonic(), disconnected, self.closing)
            if disconnected.is_set():
                return "cancelled"
            if shape.empty_deltas and count % 3 == 2:
                out.event(chunks.make({}))
                out.event(chunks.make({"content": ""}))
            out.event(chunks.make(delta))
            sent.append(piece)
            if shape.malformed and count == 1:
                out.event('{"id":"' + chunks.id + '","object":"chat.completion.chunk","choices":[{"ind')
                out.event("")
            if shape.ping and count % 10 == 0:
                out.comment("ping")
            await out.flush()
            ended = await checkpoint(count)
            if ended:
                return ended
        if disconnected.is_set():
            return "cancelled"
        if plan.usage_mode == "final_chunk":
            out.event(chunks.make({}, plan.finish_reason, usage=plan.usage))
        else:
            out.event(chunks.make({}, plan.finish_reason))
            if plan.usage_mode in ("separate_chunk", "null_every"):
                out.event(chunks.make(None, usage=plan.usage))
        await out.flush(force=True)
        self._finish(sent, "complete")  # before [DONE]: a balance call right after the stream sees it
        out.event("[DONE]")
        await out.end()
        return "complete"
