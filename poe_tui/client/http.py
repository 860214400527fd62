"""The Poe HTTP client: one shared httpx.AsyncClient, typed events out, typed errors up.

Retries happen only before anything user-visible has arrived; once text has been yielded, a
failure ends the stream with an error and the caller keeps what it has.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import aclosing
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

import httpx
from httpx_sse import EventSource

from poe_tui import __version__
from poe_tui import config
from poe_tui.config import DEFAULT_BASE_URL
from poe_tui.client.errors import (
    AuthenticationError,
    ConnectError,
    EmptyReply,
    FirstByteTimeout,
    IdleTimeout,
    PoeError,
    ProtocolError,
    RateLimitError,
    StreamInterrupted,
    error_from_body,
    error_from_event,
    human_duration,
    rate_limited_for,
)
from poe_tui.client.events import Finish, ReasoningDelta, Retrying, StreamEvent, StreamProgress, TextDelta, Usage
from poe_tui.client.records import Balance, Bot, ChatReply, PointsEntry, PointsPage, parse_models
from poe_tui.client.retry import RateLimiter, RetryPolicy

RETRYABLE_STREAM_ERROR_TYPES = frozenset(
    {"timeout_error", "rate_limit_error", "provider_error", "upstream_error", "overloaded_error"}
)


class PoeClient:
    """Async client for chat, models, balance and points history.

    Use as `async with PoeClient(key) as client:`; share one instance for the whole app.
    """

    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = config.CONNECT_TIMEOUT,
        read_timeout: float | None = None,
        first_byte_timeout: float | None = None,
        slow_first_byte_timeout: float | None = None,
        idle_timeout: float | None = None,
        request_timeout: float = config.REQUEST_TIMEOUT,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Timeouts, in seconds: `connect_timeout` to open the connection; `first_byte_timeout`
        from the request to the reply's first event (`slow_first_byte_timeout` for media and
        reasoning bots, see `know_bots`); `idle_timeout` between events once the reply has
        started; `request_timeout` for a whole balance, catalogue or history call, retries
        included. `read_timeout` (older name) sets first-byte and idle where those are not given."""
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.limiter = limiter or RateLimiter()
        self._sleep = sleep
        self.connect_timeout = connect_timeout
        self.first_byte_timeout = first_byte_timeout or read_timeout or config.FIRST_BYTE_TIMEOUT
        self.slow_first_byte_timeout = max(
            slow_first_byte_timeout or read_timeout or config.SLOW_FIRST_BYTE_TIMEOUT, self.first_byte_timeout
        )
        self.idle_timeout = idle_timeout or read_timeout or config.IDLE_TIMEOUT
        self.request_timeout = request_timeout
        self.progress: StreamProgress | None = None  # the newest stream's, for a UI to poll
        self._slow_models: set[str] = set()
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            # Stream waits are timed per phase below; this only stops a socket read from hanging forever.
            timeout=httpx.Timeout(
                max(self.slow_first_byte_timeout, self.idle_timeout, request_timeout) + 5,
                connect=connect_timeout, write=30.0, pool=connect_timeout,
            ),
            headers={"User-Agent": f"poe-tui/{__version__}"},
            transport=transport,
        )

    def know_bots(self, bots: Iterable[Bot]) -> None:
        """Learn which bots are slow to start (media, reasoning): they get the longer first-byte
        timeout. `list_models` calls this itself; call it with a cached catalogue too."""
        for bot in bots:
            names = {bot.id.lower(), bot.display_name.lower()}
            if bot.slow_to_start:
                self._slow_models |= names
            else:
                self._slow_models -= names

    def first_byte_timeout_for(self, model: str) -> float:
        return self.slow_first_byte_timeout if model.lower() in self._slow_models else self.first_byte_timeout

    def __repr__(self) -> str:
        return f"PoeClient(base_url={self.base_url!r})"

    async def __aenter__(self) -> PoeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def has_key(self) -> bool:
        return bool(self._api_key)

    def _headers(self) -> dict[str, str]:
        if not self._api_key:
            return {}
        if not key_is_well_formed(self._api_key):
            # Checked here, not left to the HTTP layer, whose error would quote the header.
            raise AuthenticationError(
                "The API key contains characters an API key cannot have (spaces, control or non-ASCII characters)."
            )
        return {"Authorization": f"Bearer {self._api_key}"}

    # ------------------------------------------------------------------ chat

    @staticmethod
    def build_payload(
        model: str, messages: list[dict[str, Any]], params: dict[str, Any] | None, stream: bool
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"model": model, "messages": messages, "stream": stream}
        if stream:
            payload["stream_options"] = {"include_usage": True}
        for key, value in (params or {}).items():
            if value is not None and key not in payload:
                payload[key] = value
        return payload

    async def stream_chat(
        self,
        model: str,
        messages: list[dict[str, Any]],
        params: dict[str, Any] | None = None,
        *,
        progress: StreamProgress | None = None,
    ) -> AsyncIterator[StreamEvent]:
        """Yield typed events for one reply; raise a PoeError subclass when it fails.

        A stream that ends without [DONE] or a finish_reason raises StreamInterrupted; one that
        sends nothing at all raises EmptyReply; silence past the first-byte or idle timeout
        raises FirstByteTimeout or IdleTimeout. `progress` (also `self.progress`) tracks the
        waits as they happen. Closing the generator (or cancelling the task) closes the
        connection at once.
        """
        payload = self.build_payload(model, messages, params, stream=True)
        progress = progress or StreamProgress(model, self.first_byte_timeout_for(model), self.idle_timeout)
        self.progress = progress
        attempt = 0
        try:
            while True:
                attempt += 1
                progress.attempt, progress.started = attempt, time.monotonic()
                visible = False
                try:
                    async with aclosing(self._stream_once(payload, progress)) as events:
                        async for event in events:
                            if isinstance(event, (TextDelta, ReasoningDelta)):
                                visible = True
                            yield event
                    return
                except PoeError as error:
                    if visible or not self.retry.should_retry(attempt, error):
                        raise self._final(error) from None
                    delay = self.retry.delay(attempt, error)
                    yield Retrying(attempt=attempt, delay=delay, error=error)
                    await self._sleep(delay)
        finally:
            progress.ended = True

    def _final(self, error: PoeError) -> PoeError:
        """The error to give up with: a wait too long to sit through says when to come back."""
        limited = isinstance(error, RateLimitError) and self.retry.wait_too_long(error)
        return rate_limited_for(error) if limited else error

    async def _stream_once(self, payload: dict[str, Any], progress: StreamProgress) -> AsyncIterator[StreamEvent]:
        headers = self._headers()
        await self.limiter.acquire()
        finish_reason: str | None = None
        done = False
        sent_text = False
        loop = asyncio.get_running_loop()
        # Times the wait for each event; off (None) while the consumer holds an event, so its
        # work never counts as the service's silence.
        first_deadline = loop.time() + progress.first_byte_timeout
        wait = asyncio.timeout_at(first_deadline)
        try:
            async with wait:
                async with self._http.stream(
                    "POST", "/v1/chat/completions", json=payload, headers=headers
                ) as response:
                    if response.status_code >= 400:
                        body = await response.aread()
                        raise error_from_body(response.status_code, body, response.headers.get("retry-after"))
                    ctype = response.headers.get("content-type", "")
                    if "text/event-stream" not in ctype:
                        # Some bots answer a stream request with one JSON body: accept it whole.
                        body = await response.aread()
                        wait.reschedule(None)
                        for event in _events_from_completion(_parse_json(body)):
                            if isinstance(event, (TextDelta, ReasoningDelta)):
                                progress.touch(len(event.text))
                            yield event
                        return
                    async for sse in EventSource(response).aiter_sse():
                        data = sse.data.strip()
                        if not data:
                            continue
                        if data == "[DONE]":
                            done = True
                            break
                        try:
                            chunk = json.loads(data)
                        except (ValueError, RecursionError):
                            continue  # a malformed line: skip it, the stream may well recover
                        if not isinstance(chunk, dict):
                            continue
                        if "error" in chunk and chunk["error"]:
                            raise error_from_event(chunk["error"], RETRYABLE_STREAM_ERROR_TYPES)
                        wait.reschedule(None)
                        for event in _events_from_chunk(chunk):
                            if isinstance(event, Finish):
                                finish_reason = event.reason
                            else:
                                if isinstance(event, (TextDelta, ReasoningDelta)):
                                    sent_text = True
                                    progress.touch(len(event.text))
                                yield event
                        # Until the first text, a role-only or usage chunk does not end the first-byte wait.
                        wait.reschedule(loop.time() + progress.idle_timeout if sent_text else first_deadline)
        except TimeoutError:
            if progress.first_data is None:
                raise FirstByteTimeout(
                    f"No answer from {payload['model']} in {human_duration(progress.first_byte_timeout)}: nothing arrived."
                ) from None
            raise IdleTimeout(
                f"{payload['model']} stopped sending for {human_duration(progress.idle_timeout)}: "
                f"{progress.chars:,} characters were kept."
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError):
            if finish_reason is None:
                raise StreamInterrupted("The connection closed mid-reply.") from None
        except httpx.ReadTimeout:
            raise StreamInterrupted("The service stopped sending (read timeout).") from None
        except httpx.TimeoutException as exc:
            raise ConnectError(f"Timed out talking to {self.base_url}{_phase(exc)}.") from None
        except httpx.TransportError as exc:
            raise ConnectError(f"Could not reach {self.base_url}{_plain(exc)}.") from None
        if not done and finish_reason is None:
            raise StreamInterrupted("The stream ended before the reply was complete.")
        if not sent_text and finish_reason is None:
            raise EmptyReply("The bot sent nothing.")
        yield Finish(finish_reason or "stop")

    async def chat(
        self, model: str, messages: list[dict[str, Any]], params: dict[str, Any] | None = None
    ) -> ChatReply:
        """A whole reply in one response (no streaming)."""
        payload = self.build_payload(model, messages, params, stream=False)
        body = await self._request_json(
            "POST", "/v1/chat/completions", json=payload, timeout=self.first_byte_timeout_for(model)
        )
        return reply_from_completion(body, model)

    # ------------------------------------------------------------------ media

    async def download(self, url: str, max_bytes: int = 512 * 1024 * 1024) -> tuple[bytes, str | None]:
        """A media file a reply links to, and its content type. The URL is the bot's, on any
        host: the API key is never sent with it."""
        if not url.startswith(("https://", "http://")):
            raise ProtocolError(f"Not a web address: {url[:80]}")
        try:
            async with self._http.stream("GET", url, timeout=httpx.Timeout(60.0, connect=self.connect_timeout)) as resp:
                if resp.status_code >= 400:
                    raise PoeError(f"The media file could not be fetched (HTTP {resp.status_code}).", status=resp.status_code)
                chunks: list[bytes] = []
                total = 0
                async for chunk in resp.aiter_bytes():
                    total += len(chunk)
                    if total > max_bytes:
                        raise PoeError("The media file is larger than this app will save.")
                    chunks.append(chunk)
                return b"".join(chunks), resp.headers.get("content-type")
        except httpx.HTTPError as exc:
            raise ConnectError(f"The media file could not be fetched: {type(exc).__name__}.") from None

    # ------------------------------------------------------- account and models

    async def list_models(self) -> list[Bot]:
        bots = parse_models(await self._request_json("GET", "/v1/models"))
        self.know_bots(bots)
        return bots

    async def balance(self, *, retry: bool = True) -> Balance:
        """`retry=False` for background refreshes that must fail fast rather than back off."""
        body = await self._request_json("GET", "/usage/current_balance", retry=retry)
        points = body.get("current_point_balance") if isinstance(body, dict) else None
        if isinstance(points, bool) or not isinstance(points, (int, float)):
            raise ProtocolError("The balance response had no current_point_balance.")
        return Balance(points=int(points), raw=body)

    async def points_history(self, limit: int = 20, starting_after: str | None = None) -> PointsPage:
        if not 1 <= limit <= 100:
            raise ValueError("limit must be between 1 and 100")
        params: dict[str, Any] = {"limit": limit}
        if starting_after:
            params["starting_after"] = starting_after
        body = await self._request_json("GET", "/usage/points_history", params=params)
        if not isinstance(body, dict):
            raise ProtocolError("The points history response was not an object.")
        raw = body.get("data") if isinstance(body.get("data"), list) else []
        entries = [e for e in (PointsEntry.parse(x) for x in raw) if e]
        return PointsPage(entries=entries, has_more=bool(body.get("has_more")))

    async def iter_points_history(self, total: int | None = None, page_size: int = 100) -> AsyncIterator[PointsEntry]:
        """Every entry, newest first, paging with starting_after; stop after `total` if given."""
        cursor: str | None = None
        seen = 0
        while True:
            want = page_size if total is None else max(1, min(page_size, total - seen))
            page = await self.points_history(limit=want, starting_after=cursor)
            for entry in page.entries:
                yield entry
                seen += 1
                if total is not None and seen >= total:
                    return
            cursor = page.next_cursor
            if cursor is None:
                return

    async def _request_json(
        self, method: str, path: str, *, retry: bool = True, timeout: float | None = None, **kwargs: Any
    ) -> Any:
        """One call, retries included, within `timeout` (default `request_timeout`): a balance
        or catalogue request gives up in seconds, never minutes."""
        limit = timeout or self.request_timeout
        attempt = 0
        try:
            async with asyncio.timeout(limit):
                while True:
                    attempt += 1
                    try:
                        return await self._request_once(method, path, **kwargs)
                    except PoeError as error:
                        if not retry or not self.retry.should_retry(attempt, error):
                            raise self._final(error) from None
                        await self._sleep(self.retry.delay(attempt, error))
        except TimeoutError:
            raise ConnectError(f"No answer from {self.base_url} in {human_duration(limit)}.") from None

    async def _request_once(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = self._headers()
        await self.limiter.acquire()
        try:
            response = await self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TimeoutException as exc:
            raise ConnectError(f"Timed out talking to {self.base_url}{_phase(exc)}.") from None
        except httpx.TransportError as exc:
            raise ConnectError(f"Could not reach {self.base_url}{_plain(exc)}.") from None
        if response.status_code >= 400:
            raise error_from_body(response.status_code, response.content, response.headers.get("retry-after"))
        return _parse_json(response.content)


# ---------------------------------------------------------------- parsing


def key_is_well_formed(key: str) -> bool:
    return key.isascii() and key.isprintable() and " " not in key


def _plain(exc: Exception) -> str:
    """Only connection errors' own text is safe (others, LocalProtocolError, can quote headers),
    and a class name means nothing to a person."""
    if isinstance(exc, httpx.ConnectError) and str(exc):
        return f": {str(exc).rstrip('.')}"
    return ""


def _phase(exc: Exception) -> str:
    """Which wait ran out, in words (never the class name)."""
    if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return " (connecting)"
    if isinstance(exc, httpx.ReadTimeout):
        return " (waiting for the answer)"
    return ""


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ProtocolError("The service answered with something that is not JSON.") from None


def _usage(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None

    def num(key: str) -> int | None:
        value = raw.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return Usage(num("prompt_tokens"), num("completion_tokens"), num("total_tokens"), raw)


def _events_from_chunk(chunk: dict[str, Any]) -> Iterable[StreamEvent]:
    choices = chunk.get("choices")
    for choice in choices if isinstance(choices, list) else []:
        if not isinstance(choice, dict) or choice.get("index", 0) not in (0, None):
            continue
        delta = choice.get("delta") if isinstance(choice.get("delta"), dict) else {}
        # Some bots send both fields with the same text; take one of them.
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
        if isinstance(reasoning, str) and reasoning:
            yield ReasoningDelta(reasoning)
        content = delta.get("content")
        if isinstance(content, str) and content:
            yield TextDelta(content)
        if isinstance(choice.get("finish_reason"), str):
            yield Finish(choice["finish_reason"])
    usage = _usage(chunk.get("usage"))
    if usage is not None:
        yield usage


def _events_from_completion(body: Any) -> Iterable[StreamEvent]:
    reply = reply_from_completion(body, "")
    if reply.reasoning:
        yield ReasoningDelta(reply.reasoning)
    if reply.content:
        yield TextDelta(reply.content)
    if reply.total_tokens is not None or reply.completion_tokens is not None:
        yield Usage(reply.prompt_tokens, reply.completion_tokens, reply.total_tokens)
    yield Finish(reply.finish_reason or "stop")


def reply_from_completion(body: Any, model: str) -> ChatReply:
    """A non-streaming chat.completion body into a ChatReply."""
    if not isinstance(body, dict):
        raise ProtocolError("The chat response was not an object.")
    if isinstance(body.get("error"), dict):
        raise error_from_body(400, json.dumps(body))
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ProtocolError("The chat response had no choices.")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
    usage = _usage(body.get("usage")) or Usage()
    reasoning = message.get("reasoning_content") or message.get("reasoning") or ""
    return ChatReply(
        model=str(body.get("model") or model),
        content=message.get("content") if isinstance(message.get("content"), str) else "",
        reasoning=reasoning if isinstance(reasoning, str) else "",
        finish_reason=choice.get("finish_reason") if isinstance(choice.get("finish_reason"), str) else None,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        total_tokens=usage.total_tokens,
        tool_calls=message.get("tool_calls") if isinstance(message.get("tool_calls"), list) else [],
        id=body.get("id") if isinstance(body.get("id"), str) else None,
    )
