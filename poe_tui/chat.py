"""The chat session: the one place that turns an intent ("send this to that bot") into
stored rows and a stream of typed events. UI-free: the TUI and the CLI both drive it.

Durability rules: the user row is committed before the request leaves; the reply row exists
from the first token and is flushed at least every `flush_interval` seconds; whatever happens
(finish, error, cancel), the row ends with a status and keeps what arrived.

Every store call runs on the store's own thread (`AsyncStore`): a database locked by another
process delays the save, never the event loop. The events say everything that happened, so a
UI renders them and never reads the store to find out.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
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
from poe_tui.store.asyncstore import AsyncStore
from poe_tui.store.records import Message

MENTION = re.compile(r"^@([A-Za-z0-9][\w.\-]*)(?:\s+|$)", re.DOTALL)
TITLE_LENGTH = 60
BUSY_PATIENCE = 120.0  # seconds a final save keeps retrying while another process holds the lock
CANCELLED = "Cancelled before the reply was complete."
FIRST_BALANCE_WAIT = 3.0  # seconds the very first reply waits for a balance to measure its cost by


class ChatInputError(ValueError):
    """The user's input cannot be sent (empty prompt, nothing to retry...)."""


@dataclass(frozen=True, slots=True)
class UserSaved:
    """The user's turn is on disk; the request to `bot` is about to leave."""

    message: Message
    bot: str


@dataclass(frozen=True, slots=True)
class ReplyStarted:
    message_id: str
    bot: str


@dataclass(frozen=True, slots=True)
class ReplyFinished:
    """`saved_chars` < len(content) when the disk refused part of it (`save_error` says why)."""

    message: Message
    save_error: str | None = None
    saved_chars: int | None = None


@dataclass(frozen=True, slots=True)
class ReplyFailed:
    """The reply ended badly: `message` is its final row (status 'error' or 'interrupted')."""

    message: Message
    error: PoeError | None
    suggestions: tuple[str, ...] = ()
    save_error: str | None = None
    saved_chars: int | None = None


@dataclass(frozen=True, slots=True)
class RecentsChanged:
    """A bot answered: the recent bots, most recent first."""

    recents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BalanceUpdated:
    """The balance after a reply; `message` is that reply with its points (`cost`) recorded."""

    points: int
    cost: int | None
    message: Message | None = None


ChatEvent = Union[
    UserSaved, ReplyStarted, TextDelta, ReasoningDelta, Retrying, ReplyFinished, ReplyFailed, RecentsChanged, BalanceUpdated
]


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


def _is_busy(exc: StoreError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


_END = object()


class _ReplyBuffer:
    """The reply being streamed: its row appears with the first text and is flushed on a timer
    (so a bot that pauses mid-reply still has everything so far on disk). It remembers how much
    reached the disk, so a failed save is reported exactly and can be retried."""

    def __init__(self, db: AsyncStore, conversation_id: str, parent_id: str, bot: str) -> None:
        self.db, self.conversation_id, self.parent_id, self.bot = db, conversation_id, parent_id, bot
        self.row: Message | None = None
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.dirty = False
        self.saved_chars = 0
        self.save_error: str | None = None
        self.final: dict[str, Any] = {}

    @property
    def id(self) -> str | None:
        return self.row.id if self.row is not None else None

    def add(self, event: TextDelta | ReasoningDelta) -> None:
        (self.content if isinstance(event, TextDelta) else self.reasoning).append(event.text)
        self.dirty = True

    async def create(self) -> None:
        text = "".join(self.content)
        self.row = await self.db.add_message(
            self.conversation_id, "assistant", text, parent_id=self.parent_id,
            bot=self.bot, status="streaming", reasoning="".join(self.reasoning),
        )
        self.saved_chars = len(text)

    async def flush_every(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            if self.dirty:
                try:
                    if self.row is None:
                        await self.create()
                    await self._write()
                except StoreError:
                    pass  # busy or briefly unwritable: keep streaming, the next tick retries

    async def _write(self, **fields: Any) -> None:
        self.dirty = False
        text = "".join(self.content)
        await self.db.update_message(self.row.id, content=text, reasoning="".join(self.reasoning), **fields)
        self.saved_chars = len(text)

    async def finish(self, **fields: Any) -> None:
        """The last save: waits out another process's lock; a full disk is remembered, not raised."""
        self.final = fields
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_PATIENCE
        while True:
            try:
                if self.row is None:
                    await self.create()
                await self._write(**fields)
                self.save_error = None
                return
            except StoreError as exc:
                if _is_busy(exc) and loop.time() < deadline:
                    await asyncio.sleep(0.2)
                    continue
                self.save_error = str(exc)
                return

    def message(self) -> Message:
        """The reply as it ends, from memory (what the disk holds may be less: see save_error)."""
        row = self.row
        if row is None:  # the disk never took it: a record of what arrived, with no id yet
            now = time.time()
            row = Message("", self.conversation_id, self.parent_id, "assistant", "", "", self.bot, "streaming",
                          None, None, None, None, None, None, now, now)
        return dataclasses.replace(row, content="".join(self.content), reasoning="".join(self.reasoning), **self.final)


class ChatSession:
    """One conversation with whichever bot is current; `bot` can change between sends."""

    def __init__(
        self,
        store: Store | AsyncStore,
        client: PoeClient,
        *,
        bot: str,
        conversation_id: str | None = None,
        flush_interval: float = 0.5,
        known_bots: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        self.db = store if isinstance(store, AsyncStore) else AsyncStore(store)
        self.store = self.db.sync  # for scripts and tests; the session itself always awaits `db`
        self.client = client
        self.bot = bot
        self.conversation_id = conversation_id
        self.flush_interval = flush_interval
        self.known_bots = known_bots or (lambda: ())
        self.last_balance: int | None = None
        self.unsaved: _ReplyBuffer | None = None  # a reply the disk refused, kept for save_unsaved()
        self.leaf_id: str | None = None  # the visible branch ends here (None: the newest message)
        self._pump: asyncio.Task | None = None
        self._idle = asyncio.Event()  # set when no reply is being streamed or saved
        self._idle.set()

    # ----------------------------------------------------------- conversation

    async def messages(self, limit: int | None = None) -> list[Message]:
        """The visible branch: from the first message to the current leaf."""
        if self.conversation_id is None:
            return []
        return await self.db.get_thread(self.conversation_id, self.leaf_id, limit=limit)

    def new_conversation(self) -> None:
        """Start afresh; the conversation row is created by the first send."""
        self.conversation_id = None
        self.leaf_id = None

    async def versions(self, message_id: str) -> list[Message]:
        """The message and its alternatives (a regenerated reply's siblings), oldest first."""
        return await self.db.siblings(message_id)

    async def show_version(self, message_id: str) -> list[Message]:
        """Follow another version of a message: the visible branch becomes the newest thread
        through it, and what is sent next continues that branch."""
        self.leaf_id = await self.db.latest_leaf(message_id)
        return await self.messages()

    async def open(self, conversation_id: str) -> list[Message]:
        """Make `conversation_id` current (the bot the user chose there becomes the bot);
        returns its messages."""
        conv = await self.db.get_conversation(conversation_id)
        if conv is None:
            raise ChatInputError(f"No conversation with id {conversation_id}.")
        self.conversation_id = conversation_id
        self.leaf_id = None  # the newest thread
        messages = await self.messages()
        self.leaf_id = messages[-1].id if messages else None
        chosen = conv.bot or next((m.bot for m in reversed(messages) if m.role == "assistant" and m.bot), None)
        if chosen:
            self.bot = chosen
        return messages

    async def set_system_prompt(self, text: str | None) -> None:
        await self._ensure_conversation(title=None)
        await self.db.set_system_prompt(self.conversation_id, text or None)

    async def _ensure_conversation(self, title: str | None) -> str:
        if self.conversation_id is None:
            self.conversation_id = (await self.db.create_conversation(title=title)).id
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
        chosen = None if mention else target  # @Bot reaches a bot; it does not choose one
        user = await self.db.run(_save_user_turn, self.db.sync, self.conversation_id, body, self.leaf_id, chosen)
        self.conversation_id, self.leaf_id = user.conversation_id, user.id
        yield UserSaved(user, target)
        async with aclosing(self._reply(user, target, params)) as events:
            async for event in events:
                yield event

    async def retry(self, *, bot: str | None = None, params: dict[str, Any] | None = None) -> AsyncIterator[ChatEvent]:
        """Re-send the last user turn; the new reply is a sibling of the old one (history kept)."""
        user = next((m for m in reversed(await self.messages()) if m.role == "user"), None)
        if user is None:
            raise ChatInputError("There is no message to retry.")
        if bot is None:  # regenerating with the current bot chooses it, as sending does
            await self.db.set_conversation_bot(user.conversation_id, self.bot)
        async with aclosing(self._reply(user, bot or self.bot, params)) as events:
            async for event in events:
                yield event

    def cancel(self) -> bool:
        """Stop the reply that is streaming; its generator then reports how it ended."""
        if self._pump is None or self._pump.done():
            return False
        self._pump.cancel()
        return True

    async def stop(self, timeout: float = 10.0) -> None:
        """Cancel a streaming reply and wait until its last save is done (quitting the app)."""
        self.cancel()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    async def save_unsaved(self) -> int:
        """Retry saving a reply the disk refused; returns how many characters are now saved."""
        reply = self.unsaved
        if reply is None:
            return 0
        await reply.finish(**reply.final)
        if reply.save_error is not None:
            raise StoreError(reply.save_error)
        self.unsaved = None
        return reply.saved_chars

    async def _stream_into(self, queue: asyncio.Queue, bot: str, payload: list[dict[str, Any]], params: dict[str, Any] | None) -> None:
        """Read the HTTP stream into `queue`, ending with `_END` or the exception that ended it;
        running apart from the consumer lets `cancel()` stop it and the consumer batch chunks."""
        try:
            if self.last_balance is None:  # once ever: without a reading before, the first cost is unknown
                try:
                    await asyncio.wait_for(self._fetch_balance(), FIRST_BALANCE_WAIT)
                except asyncio.TimeoutError:
                    pass
            async with aclosing(self.client.stream_chat(bot, payload, params)) as stream:
                async for event in stream:
                    queue.put_nowait(event)
            queue.put_nowait(_END)
        except BaseException as exc:  # CancelledError included: the consumer records how it ended
            queue.put_nowait(exc)
            if not isinstance(exc, Exception):
                raise

    async def _reply(self, user: Message, bot: str, params: dict[str, Any] | None) -> AsyncIterator[ChatEvent]:
        conv_id = user.conversation_id
        conv, thread, cached = await self.db.run(_thread_and_balance, self.db.sync, conv_id, user.id)
        payload = history_payload(thread, conv.system_prompt if conv else None)
        if self.last_balance is None:
            self.last_balance = cached

        reply = _ReplyBuffer(self.db, conv_id, user.id, bot)
        self._idle.clear()
        usage: Usage | None = None
        finish: str | None = None
        status, error, error_text = "interrupted", None, CANCELLED
        queue: asyncio.Queue = asyncio.Queue()
        pump = self._pump = asyncio.create_task(self._stream_into(queue, bot, payload, params))
        # A pump cancelled before it ran never reports: say so for it.
        pump.add_done_callback(lambda t: queue.put_nowait(asyncio.CancelledError()) if t.cancelled() else None)
        ticker = asyncio.create_task(reply.flush_every(self.flush_interval))
        started = False
        try:
            ended = False
            while not ended:
                batch = [await queue.get()]
                while not queue.empty():
                    batch.append(queue.get_nowait())
                for event in _coalesce(batch):
                    if event is _END:
                        status, error_text, ended = "complete", None, True
                    elif isinstance(event, BaseException):
                        ended = True
                        if isinstance(event, PoeError):
                            status = "interrupted" if isinstance(event, StreamInterrupted) else "error"
                            error, error_text = event, event.message
                        elif not isinstance(event, asyncio.CancelledError):  # a bug or a local failure
                            status, error_text = "error", f"{type(event).__name__}: {event}"
                            raise event
                    elif isinstance(event, (TextDelta, ReasoningDelta)):
                        reply.add(event)
                        if not started:
                            started = True
                            # A disk that refuses the row does not stop the reply: it streams
                            # into memory, and the timer and the last save try again.
                            try:
                                await reply.create()
                                self.leaf_id = reply.id
                            except StoreError:
                                pass
                            yield ReplyStarted(reply.id, bot)
                            try:
                                await self.db.add_recent_bot(bot)  # it answered: a name worth offering again
                                yield RecentsChanged(tuple(await self.db.recent_bots()))
                            except StoreError:
                                pass
                        yield event
                    elif isinstance(event, Usage):
                        usage = event
                    elif isinstance(event, Finish):
                        finish = event.reason
                    elif isinstance(event, Retrying):
                        yield event
        finally:
            # Runs on cancel too (CancelledError / GeneratorExit): the partial reply is kept.
            ticker.cancel()
            if not pump.done():
                pump.cancel()
            fields: dict[str, Any] = {"status": status, "finish_reason": finish, "error": error_text}
            if usage is not None:
                fields.update(
                    prompt_tokens=usage.prompt_tokens,
                    completion_tokens=usage.completion_tokens,
                    total_tokens=usage.total_tokens,
                )
            try:
                await reply.finish(**fields)
                if reply.row is not None:
                    self.leaf_id = reply.id
            finally:
                self.unsaved = reply if reply.save_error else None
                self._idle.set()

        message = reply.message()
        saved = {"save_error": reply.save_error, "saved_chars": reply.saved_chars if reply.save_error else None}
        if status == "complete":
            yield ReplyFinished(message, **saved)
        else:
            suggestions = suggest_bots(bot, self.known_bots()) if isinstance(error, NotFoundError) else ()
            yield ReplyFailed(message, error, suggestions, **saved)
        update = await self._charge(message)
        if update is not None:
            yield update

    async def _fetch_balance(self) -> None:
        try:
            self.last_balance = (await self.client.balance(retry=False)).points
        except PoeError:
            pass

    async def _charge(self, message: Message) -> BalanceUpdated | None:
        """Refresh the balance; the drop since the last reading is what this reply cost."""
        before = self.last_balance
        try:
            points = (await self.client.balance(retry=False)).points
        except PoeError:
            return None
        cost = before - points if before is not None and before >= points else None
        self.last_balance = points
        try:
            if cost is not None and self.unsaved is None:
                await self.db.update_message(message.id, points=cost)
            await self.db.cache_balance(points)
        except StoreError:
            pass  # the figure is still shown; only its record is missing
        return BalanceUpdated(points, cost, dataclasses.replace(message, points=cost) if cost is not None else message)


def _save_user_turn(store: Store, conv_id: str | None, body: str, leaf_id: str | None, chosen: str | None) -> Message:
    """One trip to the store's thread and one transaction: the conversation (created when new,
    titled when untitled, with the bot the user chose) and the user's turn on the visible branch
    (after `leaf_id`, or the newest message). A failure leaves nothing behind, not even an empty
    conversation."""
    with store.transaction():
        conv = store.get_conversation(conv_id) if conv_id is not None else None
        if conv is None:
            conv = store.create_conversation(title=make_title(body))
            conv_id = conv.id
        elif not conv.title:
            store.rename_conversation(conv_id, make_title(body))
        if chosen is not None and conv.bot != chosen:
            store.set_conversation_bot(conv_id, chosen)
        parent = leaf_id
        if parent is None:
            previous = store.last_message(conv_id)
            parent = previous.id if previous else None
        return store.add_message(conv_id, "user", body, parent_id=parent)


def _thread_and_balance(store: Store, conv_id: str, user_id: str) -> tuple[Any, list[Message], int | None]:
    cached = store.cached_balance()
    return store.get_conversation(conv_id), store.get_thread(conv_id, user_id), cached[0] if cached else None


def _coalesce(batch: list[Any]) -> list[Any]:
    """Runs of text (or reasoning) deltas that arrived together become one: a fast stream then
    costs the UI one update per batch, not one per chunk."""
    out: list[Any] = []
    for event in batch:
        if out and type(event) in (TextDelta, ReasoningDelta) and type(out[-1]) is type(event):
            out[-1] = type(event)(out[-1].text + event.text)
        else:
            out.append(event)
    return out
