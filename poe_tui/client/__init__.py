"""The Poe API client: typed events, records and errors over one shared httpx client."""

from poe_tui.client.errors import (
    AuthenticationError,
    BadRequestError,
    ConnectError,
    InsufficientCreditsError,
    ModerationError,
    NotFoundError,
    PoeError,
    ProtocolError,
    RateLimitError,
    RequestTimeoutError,
    RequestTooLargeError,
    ServerError,
    StreamError,
    StreamInterrupted,
)
from poe_tui.client.events import Finish, ReasoningDelta, Retrying, StreamEvent, TextDelta, Usage
from poe_tui.client.http import DEFAULT_BASE_URL, PoeClient, reply_from_completion
from poe_tui.client.records import Balance, Bot, BotParameter, ChatReply, PointsEntry, PointsPage, Pricing, parse_models
from poe_tui.client.retry import RateLimiter, RetryPolicy

__all__ = [name for name in dir() if not name.startswith("_")]
