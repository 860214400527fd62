"""Typed events a chat stream yields, so consumers never touch raw chunk JSON."""

from __future__ import annotations

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


StreamEvent = Union[TextDelta, ReasoningDelta, Usage, Finish, Retrying]
