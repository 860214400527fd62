"""The Poe API client: typed events, records and errors over one shared httpx client.

Names load on first use: the UI imports `poe_tui.client.records` on its way to the first
frame, and must not pay for httpx there.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "poe_tui.client.errors": [
        "AuthenticationError", "BadRequestError", "ConnectError", "EmptyReply", "FirstByteTimeout",
        "IdleTimeout", "InsufficientCreditsError",
        "ModerationError", "NotFoundError", "PoeError", "ProtocolError", "RateLimitError",
        "RequestTimeoutError", "RequestTooLargeError", "ServerError", "StreamError", "StreamInterrupted",
    ],
    "poe_tui.client.events": ["Finish", "StreamProgress", "ReasoningDelta", "Retrying", "StreamEvent", "TextDelta", "Usage"],
    "poe_tui.client.http": ["DEFAULT_BASE_URL", "PoeClient", "reply_from_completion"],
    "poe_tui.client.records": [
        "Balance", "Bot", "BotParameter", "ChatReply", "PointsEntry", "PointsPage", "Pricing", "parse_models",
    ],
    "poe_tui.client.retry": ["RateLimiter", "RetryPolicy"],
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'poe_tui.client' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
