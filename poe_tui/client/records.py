"""Typed records for what the API returns: bots, balance, points history, a whole reply.

Parsing is tolerant: any field but a bot's `id` may be null, missing or of an odd type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


MEDIA_MODALITIES = frozenset({"image", "video", "audio"})
POINT_USD = Decimal("0.00003")  # what one Poe point is worth (the list prices 1-point bots at this)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return None
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Pricing:
    """USD prices: per token for prompt/completion, per request for flat-priced bots."""

    prompt: Decimal | None = None
    completion: Decimal | None = None
    request: Decimal | None = None
    image: Decimal | None = None

    @classmethod
    def parse(cls, value: Any) -> Pricing | None:
        if not isinstance(value, dict):
            return None
        p = cls(
            prompt=_decimal(value.get("prompt")),
            completion=_decimal(value.get("completion")),
            request=_decimal(value.get("request")),
            image=_decimal(value.get("image")),
        )
        return None if p == cls() else p

    def points(self, prompt_tokens: int, completion_tokens: int = 0) -> int:
        """Points for a request of that size (rounded up; a flat-priced bot's fee whatever the size)."""
        import math

        usd = (self.prompt or 0) * prompt_tokens + (self.completion or 0) * completion_tokens + (self.request or 0)
        return math.ceil(usd / POINT_USD) if usd > 0 else 0

    def summary(self) -> str:
        """Short human label: '$2.6/$13 per Mtok' or '$0.018/req'."""
        if self.prompt is not None or self.completion is not None:
            def per_m(x: Decimal | None) -> str:
                return "?" if x is None else f"{(x * 1_000_000).normalize():f}"

            return f"${per_m(self.prompt)}/${per_m(self.completion)} per Mtok"
        if self.request is not None:
            return f"${self.request.normalize():f}/req"
        return ""


@dataclass(frozen=True, slots=True)
class ReasoningInfo:
    budget_max_tokens: int | None = None
    required: bool = False
    supports_reasoning_effort: bool = False

    @classmethod
    def parse(cls, value: Any) -> ReasoningInfo | None:
        if not isinstance(value, dict):
            return None
        budget = _dict(value.get("budget"))
        return cls(
            budget_max_tokens=_int(budget.get("max_tokens")),
            required=bool(value.get("required")),
            supports_reasoning_effort=bool(value.get("supports_reasoning_effort")),
        )


@dataclass(frozen=True, slots=True)
class BotParameter:
    """A bot-specific request key (sent top-level), as the bot declares it."""

    name: str
    schema: dict[str, Any] = field(default_factory=dict)
    default_value: Any = None
    description: str | None = None

    @classmethod
    def parse(cls, value: Any) -> BotParameter | None:
        if not isinstance(value, dict) or not isinstance(value.get("name"), str):
            return None
        return cls(
            name=value["name"],
            schema=_dict(value.get("schema")),
            default_value=value.get("default_value"),
            description=_str(value.get("description")),
        )


@dataclass(frozen=True, slots=True)
class Bot:
    id: str
    display_name: str
    description: str = ""
    owned_by: str | None = None
    created_ms: int | None = None
    input_modalities: tuple[str, ...] = ("text",)
    output_modalities: tuple[str, ...] = ("text",)
    pricing: Pricing | None = None
    context_length: int | None = None
    max_output_tokens: int | None = None
    reasoning: ReasoningInfo | None = None
    parameters: tuple[BotParameter, ...] = ()
    supported_endpoints: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def vision(self) -> bool:
        return "image" in self.input_modalities

    @property
    def reasons(self) -> bool:
        return self.reasoning is not None

    @property
    def slow_to_start(self) -> bool:
        """Media and reasoning bots really do think for tens of seconds before the first byte."""
        return self.reasons or bool(MEDIA_MODALITIES.intersection(self.output_modalities))

    @property
    def name(self) -> str:
        """The name to send as `model` (the historic casing where known)."""
        return self.display_name or self.id

    @classmethod
    def parse(cls, value: Any) -> Bot | None:
        """One entry of /v1/models; None when it has no usable id."""
        if not isinstance(value, dict):
            return None
        bot_id = value.get("id")
        if not isinstance(bot_id, str) or not bot_id.strip():
            return None
        meta = _dict(value.get("metadata"))
        arch = _dict(value.get("architecture"))
        window = _dict(value.get("context_window"))
        context = _int(window.get("context_length"))
        if context is None:
            context = _int(value.get("context_length"))
        params = tuple(p for p in (BotParameter.parse(x) for x in _list(value.get("parameters"))) if p)
        return cls(
            id=bot_id,
            display_name=_str(meta.get("display_name")) or bot_id,
            description=_str(value.get("description")) or "",
            owned_by=_str(value.get("owned_by")),
            created_ms=_int(value.get("created")),
            input_modalities=tuple(str(m) for m in _list(arch.get("input_modalities"))) or ("text",),
            output_modalities=tuple(str(m) for m in _list(arch.get("output_modalities"))) or ("text",),
            pricing=Pricing.parse(value.get("pricing")),
            context_length=context,
            max_output_tokens=_int(window.get("max_output_tokens")),
            reasoning=ReasoningInfo.parse(value.get("reasoning")),
            parameters=params,
            supported_endpoints=tuple(str(e) for e in _list(value.get("supported_endpoints"))),
            raw=value,
        )


def parse_models(body: Any) -> list[Bot]:
    """A whole /v1/models body into bots, skipping entries with no id."""
    data = _list(_dict(body).get("data")) if isinstance(body, dict) else _list(body)
    return [b for b in (Bot.parse(x) for x in data) if b is not None]


@dataclass(frozen=True, slots=True)
class Balance:
    points: int
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class PointsEntry:
    query_id: str
    bot_name: str
    creation_time_us: int
    usage_type: str
    cost_points: int
    cost_usd: str | None = None
    cost_breakdown: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, value: Any) -> PointsEntry | None:
        if not isinstance(value, dict) or not isinstance(value.get("query_id"), str):
            return None
        return cls(
            query_id=value["query_id"],
            bot_name=_str(value.get("bot_name")) or "",
            creation_time_us=_int(value.get("creation_time")) or 0,
            usage_type=_str(value.get("usage_type")) or "",
            cost_points=_int(value.get("cost_points")) or 0,
            cost_usd=_str(value.get("cost_usd")),
            cost_breakdown={str(k): str(v) for k, v in _dict(value.get("cost_breakdown_in_points")).items()},
        )


@dataclass(frozen=True, slots=True)
class PointsPage:
    entries: list[PointsEntry]
    has_more: bool

    @property
    def next_cursor(self) -> str | None:
        return self.entries[-1].query_id if self.has_more and self.entries else None


@dataclass(slots=True)
class ChatReply:
    """A finished non-streaming reply (or the sum of a stream)."""

    model: str
    content: str = ""
    reasoning: str = ""
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    tool_calls: list[Any] = field(default_factory=list)
    id: str | None = None
