"""The ASGI app: Poe's four endpoints as POE_API.md describes them, plus our control surface.

`/v1/chat/completions`, `/v1/models`, `/usage/current_balance`, `/usage/points_history` behave
like the service (auth, rate limit, validation, points, streaming); `/_emulator/*` (ours, not
Poe's) lets a test or a standalone emulator be driven from outside: faults, request log, reset.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .bots import catalog
from .errors import ApiError
from .faults import WELL_BEHAVED, Fault
from .media import media_bytes
from .points import cost
from .replies import make_reply, prompt_tokens
from .state import DEFAULT_KEY, HISTORY_DAYS, EmulatorState, RequestRecord
from .streaming import SSEResponse, StreamPlan, completion_id
from .tokens import count_tokens
from .validation import parse_chat

OPENAI_VERSION = "2020-10-01"
HISTORY_DEFAULT_LIMIT = 20
HISTORY_MAX_LIMIT = 100


def _common(started: float) -> dict[str, str]:
    return {"openai-processing-ms": str(int((time.monotonic() - started) * 1000)), "openai-version": OPENAI_VERSION}


def mask_key(key: str) -> str:
    """A key as the request log may hold it: its last four characters, if it is long enough to spare them."""
    return f"…{key[-4:]}" if len(key) > 8 else "…"


def _masked(name: str, value: str) -> str:
    """The request log is served over HTTP: never keep a caller's credentials in it (someone may
    point a real key at the emulator by mistake)."""
    if name.lower() != "authorization":
        return value
    scheme, _, secret = value.partition(" ")
    return f"{scheme} {mask_key(secret)}"


def _json(obj: Any, started: float, status: int = 200) -> Response:
    body = obj if isinstance(obj, bytes) else json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json", headers=_common(started))


def _error(err: ApiError, started: float) -> Response:
    headers = {**err.headers(), **_common(started), **{k.lower(): v for k, v in (err.extra_headers or {}).items()}}
    media_type = headers.pop("content-type")
    return Response(err.body(), status_code=err.status, media_type=media_type, headers=headers)


def _raw(fault: Fault, started: float) -> Response:
    """A fault's exact body: recorded headers win over ours."""
    headers = {"content-type": "application/json", **_common(started),
               **{k.lower(): v for k, v in (fault.headers or {}).items()}}
    return Response((fault.body or "").encode("utf-8"), status_code=fault.status or 200, headers=headers)


def _count_images(messages: list[dict[str, Any]]) -> int:
    return sum(
        1
        for m in messages
        if isinstance(m.get("content"), list)
        for p in m["content"]
        if isinstance(p, dict) and p.get("type") == "image_url"
    )


class _Api:
    """Request handlers bound to one state."""

    def __init__(self, state: EmulatorState, closing: threading.Event) -> None:
        self.state = state
        self.closing = closing
        self.catalog = catalog()

    # Shared steps -------------------------------------------------------------------------------

    def _record(self, request: Request) -> RequestRecord:
        return self.state.log(RequestRecord(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): _masked(k, v) for k, v in request.headers.items()},
        ))

    def _authorize(self, request: Request, record: RequestRecord) -> str:
        """The caller's key, after auth and the per-key rate limit; raises 401/429."""
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise ApiError(401, "Missing API key: send it as 'Authorization: Bearer <key>'.")
        if not self.state.has_key(key):
            raise ApiError(401, "Invalid API key. Check it at https://poe.com/api_key.")
        record.key = mask_key(key)
        wait = self.state.check_rate(key)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            limit = self.state.rate_limit_per_minute
            raise ApiError(429, f"Rate limit exceeded: {limit} requests per minute. Retry after {seconds} seconds.",
                           retry_after=seconds)
        return key

    async def _sleep_unless_gone(self, request: Request, seconds: float) -> bool:
        """Wait `seconds`; True if the client disconnected meanwhile."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.closing.is_set():
            if await request.is_disconnected():
                return True
            await asyncio.sleep(min(0.02, max(0.0, deadline - time.monotonic())))
        return False

    async def _answer_with(self, fault: Fault, request: Request, record: RequestRecord, started: float) -> Response:
        """Consume an immediate fault and give its answer: its exact body, or raise its error."""
        self.state.consume_fault(fault)
        if fault.delay and await self._sleep_unless_gone(request, fault.delay):
            record.cancelled = True
        if fault.body is not None:
            record.status = fault.status or 200
            return _raw(fault, started)
        raise ApiError(fault.status or 500, fault.message, type=fault.error_type, code=fault.code,
                       param=fault.param, retry_after=fault.retry_after, html=fault.html, headers=fault.headers)

    async def _endpoint_fault(self, endpoint: str, request: Request, record: RequestRecord,
                              started: float) -> Response | None:
        fault = self.state.peek_fault(endpoint)
        return None if fault is None else await self._answer_with(fault, request, record, started)

    # Poe endpoints ------------------------------------------------------------------------------

    async def models(self, request: Request) -> Response:
        started = time.monotonic()
        record = self._record(request)
        try:
            faulted = await self._endpoint_fault("models", request, record, started)
        except ApiError as err:
            record.status = err.status
            return _error(err, started)
        if faulted is not None:
            return faulted
        record.status = 200
        return _json(self.catalog.body_bytes, started)

    async def balance(self, request: Request) -> Response:
        started = time.monotonic()
        record = self._record(request)
        try:
            key = self._authorize(request, record)
            faulted = await self._endpoint_fault("balance", request, record, started)
        except ApiError as err:
            record.status = err.status
            return _error(err, started)
        if faulted is not None:
            return faulted
        record.status = 200
        return _json({"current_point_balance": self.state.balance(key)}, started)

    async def points_history(self, request: Request) -> Response:
        started = time.monotonic()
        record = self._record(request)
        try:
            key = self._authorize(request, record)
            faulted = await self._endpoint_fault("history", request, record, started)
            if faulted is not None:
                return faulted
            raw = request.query_params.get("limit")
            try:
                limit = HISTORY_DEFAULT_LIMIT if raw is None else int(raw)
            except ValueError:
                limit = 0
            if not 1 <= limit <= HISTORY_MAX_LIMIT:
                raise ApiError(400, f"Invalid value for 'limit': expected an integer from 1 to {HISTORY_MAX_LIMIT}, "
                                    f"got {raw!r}.", param="limit")
            entries = self.state.history(key, days=HISTORY_DAYS)  # older charges are gone, as on the service
            start = 0
            after = request.query_params.get("starting_after")
            if after:
                ids = [e.query_id for e in entries]
                if after not in ids:
                    raise ApiError(400, f"Invalid value for 'starting_after': no query {after!r} in the last 30 days.",
                                   param="starting_after")
                start = ids.index(after) + 1
        except ApiError as err:
            record.status = err.status
            return _error(err, started)
        page = entries[start : start + limit]
        now_us = int(self.state.clock() * 1_000_000)
        pending_us = self.state.history_pending_seconds * 1_000_000
        data = [e.to_json(pending=now_us - e.creation_time < pending_us) for e in page]
        record.status = 200
        return _json({"has_more": start + limit < len(entries), "length": len(data), "data": data}, started)

    async def chat(self, request: Request) -> Any:
        started = time.monotonic()
        record = self._record(request)
        try:
            key = self._authorize(request, record)
            try:
                body = json.loads(await request.body())
            except ValueError:
                raise ApiError(400, "The request body is not valid JSON.") from None
            record.body = body
            if isinstance(body, dict):
                record.model = body.get("model") if isinstance(body.get("model"), str) else None
                record.stream = body.get("stream") is True
            names: set[str] = set()
            if record.model:
                names.add(record.model.lower())
                bot = self.catalog.lookup(record.model)
                if bot is not None:
                    names |= bot.names()
            fault = self.state.peek_fault("chat", names)
            if fault is not None and fault.is_immediate:
                return await self._answer_with(fault, request, record, started)
            req = parse_chat(body, self.catalog)
            req.media_base = str(request.base_url).rstrip("/") + "/base"  # served below, on loopback
            shape = fault or WELL_BEHAVED
            reply = make_reply(req, body, shape)
            field = shape.reasoning_field or "both"
            content, reasoning, keys = reply.presented(field)
            p_tokens = prompt_tokens(req.messages)
            window = (req.bot.raw.get("context_window") or {}).get("context_length")
            if isinstance(window, int) and p_tokens > window:
                raise ApiError(413, f"This conversation is {p_tokens} tokens long, more than the "
                                    f"{window}-token context window of {req.bot.display_name}.")
            images = _count_images(req.messages)
            full_cost, _ = cost(req.bot, p_tokens, count_tokens(content), images)
            if self.state.balance(key) < full_cost:
                raise ApiError(402, f"Insufficient points: this answer costs about {full_cost} points and the "
                                    f"balance is {self.state.balance(key)}.", code="insufficient_credits")
            if fault is not None:  # only now: a shaping fault waits for a request that gets an answer
                self.state.consume_fault(fault)
        except ApiError as err:
            record.status = err.status
            return _error(err, started)
        record.status = 200

        def charge(sent: str) -> None:
            points, breakdown = cost(req.bot, p_tokens, count_tokens(sent), images)
            self.state.charge(key, req.bot.display_name, points, breakdown)

        c_tokens = count_tokens(content)
        usage = {"prompt_tokens": p_tokens, "completion_tokens": c_tokens, "total_tokens": p_tokens + c_tokens}
        if req.stream:
            def on_end(outcome: str) -> None:
                record.cancelled = outcome == "cancelled"
                record.completed = outcome == "complete"

            plan = StreamPlan(
                model=req.model, content=content, reasoning=reasoning, reasoning_keys=keys,
                tool_calls=reply.tool_calls, finish_reason=reply.finish_reason, usage=usage,
                usage_mode=shape.usage_mode or ("final_chunk" if req.include_usage else "none"),
                shape=shape, tokens_per_second=shape.tokens_per_second or self.state.tokens_per_second,
                headers={"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache",
                         **_common(started), **{k.lower(): v for k, v in (shape.headers or {}).items()}},
                charge=charge, on_end=on_end,
            )
            return SSEResponse(plan, self.closing)
        if shape.delay and await self._sleep_unless_gone(request, shape.delay):
            record.cancelled = True
            return Response(status_code=408)  # nobody is listening any more
        message: dict[str, Any] = {"role": "assistant", "content": content}
        for k in keys:
            message[k] = reasoning
        if reply.tool_calls:
            message["tool_calls"] = reply.tool_calls
        charge(content)
        record.completed = True
        response = _json({
            "id": completion_id(),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": req.model,
            "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
            "usage": usage,
        }, started)
        for name, value in (shape.headers or {}).items():
            response.headers[name.lower()] = value
        return response

    async def media(self, request: Request) -> Response:
        """A media bot's file, at the path its reply gave (no key needed, as on the CDN)."""
        started = time.monotonic()
        record = self._record(request)
        found = media_bytes(request.path_params["kind"], request.path_params["digest"])
        if found is None:
            record.status = 404
            return _error(ApiError(404, f"GET {request.url.path}: no such media", type="not_found_error"), started)
        record.status = 200
        data, content_type = found
        return Response(data, media_type=content_type, headers={"cache-control": "public, max-age=86400"})

    # Control surface (ours) ---------------------------------------------------------------------

    async def add_faults(self, request: Request) -> Response:
        try:
            data = json.loads(await request.body())
            faults = [Fault.from_dict(d) for d in (data if isinstance(data, list) else [data])]
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": {"message": str(exc), "type": "invalid_request_error"}}, 400)
        queued = [self.state.inject(f).to_dict() for f in faults]
        return JSONResponse({"queued": queued})

    async def list_faults(self, request: Request) -> Response:
        return JSONResponse({"data": [f.to_dict() for f in self.state.faults]})

    async def clear_faults(self, request: Request) -> Response:
        self.state.clear_faults()
        return JSONResponse({"data": []})

    async def requests(self, request: Request) -> Response:
        return JSONResponse({"data": [r.to_dict() for r in self.state.requests]})

    async def reset(self, request: Request) -> Response:
        self.state.reset()
        return JSONResponse({"ok": True})

    async def add_key(self, request: Request) -> Response:
        try:
            data = json.loads(await request.body())
            key, balance = data["key"], int(data.get("balance", 1_000_000))
            if not isinstance(key, str) or not key:
                raise ValueError("key must be a non-empty string")
        except (ValueError, TypeError, KeyError) as exc:
            return JSONResponse({"error": {"message": f"bad key request: {exc}", "type": "invalid_request_error"}}, 400)
        self.state.add_key(key, balance)
        return JSONResponse({"key": key, "current_point_balance": balance})

    async def seed_history(self, request: Request) -> Response:
        """`{"count": 400, "days": 30, "seed": 11}`: a realistic past history for the key."""
        from .seeding import seed_history

        try:
            data = json.loads(await request.body() or b"{}")
            count, days, seed = int(data.get("count", 400)), float(data.get("days", 30)), int(data.get("seed", 11))
            if not 0 <= count <= 100_000 or days <= 0:
                raise ValueError("count must be 0..100000 and days positive")
        except (ValueError, TypeError, AttributeError) as exc:
            return JSONResponse({"error": {"message": f"bad history request: {exc}", "type": "invalid_request_error"}}, 400)
        made = seed_history(self.state, count, days=days, seed=seed, key=data.get("key") or DEFAULT_KEY)
        return JSONResponse({"seeded": len(made), "points": sum(e.cost_points for e in made)})

    async def config(self, request: Request) -> Response:
        settable = ("tokens_per_second", "rate_limit_per_minute", "history_pending_seconds")
        try:
            data = json.loads(await request.body() or b"{}")
            unknown = set(data) - set(settable)
            if unknown:
                raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        except (ValueError, TypeError, AttributeError) as exc:
            return JSONResponse({"error": {"message": str(exc), "type": "invalid_request_error"}}, 400)
        for name, value in data.items():
            setattr(self.state, name, value)
        return JSONResponse({name: getattr(self.state, name) for name in settable})


async def _not_found(request: Request, exc: HTTPException) -> Response:
    err = ApiError(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}",
                   type="not_found_error" if exc.status_code == 404 else "invalid_request_error")
    return _error(err, time.monotonic())


def create_app(state: EmulatorState | None = None, *, closing: threading.Event | None = None) -> Starlette:
    """The emulator as an ASGI app. `closing`, when set, ends stalls and delays early (server shutdown)."""
    api = _Api(state if state is not None else EmulatorState(), closing or threading.Event())
    routes = [
        Route("/v1/chat/completions", api.chat, methods=["POST"]),
        Route("/v1/models", api.models, methods=["GET"]),
        Route("/usage/current_balance", api.balance, methods=["GET"]),
        Route("/usage/points_history", api.points_history, methods=["GET"]),
        Route("/base/{kind}/{digest}", api.media, methods=["GET"]),
        Route("/_emulator/faults", api.add_faults, methods=["POST"]),
        Route("/_emulator/faults", api.list_faults, methods=["GET"]),
        Route("/_emulator/faults", api.clear_faults, methods=["DELETE"]),
        Route("/_emulator/requests", api.requests, methods=["GET"]),
        Route("/_emulator/reset", api.reset, methods=["POST"]),
        Route("/_emulator/keys", api.add_key, methods=["POST"]),
        Route("/_emulator/config", api.config, methods=["POST"]),
        Route("/_emulator/history", api.seed_history, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _not_found})
    app.state.emulator = api.state
    app.state.closing = api.closing
    return app
