"""Typed errors for every failure the Poe API documents, carrying the service's own message.

Nothing here ever includes the API key: messages come from the service body or from us.
"""

from __future__ import annotations

import json
import math
from typing import Any


class PoeError(Exception):
    """Base of every client error. `message` is safe to show a user."""

    status: int | None = None
    retryable: bool = False
    hint: str = ""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        type: str | None = None,
        code: str | int | None = None,
        param: str | None = None,
        retry_after: float | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.retry_after = retry_after
        self.metadata = metadata or {}

    def __str__(self) -> str:
        return self.message


class BadRequestError(PoeError):
    status = 400
    hint = "The service rejected the request."


class AuthenticationError(PoeError):
    status = 401
    hint = "The API key is invalid or revoked: enter a new one (poe-tui login)."


class InsufficientCreditsError(PoeError):
    status = 402
    hint = "Out of points: check the balance or add points on poe.com."


class ModerationError(PoeError):
    status = 403
    hint = "The request was refused by moderation."


class NotFoundError(PoeError):
    """Unknown bot (404, or 400 with code model_not_found)."""

    status = 404
    hint = "Unknown bot: check the name (poe-tui models --search NAME)."


class RequestTimeoutError(PoeError):
    status = 408
    retryable = True
    hint = "The service timed out."


class RequestTooLargeError(PoeError):
    status = 413
    hint = "The conversation exceeds this bot's context window: start a new one or pick a bot with a larger context."


class RateLimitError(PoeError):
    status = 429
    retryable = True
    hint = "Rate limited."


class ServerError(PoeError):
    """500/502/503/529 and unknown 5xx: provider, upstream or overload trouble."""

    status = 500
    retryable = True
    hint = "The service or the bot's provider failed; try again."


class ConnectError(PoeError):
    """No HTTP answer at all: DNS, refused connection, read timeout, TLS."""

    retryable = True
    hint = "Could not reach the service: check the network or POE_BASE_URL."


class StreamError(PoeError):
    """The service sent an error event in the middle of a stream."""

    hint = "The bot failed while answering."


class StreamInterrupted(PoeError):
    """The stream ended without [DONE] or a finish_reason: the reply is incomplete."""

    hint = "The connection closed before the reply was complete."


class FirstByteTimeout(RequestTimeoutError):
    """The request left, and nothing came back within the first-byte timeout."""

    status = None
    retryable = False  # it already waited long: a retry would double the silence
    hint = "Try again later, or allow a longer wait (first_byte_timeout in the config, or ask --timeout)."


class IdleTimeout(StreamInterrupted):
    """The reply started, then no data came for the idle timeout: what arrived is kept."""

    hint = "Try again, or allow a longer silence (idle_timeout in the config, or ask --timeout)."


class EmptyReply(PoeError):
    """A 200 stream that ended with no text and no finish_reason: the bot sent nothing."""

    hint = "The bot sent nothing; try again or pick another bot."


class ProtocolError(PoeError):
    """The service answered something this client cannot read."""

    hint = "The service sent a response this client could not understand."


_BY_STATUS: dict[int, type[PoeError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: ModerationError,
    404: NotFoundError,
    408: RequestTimeoutError,
    413: RequestTooLargeError,
    429: RateLimitError,
}

_DEFAULT_MESSAGES = {
    400: "Bad request",
    401: "Invalid API key",
    402: "Insufficient points",
    403: "Request refused",
    404: "Not found",
    408: "Request timed out",
    413: "Request too large",
    429: "Rate limit exceeded",
}


def human_duration(seconds: float) -> str:
    """3600 -> '1 h', 90 -> '2 min', 5400 -> '1 h 30 min', 7 -> '7 s' (rounded up: never promise too soon)."""
    s = max(0, math.ceil(seconds))
    if s < 60:
        return f"{s} s"
    minutes = math.ceil(s / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h" + (f" {minutes} min" if minutes else "")


def rate_limited_for(error: PoeError) -> RateLimitError:
    """A wait too long to sit through: fail now, saying when to come back."""
    wait = error.retry_after or 0.0
    limited = RateLimitError(
        f"rate limited: try again in {human_duration(wait)}",
        status=error.status, type=error.type, code=error.code, retry_after=wait, metadata=error.metadata,
    )
    limited.hint = ""  # the message says it all
    return limited


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # HTTP-date form: ignore, fall back to back-off
    return max(0.0, seconds)


_BY_TYPE: dict[str, type[PoeError]] = {
    "authentication_error": AuthenticationError,
    "insufficient_credits": InsufficientCreditsError,
    "moderation_error": ModerationError,
    "not_found_error": NotFoundError,
    "model_not_found": NotFoundError,
    "request_too_large": RequestTooLargeError,
    "rate_limit_error": RateLimitError,
}


def error_from_event(err: Any, retryable_types: frozenset[str] | set[str]) -> PoeError:
    """An `{"error": {...}}` event inside a 200 stream: the same typed error its HTTP status
    would give (out of points, bad key...), else a StreamError."""
    if isinstance(err, dict):
        message = err.get("message") if isinstance(err.get("message"), str) else "The bot reported an error."
        type_ = err.get("type") if isinstance(err.get("type"), str) else None
        raw_code = err.get("code")
        code = raw_code if isinstance(raw_code, (str, int)) and not isinstance(raw_code, bool) else None
    else:
        message, type_, code = str(err), None, None
    cls = _BY_TYPE.get(str(code)) or _BY_TYPE.get(type_ or "") or StreamError
    error = cls(message, type=type_, code=code)
    if cls is StreamError:
        error.retryable = type_ in retryable_types
    return error


def error_from_body(status: int, body: bytes | str | None, retry_after: str | None = None) -> PoeError:
    """Build the typed error for an HTTP failure, tolerating any body (JSON, HTML, empty)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    message = type_ = param = None
    code: str | int | None = None
    metadata: dict[str, Any] | None = None
    try:
        data = json.loads(text) if text.strip() else None
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, dict):
            message = err.get("message") if isinstance(err.get("message"), str) else None
            type_ = err.get("type") if isinstance(err.get("type"), str) else None
            raw_code = err.get("code")
            code = raw_code if isinstance(raw_code, (str, int)) and not isinstance(raw_code, bool) else None
            param = err.get("param") if isinstance(err.get("param"), str) else None
            metadata = err.get("metadata") if isinstance(err.get("metadata"), dict) else None
        elif isinstance(err, str):
            message = err
    if message is None:
        message = _DEFAULT_MESSAGES.get(status) or f"HTTP {status} from the service"
        if text.lstrip().startswith("<"):
            message += " (the service returned an HTML error page)"
    cls: type[PoeError]
    if code == "model_not_found" or type_ == "not_found_error" and status in (400, 404):
        cls = NotFoundError
    elif code == "insufficient_credits" or type_ == "insufficient_credits":
        cls = InsufficientCreditsError
    elif status in _BY_STATUS:
        cls = _BY_STATUS[status]
    elif status >= 500:
        cls = ServerError
    else:
        cls = PoeError
    return cls(
        message,
        status=status,
        type=type_,
        code=code,
        param=param,
        retry_after=parse_retry_after(retry_after),
        metadata=metadata,
    )
