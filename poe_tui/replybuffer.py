"""The reply being streamed, and how it reaches the disk.

Its row appears with the first text and is flushed on a timer, so a bot that pauses mid-reply
still has everything so far on disk. It remembers how much reached the disk, so a failed save is
reported exactly and can be retried; another process's lock is waited out, never the event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

from poe_tui.client.events import ReasoningDelta, TextDelta
from poe_tui.store.asyncstore import AsyncStore
from poe_tui.store.errors import StoreError
from poe_tui.store.records import Message

BUSY_PATIENCE = 120.0  # seconds a final save keeps retrying while another process holds the lock


def _is_busy(exc: StoreError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


class ReplyBuffer:
    """One reply's text, its row, and what of it is saved."""

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
