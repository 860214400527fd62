"""What the user is told when a reply fails or is retried: what happened and what to do.

Notices are in the user's words: `plain` takes out Python's exception class names (a library's
"RemoteProtocolError" means nothing to a person) and the doubled full stops that joining
sentences leaves behind.
"""

from __future__ import annotations

import re
from typing import Any

from poe_tui.textsafe import one_line

_CLASS = r"(?:[a-z_][a-z0-9_]*\.)*[A-Z][A-Za-z0-9]*(?:Error|Exception|Timeout|Interrupted|Warning|NoMatches)"
_CLASS_IN_PARENS = re.compile(rf"\s*\({_CLASS}\)")
_CLASS_PREFIX = re.compile(rf"(?:(?<=^)|(?<=[\s(:]))(?:{_CLASS}): ?")
_CLASS_WORD = re.compile(rf"\b{_CLASS}\b")
_DOUBLED_STOP = re.compile(r"(?<!\.)\. ?\.(?!\.)")  # ".." or ". ." but not an ellipsis
_STOP_AFTER_MARK = re.compile(r"([!?]) ?\.(?!\.)")  # "?." → "?"


def _words(name: str) -> str:
    """'RemoteProtocolError' → 'remote protocol error'."""
    name = name.rsplit(".", 1)[-1]
    return " ".join(re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name)).lower()


def plain(text: str) -> str:
    """`text` without exception class names or doubled full stops (an ellipsis '...' stays)."""
    text = _CLASS_IN_PARENS.sub("", text)
    text = _CLASS_PREFIX.sub("", text)
    text = _CLASS_WORD.sub(lambda m: _words(m.group(0)), text)
    text = _DOUBLED_STOP.sub(".", text)
    return _STOP_AFTER_MARK.sub(r"\1", text)


def failure_notice(error: Any, bot: str, suggestions: tuple[str, ...] = (), balance: int | None = None) -> tuple[str, str, str]:
    """(title, text, severity) for a failed reply; `error` is a PoeError or None (cut off)."""
    from poe_tui.client import (
        AuthenticationError,
        ConnectError,
        EmptyReply,
        FirstByteTimeout,
        IdleTimeout,
        InsufficientCreditsError,
        NotFoundError,
        RateLimitError,
        RequestTimeoutError,
        RequestTooLargeError,
        ServerError,
        StreamInterrupted,
    )

    bot = one_line(bot, 60)
    if error is None:
        return "Interrupted", "The reply was interrupted; what arrived is saved. /retry asks again.", "warning"
    if isinstance(error, AuthenticationError):
        title, advice = "API key rejected (401)", "Enter a new key in the window that opened."
    elif isinstance(error, InsufficientCreditsError):
        shown = f"{balance:,} points" if balance is not None else "unknown"
        title, advice = "Out of points (402)", f"Balance: {shown}. Add points on poe.com, or pick a cheaper bot."
    elif isinstance(error, NotFoundError):
        title = f"Unknown bot {bot} (404)"
        said = "did you mean" in (getattr(error, "message", "") or "").lower()  # the service may suggest too
        advice = (f"Did you mean: {', '.join(suggestions)}? " if suggestions and not said else "") + "Pick one with /model NAME or the bot list."
    elif isinstance(error, RequestTooLargeError):
        title, advice = "Conversation too long (413)", f"It exceeds {bot}'s context window: /new starts afresh, or pick a bot with a larger context."
    elif isinstance(error, RateLimitError):
        title, advice = "Rate limited (429)", "Still rate limited after retrying: wait a little, then /retry."
    elif isinstance(error, FirstByteTimeout):
        title, advice = "No answer", f"The service took the request, but {bot} sent nothing. {error.hint}"
    elif isinstance(error, IdleTimeout):
        title, advice = "Reply stalled", f"{bot} stopped sending; what arrived is saved. {error.hint}"
    elif isinstance(error, EmptyReply):
        title, advice = "Empty reply", error.hint
    elif isinstance(error, (ConnectError, RequestTimeoutError)):
        title, advice = "Network problem", "Could not reach the service: check the connection (or POE_BASE_URL), then /retry."
    elif isinstance(error, ServerError):
        title, advice = f"Service error ({error.status})", f"{bot}'s provider failed: /retry, or pick another bot."
    elif isinstance(error, StreamInterrupted):
        title, advice = "Reply cut off", "The connection closed early; what arrived is saved. /retry asks again."
    else:
        status = f" ({error.status})" if error.status else ""
        title, advice = f"Request failed{status}", error.hint or "/retry to try again."
    return title, plain(f"{one_line(error.message, 300)}\n{advice}"), "error"


def retry_note(event: Any) -> str:
    """The line shown while the client waits before retrying (a `Retrying` event)."""
    from poe_tui.client import RateLimitError

    seconds = f"{event.delay:.0f}" if event.delay >= 1 else f"{event.delay:.1f}"
    if isinstance(event.error, RateLimitError):
        return f"rate limited, retrying in {seconds} s"
    status = getattr(event.error, "status", None)
    what = f"service error {status}" if status else "network problem"
    return f"{what}, retrying in {seconds} s (attempt {event.attempt + 1})"
