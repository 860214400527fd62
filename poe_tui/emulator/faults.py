"""Faults: one-shot (or N-shot) misbehaviour queued on the state and applied to the next chat request.

A `Fault` either replaces the answer with an HTTP error (`status`, optionally as a CDN HTML page)
or an exact recorded body, or shapes a 200 answer: how its stream is framed (CRLF, pings, split bytes, changing ids, empty
deltas, where usage goes, which reasoning field) and how it ends (cut, stalled, an error event).
Every variant is one the contract says the client must tolerate. The same dataclass with its
defaults describes a well-behaved answer, so the stream code reads one object either way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

USAGE_MODES = ("final_chunk", "separate_chunk", "null_every", "none")
ENDPOINTS = ("chat", "models", "balance", "history", "any")
REASONING_FIELDS = ("reasoning_content", "reasoning", "both", "inline", "hidden")


@dataclass
class Fault:
    # Which requests it applies to, and how many times.
    model: str | None = None  # only a request naming this bot (id, display name or string sent), any case
    endpoint: str = "chat"  # or "models", "balance", "history", "any" (other endpoints take only errors/bodies)
    times: int = 1
    delay: float = 0.0  # seconds before the response starts (either mode)

    # An HTTP error instead of an answer (`status` 200 or None means no error).
    status: int | None = None
    error_type: str | None = None  # default from the contract's table
    message: str | None = None
    code: str | int | None = None
    param: str | None = None
    retry_after: str | int | float | None = None  # Retry-After header value
    html: bool = False  # a CDN HTML page instead of the JSON envelope
    body: str | None = None  # an exact response body, sent with `status` (default 200): replays a recording
    headers: dict[str, str] | None = None  # extra response headers, on whatever response this fault shapes

    # How a 200 stream ends early. Counts are text chunks (reasoning or content pieces).
    break_after: int | None = None  # then close the connection abruptly: no finish_reason, no [DONE]
    break_clean: bool = False  # with break_after: end the HTTP body cleanly instead of aborting
    stall_after: int | None = None  # then go silent for stall_seconds (ends early if the client leaves)
    stall_seconds: float = 30.0
    error_after: int | None = None  # then `data: {"error": {...}}` (message/error_type above)
    done_after_error: bool = False  # whether `data: [DONE]` follows that error event

    # How a 200 stream is framed.
    malformed: bool = False  # a truncated-JSON event and an empty `data:` event mid-stream
    usage_mode: str | None = None  # None: "final_chunk" if include_usage was asked, else "none"
    ping: bool = False  # `: ping` comment lines
    crlf: bool = False  # \r\n line endings
    split_bytes: bool = False  # body written in tiny pieces that cut multi-byte UTF-8 characters
    change_ids: bool = False  # a new chunk id on every chunk
    empty_deltas: bool = False  # interleave `{}` deltas and `{"content": ""}`
    role_first: bool = True  # first delta is only {"role": "assistant"}
    reasoning_field: str | None = None  # None: "both" (as the recordings show); see REASONING_FIELDS

    # What is said, and how fast.
    reply: str | None = None  # exact reply text
    reasoning: str | None = None  # exact reasoning text (also makes a non-reasoning bot reason)
    tokens_per_second: float | None = None  # overrides the state's pacing for this answer
    finish_reason: str | None = None  # e.g. "length", "content_filter"

    def __post_init__(self) -> None:
        if self.usage_mode is not None and self.usage_mode not in USAGE_MODES:
            raise ValueError(f"usage_mode must be one of {USAGE_MODES}")
        if self.reasoning_field is not None and self.reasoning_field not in REASONING_FIELDS:
            raise ValueError(f"reasoning_field must be one of {REASONING_FIELDS}")
        if self.endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {ENDPOINTS}")
        if self.times < 1:
            raise ValueError("times must be at least 1")
        for name in ("break_after", "stall_after", "error_after"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0")

    @property
    def is_immediate(self) -> bool:
        """True when this fault answers by itself (an error status or an exact body), skipping the bot."""
        return self.body is not None or (self.status is not None and self.status != 200)

    def matches(self, endpoint: str, names: set[str]) -> bool:
        """True when this fault applies to a request to `endpoint` for a bot known by `names` (lowercase)."""
        if self.endpoint not in (endpoint, "any"):
            return False
        if endpoint != "chat":
            return self.is_immediate and self.model is None
        return self.model is None or self.model.lower() in names

    @classmethod
    def from_dict(cls, data: Any) -> Fault:
        """Build from JSON (the control surface); unknown fields are an error, not ignored."""
        if not isinstance(data, dict):
            raise ValueError("a fault must be a JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


WELL_BEHAVED = Fault()
