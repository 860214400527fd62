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
import difflib
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import aclosing
from typing import Any

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
from poe_tui.chatevents import (  # noqa: F401  (the session's events, importable from here)
    BalanceUpdated,
    ChatEvent,
    ChatInputError,
    Column,
    RecentsChanged,
    ReplyFailed,
    ReplyFinished,
    ReplyStarted,
    UserSaved,
)
from poe_tui import attachments as _files
from poe_tui.replybuffer import ReplyBuffer
from poe_tui.store import Store, StoreError
from poe_tui.store.asyncstore import AsyncStore
from poe_tui.store.records import Message

MENTION = re.compile(r"^@([A-Za-z0-9][\w.\-]*)(?:\s+|$)", re.DOTALL)
TITLE_LENGTH = 60
MAX_COMPARE = 4  # bots one message can go to at once
CANCELLED = "Cancelled before the reply was complete."
FIRST_BALANCE_WAIT = 3.0  # seconds the very first reply waits for a balance to measure its cost by


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


def history_payload(
    messages: Iterable[Message], system_prompt: str | None, files: Mapping[str, Sequence[Any]] | None = None,
    readable: Callable[[Any], str | None] | None = None,
) -> list[dict[str, Any]]:
    """The thread as plain user/assistant turns: what any bot, old or new, can read. A user turn
    with `files` (message id -> its attachments) goes as content parts, so a file sent once is
    sent again with the history, to whichever bot answers next. `readable(file)` says why the
    bot cannot read a file (None: it can); such a file goes as a note saying so, not dropped."""
    payload: list[dict[str, Any]] = []
    if system_prompt:
        payload.append({"role": "system", "content": system_prompt})
    for msg in messages:
        if msg.role not in ("user", "assistant") or not msg.content:
            continue
        attached = files.get(msg.id) if files and msg.role == "user" else None
        if not attached:
            payload.append({"role": msg.role, "content": msg.content})
            continue
        notes = [why for why in map(readable, attached) if why] if readable else []
        sendable = [f for f in attached if not readable or not readable(f)]
        text = msg.content + "".join(f"\n\n[{note}]" for note in notes)
        payload.append({"role": msg.role, "content": _files.content(text, sendable)})
    return payload


_END = object()


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
        bot_inputs: Callable[[str], Sequence[str] | None] | None = None,
    ) -> None:
        self.db = store if isinstance(store, AsyncStore) else AsyncStore(store)
        self.store = self.db.sync  # for scripts and tests; the session itself always awaits `db`
        self.client = client
        self.bot = bot
        self.conversation_id = conversation_id
        self.flush_interval = flush_interval
        self.known_bots = known_bots or (lambda: ())
        self.bot_inputs = bot_inputs or (lambda bot: None)  # a bot's input modalities (None: unknown)
        self.last_balance: int | None = None
        self.unsaved: ReplyBuffer | None = None  # a reply the disk refused, kept for save_unsaved()
        self.leaf_id: str | None = None  # the visible branch ends here (None: the newest message)
        self._pumps: set[asyncio.Task] = set()  # the HTTP streams running (several in a comparison)
        self._busy = 0  # replies being streamed or saved
        self._idle = asyncio.Event()  # set when none is
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

    async def forks(self) -> dict[str, tuple[int, int]]:
        """Messages of the visible branch that have other versions: id -> (which, how many)."""
        if self.conversation_id is None:
            return {}
        return await self.db.run(_forks, self.db.sync, self.conversation_id, self.leaf_id)

    async def show_version(self, message_id: str) -> list[Message]:
        """Follow another version of a message: the visible branch becomes the newest thread
        through it, what is sent next continues that branch, and reopening shows it again."""
        self.leaf_id = await self.db.latest_leaf(message_id)
        await self._remember_branch()
        return await self.messages()

    async def _remember_branch(self) -> None:
        if self.conversation_id is None or self.leaf_id is None:
            return
        try:
            await self.db.set_conversation_leaf(self.conversation_id, self.leaf_id)
        except StoreError:
            pass  # only where a reopen starts is lost

    async def choose(self, message_id: str) -> list[Message]:
        """Continue with this reply (a comparison's column, a version): its branch is shown, and
        its bot becomes the conversation's."""
        thread = await self.show_version(message_id)
        chosen = next((m for m in thread if m.id == message_id), None)
        if chosen is not None and chosen.bot:
            self.bot = chosen.bot
            await self.db.set_conversation_bot(chosen.conversation_id, chosen.bot)
        return thread

    async def open(self, conversation_id: str) -> list[Message]:
        """Make `conversation_id` current (the bot the user chose there becomes the bot);
        returns its messages."""
        conv = await self.db.get_conversation(conversation_id)
        if conv is None:
            raise ChatInputError(f"No conversation with id {conversation_id}.")
        self.conversation_id = conversation_id
        self.leaf_id = None  # the branch chosen last (else the newest)
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

    async def send(
        self, text: str, *, bot: str | None = None, params: dict[str, Any] | None = None, files: Sequence[Any] = ()
    ) -> AsyncIterator[ChatEvent]:
        """Save the user's turn (with `files`, drafts to attach: checked by the caller against
        the bot), then stream the reply. `@Bot text` routes this one message."""
        mention, body = parse_mention(text.strip())
        if mention and bot is None:
            bot = mention
        if not body.strip():
            raise ChatInputError("The message is empty.")
        target = bot or self.bot
        chosen = None if mention else target  # @Bot reaches a bot; it does not choose one
        user, attached = await self._save_turn(body, self.leaf_id, chosen, after_newest=True, files=files)
        yield UserSaved(user, target, attached)
        async with aclosing(self._reply(user, target, params)) as events:
            async for event in events:
                yield event

    async def edit(self, message_id: str, text: str, *, params: dict[str, Any] | None = None) -> AsyncIterator[ChatEvent]:
        """Send an earlier message again, changed: a new branch from that point, to the current
        bot. The old branch stays, one version away."""
        original = await self.db.get_message(message_id)
        if original is None or original.role != "user" or original.conversation_id != self.conversation_id:
            raise ChatInputError("Only your own messages in this conversation can be edited.")
        body = text.strip()
        if not body:
            raise ChatInputError("The message is empty.")
        user, attached = await self._save_turn(body, original.parent_id, self.bot, after_newest=False, copy_from=original.id)
        yield UserSaved(user, self.bot, attached)
        async with aclosing(self._reply(user, self.bot, params)) as events:
            async for event in events:
                yield event

    async def compare(
        self, text: str, bots: list[str], *, params: dict[str, dict[str, Any]] | None = None, files: Sequence[Any] = ()
    ) -> AsyncIterator[ChatEvent]:
        """One message to 2-4 bots at once. Their replies stream concurrently, as `Column`
        events, and are siblings: the first is the branch shown until another is chosen
        (`show_version`). A failure in one column does not stop the others. `params`: each
        bot's own values, by bot name."""
        names = list(dict.fromkeys(b for b in bots if b))
        if not 2 <= len(names) <= MAX_COMPARE:
            raise ChatInputError(f"Compare takes 2 to {MAX_COMPARE} different bots.")
        body = text.strip()
        if not body:
            raise ChatInputError("The message is empty.")
        user, attached = await self._save_turn(body, self.leaf_id, names[0], after_newest=True, files=files)
        yield UserSaved(user, names[0], attached)
        if self.last_balance is None:  # one reading before all the columns: the total is their cost
            try:
                await asyncio.wait_for(self._fetch_balance(), FIRST_BALANCE_WAIT)
            except asyncio.TimeoutError:
                pass
        before = self.last_balance
        merged: asyncio.Queue = asyncio.Queue()

        async def run(index: int, bot: str) -> None:
            try:
                values = (params or {}).get(bot)
                async with aclosing(self._reply(user, bot, values, follow=False, charge=False)) as events:
                    async for event in events:
                        merged.put_nowait(Column(index, bot, event))
            finally:
                merged.put_nowait(_END)

        tasks = [asyncio.create_task(run(i, bot)) for i, bot in enumerate(names)]
        finished: dict[int, Message] = {}
        try:
            running = len(tasks)
            while running:
                item = await merged.get()
                if item is _END:
                    running -= 1
                    continue
                if isinstance(item.event, (ReplyFinished, ReplyFailed)) and item.event.message.id:
                    finished[item.index] = item.event.message
                yield item
        finally:
            for task in tasks:
                if not task.done():
                    task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            first = finished.get(min(finished)) if finished else None
            self.leaf_id = first.id if first is not None else user.id
            await self._remember_branch()
        if before is not None:
            update = await self._charge(None)  # one reading for all: the comparison's total
            if update is not None:
                yield update

    async def _save_turn(
        self, body: str, parent: str | None, chosen: str | None, *, after_newest: bool, files: Sequence[Any] = (),
        copy_from: str | None = None,
    ) -> tuple[Message, tuple[Any, ...]]:
        """The user's turn and its attachments (new `files`, or those of the message at `copy_from`)."""
        user, attached = await self.db.run(
            _save_user_turn, self.db.sync, self.conversation_id, body, parent, chosen, after_newest, files, copy_from
        )
        self.conversation_id, self.leaf_id = user.conversation_id, user.id
        return user, attached

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
        """Stop every reply that is streaming; their generators then report how they ended."""
        running = [p for p in self._pumps if not p.done()]
        for pump in running:
            pump.cancel()
        return bool(running)

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
        if reply.conversation_id == self.conversation_id and self.leaf_id == reply.parent_id:
            self.leaf_id = reply.id  # the reply the disk refused was where the branch ended
            await self._remember_branch()
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

    async def _reply(
        self, user: Message, bot: str, params: dict[str, Any] | None, *, follow: bool = True, charge: bool = True
    ) -> AsyncIterator[ChatEvent]:
        """Stream one reply to `user`; `follow` moves the visible branch onto it, `charge` reads
        the balance after it (a comparison reads it once for all its replies)."""
        conv_id = user.conversation_id
        conv, thread, cached, files = await self.db.run(_thread_and_balance, self.db.sync, conv_id, user.id)
        inputs = self.bot_inputs(bot)
        readable = None if inputs is None else (
            lambda f: _files.refusal(bot, inputs, _files.kind_of(f.mime), f.filename))
        payload = history_payload(thread, conv.system_prompt if conv else None, files, readable)
        if self.last_balance is None:
            self.last_balance = cached

        reply = ReplyBuffer(self.db, conv_id, user.id, bot)
        self._busy += 1
        self._idle.clear()
        usage: Usage | None = None
        finish: str | None = None
        status, error, error_text = "interrupted", None, CANCELLED
        queue: asyncio.Queue = asyncio.Queue()
        pump = asyncio.create_task(self._stream_into(queue, bot, payload, params))
        self._pumps.add(pump)
        pump.add_done_callback(self._pumps.discard)
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
                            status, error_text = "error", f"poe-tui failed unexpectedly: {event}"
                            raise event
                    elif isinstance(event, (TextDelta, ReasoningDelta)):
                        reply.add(event)
                        if not started:
                            started = True
                            # A disk that refuses the row does not stop the reply: it streams
                            # into memory, and the timer and the last save try again.
                            try:
                                await reply.create()
                                if params:  # the header shows them after a restart too
                                    await self.db.set_sent_params(reply.id, dict(params))
                                if follow:
                                    self.leaf_id = reply.id
                                    await self._remember_branch()
                            except StoreError:
                                pass
                            yield ReplyStarted(reply.id, bot, dict(params or {}))
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
                if reply.row is not None and follow:
                    self.leaf_id = reply.id
                    await self._remember_branch()
            finally:
                if reply.save_error:
                    self.unsaved = reply
                elif self.unsaved is reply:
                    self.unsaved = None
                self._busy -= 1
                if not self._busy:
                    self._idle.set()

        message = reply.message()
        saved = {"save_error": reply.save_error, "saved_chars": reply.saved_chars if reply.save_error else None}
        if status == "complete":
            yield ReplyFinished(message, **saved)
        else:
            suggestions = suggest_bots(bot, self.known_bots()) if isinstance(error, NotFoundError) else ()
            yield ReplyFailed(message, error, suggestions, **saved)
        if charge:
            update = await self._charge(message)
            if update is not None:
                yield update

    async def _fetch_balance(self) -> None:
        try:
            self.last_balance = (await self.client.balance(retry=False)).points
        except PoeError:
            pass

    async def _charge(self, message: Message | None) -> BalanceUpdated | None:
        """Refresh the balance; the drop since the last reading is what this reply cost (with no
        message, what the comparison cost)."""
        before = self.last_balance
        try:
            points = (await self.client.balance(retry=False)).points
        except PoeError:
            return None
        cost = before - points if before is not None and before >= points else None
        self.last_balance = points
        try:
            if cost is not None and message is not None and message.id and self.unsaved is None:
                await self.db.update_message(message.id, points=cost)
            await self.db.cache_balance(points)
        except StoreError:
            pass  # the figure is still shown; only its record is missing
        if message is not None and cost is not None:
            message = dataclasses.replace(message, points=cost)
        return BalanceUpdated(points, cost, message)


def _save_user_turn(
    store: Store, conv_id: str | None, body: str, parent: str | None, chosen: str | None, after_newest: bool,
    files: Sequence[Any] = (), copy_from: str | None = None,
) -> tuple[Message, tuple[Any, ...]]:
    """One trip to the store's thread and one transaction: the conversation (created when new,
    titled when untitled, with the bot the user chose) and the user's turn after `parent` (with
    `after_newest`, no parent means after the newest message; without, a first message). A
    failure leaves nothing behind, not even an empty conversation."""
    with store.transaction():
        conv = store.get_conversation(conv_id) if conv_id is not None else None
        if conv is None:
            conv = store.create_conversation(title=make_title(body))
            conv_id = conv.id
        elif not conv.title:
            store.rename_conversation(conv_id, make_title(body))
        if chosen is not None and conv.bot != chosen:
            store.set_conversation_bot(conv_id, chosen)
        if parent is None and after_newest:
            parent = store.visible_leaf(conv_id)  # the end of the branch on screen
        user = store.add_message(conv_id, "user", body, parent_id=parent)
        store.set_conversation_leaf(conv_id, user.id)
        if copy_from is not None:
            files = [f for f in store.attachments(copy_from) if f.data is not None]
        attached = tuple(store.add_attachment(user.id, f.filename, f.mime, f.data) for f in files)
        return user, attached


def _forks(store: Store, conv_id: str, leaf_id: str | None) -> dict[str, tuple[int, int]]:
    """Two reads, whatever the length: the branch on screen, and the tree's shape."""
    siblings: dict[str | None, list[str]] = {}
    for message_id, parent_id in store.message_tree(conv_id):
        siblings.setdefault(parent_id, []).append(message_id)
    out: dict[str, tuple[int, int]] = {}
    for message in store.get_thread(conv_id, leaf_id):
        versions = siblings.get(message.parent_id, ())
        if len(versions) > 1:
            out[message.id] = (versions.index(message.id) + 1, len(versions))
    return out


def _thread_and_balance(
    store: Store, conv_id: str, user_id: str
) -> tuple[Any, list[Message], int | None, dict[str, list[Any]]]:
    cached = store.cached_balance()
    thread = store.get_thread(conv_id, user_id)
    files = store.attachments_for([m.id for m in thread if m.role == "user"])
    return store.get_conversation(conv_id), thread, cached[0] if cached else None, files


def _coalesce(batch: list[Any]) -> list[Any]:
    """Runs of text (or reasoning) deltas that arrived together become one: a fast stream then
    costs the UI one update per batch, not one per chunk."""
    out: list[Any] = []
    run: list[str] = []  # the texts of the run being gathered (joined once, not re-copied per chunk)
    for event in batch:
        if run and type(event) is type(out[-1]):
            run.append(event.text)
            continue
        if len(run) > 1:
            out[-1] = type(out[-1])("".join(run))
        out.append(event)
        run = [event.text] if type(event) in (TextDelta, ReasoningDelta) else []
    if len(run) > 1:
        out[-1] = type(out[-1])("".join(run))
    return out
