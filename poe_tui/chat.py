"""The chat session: the one place that turns an intent ("send this to that bot") into
stored rows and a stream of typed events. UI-free: the TUI and the CLI both drive it.

Durability rules: the user row is committed before the request leaves; the reply row exists
from the first token and is flushed at least every `flush_interval` seconds; whatever happens
(finish, error, cancel), the row ends with a status and keeps what arrived.
"""

from __future__ import annotations

import asyncio
import difflib
import re
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Union

from poe_tui.client import (
    Finish,
    NotFoundError,
    PoeClient,
    PoeError,
    ReasoningDelta,
    Retrying,
    StreamInterrupted,
    TextDelta,
    Usage,
)
from poe_tui.store import Store, StoreError
from poe_tui.store.records import Message

MENTION = re.compile(r"^@([A-Za-z0-9][\w.\-]*)(?:\s+|$)", re.DOTALL)
TITLE_LENGTH = 60


class ChatInputError(ValueError):
    """The user's input cannot be sent (empty prompt, nothing to retry...)."""


@dataclass(frozen=True, slots=True)
class UserSaved:
    message: Message


@dataclass(frozen=True, slots=True)
class ReplyStarted:
    message_id: str
    bot: str


@dataclass(frozen=True, slots=True)
class ReplyFinished:
    message: Message


@dataclass(frozen=True, slots=True)
class ReplyFailed:
    """The reply ended badly: `message` is the stored row (status 'error' or 'interrupted')."""

    message: Message
    error: PoeError | None
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BalanceUpdated:
    points: int
    cost: int | None


ChatEvent = Union[UserSaved, ReplyStarted, TextDelta, ReasoningDelta, Retrying, ReplyFinished, ReplyFailed, BalanceUpdated]


def parse_mention(text: str) -> tuple[str | None, str]:
    """'@Bot rest' -> ('Bot', 'rest'); anything else -> (None, text)."""
    match = MENTION.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end():]


def make_title(text: str) -> str:
    title = " ".join(text.split())
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1].rstrip() + "…"


def suggest_bots(name: str, known: Iterable[str], n: int = 3) -> tuple[str, ...]:
    names = list(known)
    lower = {k.lower(): k for k in names}
    hits = difflib.get_close_matches(name.lower(), list(lower), n=n, cutoff=0.5)
    return tuple(lower[h] for h in hits)


def history_payload(messages: Iterable[Message], system_prompt: str | None) -> list[dict[str, Any]]:
    """The thread as plain user/assistant turns: what any bot, old or new, can read."""
    payload: list[dict[str, Any]] = []
    if system_prompt:
        payload.append({"role": "system", "content": system_prompt})
    for msg in messages:
        if msg.role not in ("user", "assistant") or not msg.content:
            continue
        payload.append({"role": msg.role, "content": msg.content})
    return payload


class _ReplyBuffer:
    """The reply being streamed: its row appears with the first text, and is flushed on a timer
    (so a bot that pauses mid-reply still has everything so far on disk)."""

    def __init__(self, store: Store, conversation_id: str, parent_id: str, bot: str) -> None:
        self.store, self.conversation_id, self.parent_id, self.bot = store, conversation_id, parent_id, bot
        self.id: str | None = None
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.dirty = False

    def add(self, event: TextDelta | ReasoningDelta) -> bool:
        """Take a delta; True when this created the row (the reply has started)."""
        (self.content if isinstance(event, TextDelta) else self.reasoning).append(event.text)
        if self.id is None:
            self._create("streaming")
            return True
        self.dirty = True
        return False

    def _create(self, status: str) -> None:
        self.id = self.store.add_message(
            self.conversation_id, "assistant", "".join(self.content), parent_id=self.parent_id,
            bot=self.bot, status=status, reasoning="".join(self.reasoning),
        ).id

    async def flush_every(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            if self.dirty and self.id is not None:
                try:
                    self._write()
                except StoreError:
                    pass  # busy or briefly unwritable: keep streaming, the next tick retries

    def _write(self, **fields: Any) -> None:
        self.dirty = False
        self.store.update_message(self.id, content="".join(self.content), reasoning="".join(self.reasoning), **fields)

    def finish(self, **fields: Any) -> None:
        if self.id is None:
            self._create("streaming")
        self._write(**fields)


class ChatSession:
    """One conversation with whichever bot is current; `bot` can change between sends."""

    def __init__(
        self,
        store: Store,
        client: PoeClient,
        *,
        bot: str,
        conversation_id: str | None = None,
        flush_interval: float = 0.5,
        known_bots: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.bot = bot
        self.conversation_id = conversation_id
        self.flush_interval = flush_interval
        self.known_bots = known_bots or (lambda: ())
        self.last_balance: int | None = None
        cached = store.cached_balance()
        if cached is not None:
            self.last_balance = cached[0]

    # ----------------------------------------------------------- conversation

    def messages(self, limit: int | None = None) -> list[Message]:
        if self.conversation_id is None:
            return []
        return self.store.get_messages(self.conversation_id, limit=limit)

    def new_conversation(self) -> None:
        """Start afresh; the conversation row is created by the first send."""
        self.conversation_id = None

    def open(self, conversation_id: str) -> None:
        if self.store.get_conversation(conversation_id) is None:
            raise ChatInputError(f"No conversation with id {conversation_id}.")
        self.conversation_id = conversation_id
        last_bot = next((m.bot for m in reversed(self.messages()) if m.role == "assistant" and m.bot), None)
        if last_bot:
            self.bot = last_bot

    def set_system_prompt(self, text: str | None) -> None:
        self._ensure_conversation(title=None)
        self.store.set_system_prompt(self.conversation_id, text or None)

    def _ensure_conversation(self, title: str | None) -> str:
        if self.conversation_id is None:
            self.conversation_id = self.store.create_conversation(title=title).id
        return self.conversation_id

    # ------------------------------------------------------------------- send

    async def send(self, text: str, *, bot: str | None = None, params: dict[str, Any] | None = None) -> AsyncIterator[ChatEvent]:
        """Save the user's turn, then stream the reply. `@Bot text` routes this one message."""
        mention, body = parse_mention(text.strip())
        if mention and bot is None:
            bot = mention
        if not body.strip():
            raise ChatInputError("The message is empty.")
        target = bot or self.bot
        conv_id = self._ensure_conversation(title=make_title(body))
        conv = self.store.get_conversation(conv_id)
        if conv is not None and not conv.title:
            self.store.rename_conversation(conv_id, make_title(body))
        previous = self.store.last_message(conv_id)
        user = self.store.add_message(conv_id, "user", body, parent_id=previous.id if previous else None)
        yield UserSaved(user)
        async with aclosing(self._reply(user, target, params)) as events:
            async for event in events:
                yield event

    async def retry(self, *, bot: str | None = None, params: dict[str, Any] | None = None) -> AsyncIterator[ChatEvent]:
        """Re-send the last user turn; the new reply is a sibling of the old one (history kept)."""
        user = next((m for m in reversed(self.messages()) if m.role == "user"), None)
        if user is None:
            raise ChatInputError("There is no message to retry.")
        async with aclosing(self._reply(user, bot or self.bot, params)) as events:
            async for event in events:
                yield event

    async def _reply(self, user: Message, bot: str, params: dict[str, Any] | None) -> AsyncIterator[ChatEvent]:
        conv_id = user.conversation_id
        conv = self.store.get_conversation(conv_id)
        thread = self.store.get_thread(conv_id, user.id)
        payload = history_payload(thread, conv.system_prompt if conv else None)
        if self.last_balance is None:
            await self._fetch_balance()  # once ever: without it the first reply's cost is unknown

        reply = _ReplyBuffer(self.store, conv_id, user.id, bot)
        usage: Usage | None = None
        finish: str | None = None
        status, error, error_text = "interrupted", None, "Cancelled before the reply was complete."
        ticker = asyncio.create_task(reply.flush_every(self.flush_interval))
        try:
            async with aclosing(self.client.stream_chat(bot, payload, params)) as stream:
                async for event in stream:
                    if isinstance(event, (TextDelta, ReasoningDelta)):
                        if reply.add(event):
                            self.store.add_recent_bot(bot)  # it answered: a name worth offering again
                            yield ReplyStarted(reply.id, bot)
                        yield event
                    elif isinstance(event, Usage):
                        usage = event
                    elif isinstance(event, Finish):
                        finish = event.reason
                    elif isinstance(event, Retrying):
                        yield event
            status, error_text = "complete", None
        except PoeError as exc:
            status = "interrupted" if isinstance(exc, StreamInterrupted) else "error"
            error, error_text = exc, exc.message
        except Exception as exc:  # a bug or a local failure: say what it was, then let it surface
            status, error_text = "error", f"{type(exc).__name__}: {exc}"
            raise
        finally:
            # Runs on cancel too (CancelledError / GeneratorExit): the partial reply is kept.
            ticker.cancel()
            fields: dict[str, Any] = {"status": status, "finish_reason": finish, "error": error_text}
            if usage is not None:
                fields.update(
                    prompt_tokens=usage.prompt_tokens,
                    completion_tokens=usage.completion_tokens,
                    total_tokens=usage.total_tokens,
                )
            reply.finish(**fields)

        message = self.store.get_message(reply.id)
        if status == "complete":
            yield ReplyFinished(message)
        else:
            suggestions = suggest_bots(bot, self.known_bots()) if isinstance(error, NotFoundError) else ()
            yield ReplyFailed(message, error, suggestions)
        update = await self._charge(reply.id)
        if update is not None:
            yield update

    async def _fetch_balance(self) -> None:
        try:
            self.last_balance = (await self.client.balance(retry=False)).points
        except PoeError:
            pass

    async def _charge(self, reply_id: str) -> BalanceUpdated | None:
        """Refresh the balance; the drop since the last reading is what this reply cost."""
        before = self.last_balance
        try:
            points = (await self.client.balance(retry=False)).points
        except PoeError:
            return None
        cost = before - points if before is not None and before >= points else None
        if cost is not None:
            self.store.update_message(reply_id, points=cost)
        self.last_balance = points
        self.store.cache_balance(points)
        return BalanceUpdated(points, cost)
