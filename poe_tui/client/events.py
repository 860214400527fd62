"""Typed events a chat stream yields, so consumers never touch raw chunk JSON."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    text: str


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Finish:
    """The service said the reply is over (a finish_reason, or [DONE])."""

    reason: str | None


@dataclass(frozen=True, slots=True)
class Retrying:
    """A retryable failure before the first token; the client sleeps `delay` then tries again."""

    attempt: int
    delay: float
    error: Exception


@dataclass(slots=True)
class StreamProgress:
    """How a reply is coming along, for a UI that says "waiting 12 s" or "no data for 25 s".

    The client updates it as the stream runs (`PoeClient.progress` is the newest one); times are
    `time.monotonic()` readings. A UI polls it on a timer: reading it never blocks.
    """

    model: str
    first_byte_timeout: float
    idle_timeout: float
    started: float = field(default_factory=time.monotonic)  # when the (latest attempt's) request left
    first_data: float | None = None  # when the first text (or reasoning) arrived
    last_data: float | None = None  # when the latest text arrived
    chars: int = 0  # text and reasoning characters received
    attempt: int = 1
    ended: bool = False

    def touch(self, chars: int = 0) -> None:
        now = time.monotonic()
        if self.first_data is None:
            self.first_data = now
        self.last_data = now
        self.chars += chars

    def waiting(self, now: float | None = None) -> float:
        """Seconds since the request left."""
        return (time.monotonic() if now is None else now) - self.started

    def silent(self, now: float | None = None) -> float:
        """Seconds since the last data (since the request, while nothing has arrived)."""
        return (time.monotonic() if now is None else now) - (self.last_data or self.started)

    @property
    def deadline_in(self) -> float:
        """Seconds of silence left before the client gives up."""
        limit = self.idle_timeout if self.first_data is not None else self.first_byte_timeout
        return max(0.0, limit - self.silent())


StreamEvent = Union[TextDelta, ReasoningDelta, Usage, Finish, Retrying]
