"""What an answer costs in points, from the bot's USD pricing (1 point = $0.00003).

Token-priced bots pay per prompt and completion token (and per input image when priced),
request-priced bots a flat fee; bots without pricing pay a flat fee by what they produce.
Every answer costs at least one point.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from .bots import BotInfo
from .state import POINT_USD

# Flat fees for bots the list gives no price for, by output kind.
UNPRICED_POINTS = {"text": 20, "image": 150, "audio": 150, "video": 1500}


def _usd(pricing: dict[str, Any], name: str) -> Decimal:
    try:
        return Decimal(str(pricing.get(name) or 0))
    except InvalidOperation:
        return Decimal(0)


def _points(usd: Decimal) -> int:
    return math.ceil(usd / POINT_USD) if usd > 0 else 0


def cost(bot: BotInfo, prompt_tokens: int, completion_tokens: int, images: int = 0) -> tuple[int, dict[str, str]]:
    """(points, breakdown by label) for one answer."""
    pricing = bot.pricing
    if not pricing:
        points = UNPRICED_POINTS[bot.media_kind or "text"]
        return points, {"Request": str(points)}
    parts = {
        "Input": _points(_usd(pricing, "prompt") * prompt_tokens),
        "Output": _points(_usd(pricing, "completion") * completion_tokens),
        "Images": _points(_usd(pricing, "image") * images),
        "Request": _points(_usd(pricing, "request")),
    }
    breakdown = {label: str(points) for label, points in parts.items() if points}
    total = sum(parts.values())
    if total < 1:
        total = 1
        breakdown = {"Minimum": "1"}
    return total, breakdown
