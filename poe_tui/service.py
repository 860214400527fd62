"""The one object the screens talk to: catalogue, balance, history, sending. UI-free.

Screens never import the store or the client; everything they need is here, and every store
call runs on the store's thread (`AsyncStore`), so nothing the UI awaits blocks its loop. A test
can hand the screens a fake with the same methods.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from poe_tui.chat import ChatSession
    from poe_tui.client import Bot, PoeClient
    from poe_tui.runtime import Runtime
    from poe_tui.store import Store
    from poe_tui.store.asyncstore import AsyncStore
    from poe_tui.store.records import Conversation

# The screens' vocabulary: errors and records reach them through here, never from the store or
# the client directly (an import-linter contract holds the screens to it).
from poe_tui.client.errors import AuthenticationError, ConnectError, PoeError, RequestTimeoutError  # noqa: E402,F401
from poe_tui.store.errors import CorruptDatabase, StoreError  # noqa: E402,F401
from poe_tui.store.records import ConversationSummary, SearchHit  # noqa: E402,F401

EXPORT_FORMATS = ("md", "json")


class History(Protocol):
    """What the history screen may do: list, search and edit conversations (all awaited)."""

    clock: Callable[[], float]

    async def list_conversations(self, limit: int = ..., offset: int = ..., *, include_archived: bool = ...) -> list[ConversationSummary]: ...
    async def search(self, query: str, limit: int = ...) -> list[SearchHit]: ...
    async def get_conversation(self, id: str) -> Conversation | None: ...
    async def rename_conversation(self, id: str, title: str | None) -> None: ...
    async def set_pinned(self, id: str, pinned: bool) -> None: ...
    async def set_archived(self, id: str, archived: bool) -> None: ...
    async def delete_conversation(self, id: str) -> None: ...


@dataclass
class Startup:
    """What the store knows at start: shown before any network call."""

    bots: list[Bot] = field(default_factory=list)
    balance: int | None = None
    recents: list[str] = field(default_factory=list)
    favourites: list[str] = field(default_factory=list)


# ====================================================================== usage (the points ledger)
# The logic lives in poe_tui/spending.py; here, what the screens may ask of it.

from poe_tui.spending import Estimate, LedgerRefresh, UsageReport, estimate_for, read_report, refresh_ledger, thread_tokens  # noqa: E402,F401


class _Usage:
    """The usage section of PoeService (mixed in below): ledger refresh, report, estimate."""

    db: AsyncStore | None
    client: PoeClient | None
    session: ChatSession | None
    bots: list[Bot]
    runtime: Runtime

    @property
    def confirm_above(self) -> int:
        """Ask before sending a message estimated above this many points (0: never ask)."""
        return self.runtime.settings.confirm_above

    @property
    def low_balance(self) -> int:
        return self.runtime.settings.low_balance

    async def refresh_ledger(self) -> LedgerRefresh:
        """New charges from the service into the ledger. Raises PoeError; the ledger is intact."""
        return await refresh_ledger(self.client, self.db)

    async def charged_points(self, message_ids: list[str]) -> dict[str, int]:
        """What each of these replies cost, from the points history (a comparison's columns, whose
        balance drop is one total). Recorded on the replies; {} when the history is out of reach."""
        try:
            await self.refresh_ledger()
        except (PoeError, StoreError):
            return {}
        found = await self.db.ledger_points_for(message_ids)
        for message_id, points in found.items():
            await self.db.update_message(message_id, points=points)
        return found

    async def usage_report(self, charges: int = 200) -> UsageReport:
        balance = self.session.last_balance if self.session is not None else None
        if balance is None:
            cached = await self.db.cached_balance()
            balance = cached[0] if cached else None
        now = self.db.clock()
        return await self.db.run(read_report, self.db.sync, now, balance, charges)

    async def more_charges(self, offset: int, limit: int = 200) -> list[Any]:
        return await self.db.ledger_charges(limit, offset)

    def find_bot(self, name: str) -> Bot | None:
        lowered = name.lower()
        return next((b for b in self.bots if lowered in (b.name.lower(), b.id.lower())), None)

    async def estimate(self, draft: str = "", bot: str | None = None) -> Estimate | None:
        """What sending `draft` (with the visible thread) would cost; `@Bot` in it picks the bot.
        None when the bot's price is unknown or there is no session."""
        from poe_tui.chat import parse_mention

        session = self.session
        if session is None:
            return None
        mention, body = parse_mention(draft.strip())
        name = mention or bot or session.bot
        messages = await session.messages()
        system = None
        if session.conversation_id is not None and not messages:
            conv = await self.db.get_conversation(session.conversation_id)
            system = conv.system_prompt if conv else None
        tokens = thread_tokens(messages, body, system)
        points = estimate_for(self.find_bot(name), tokens)
        return None if points is None else Estimate(name, points, tokens)

# ====================================================================== parameters, attachments, media
#
# A bot's parameters are checked against its own schema before anything is sent (the service
# answers 400 to undeclared keys and out-of-enum values); files against its input modalities
# and the size limit. Media in replies are fetched without the API key and saved under names
# that never overwrite.

from poe_tui.attachments import AttachmentError, Draft  # noqa: E402,F401  (the screens' vocabulary)
from poe_tui.params import ParamError  # noqa: E402,F401


class _Media:
    db: AsyncStore | None
    client: PoeClient | None
    session: ChatSession | None
    runtime: Runtime

    find_bot: Callable[[str], Bot | None]  # _Usage's

    @property
    def inline_images(self) -> bool:
        return self.runtime.settings.inline_images

    @property
    def media_folder(self) -> Path:
        from poe_tui.config import media_dir

        return media_dir(self.runtime.settings)

    @property
    def attachment_limit(self) -> int:
        return self.runtime.settings.max_attachment_mb * 1024 * 1024

    def _conversation(self) -> str | None:
        return self.session.conversation_id if self.session is not None else None

    async def bot_params(self, bot: str) -> dict[str, Any]:
        """The values kept for `bot` (in this conversation, else for the bot), minus any the
        bot no longer declares or accepts."""
        from poe_tui import params

        stored = await self.db.bot_params(bot, self._conversation())
        info = self.find_bot(bot)
        if info is None:
            return stored
        kept = {}
        for name, value in stored.items():
            try:
                kept.update(params.check(info, {name: value}))
            except ParamError:
                continue
        return kept

    async def set_bot_params(self, bot: str, values: dict[str, Any]) -> dict[str, Any]:
        """Check and keep `values` for the bot (and for it in this conversation). Raises ParamError."""
        from poe_tui import params

        info = self.find_bot(bot)
        checked = params.check(info, values) if info is not None else dict(values)
        await self.db.set_bot_params(bot, checked, self._conversation())
        return checked

    async def params_to_send(self, bot: str) -> dict[str, Any]:
        """What a request to `bot` carries: its kept values that differ from its defaults."""
        from poe_tui import params

        return params.non_default(self.find_bot(bot), await self.bot_params(bot))

    def params_label(self, bot: str, values: dict[str, Any]) -> str:
        """'effort high · web': the non-default values a reply was sent with."""
        from poe_tui import params

        return params.label(params.non_default(self.find_bot(bot), values))

    async def read_attachment(self, path: str | Path) -> Draft:
        """Read a file to attach (off the event loop). Raises AttachmentError."""
        from poe_tui import attachments

        return await asyncio.to_thread(attachments.read, path, self.attachment_limit)

    def check_attachments(self, bot: str, files: list[Any]) -> None:
        """Raise AttachmentError naming the first file `bot` cannot read."""
        from poe_tui import attachments

        info = self.find_bot(bot)
        inputs = info.input_modalities if info is not None else ("text", "image", "file", "audio", "video")
        attachments.check(info.name if info is not None else bot, inputs, files)

    async def message_extras(self, message_ids: list[str]) -> tuple[dict[str, list[Any]], dict[str, dict[str, Any]]]:
        """For a thread on screen: message id -> its attachments, and reply id -> the
        parameters it was sent with."""

        def both(store: Store) -> tuple[dict[str, list[Any]], dict[str, dict[str, Any]]]:
            return store.attachments_for(message_ids), store.sent_params(message_ids)

        return await self.db.run(both, self.db.sync)

    async def fetch_media(self, url: str, max_bytes: int = 32 * 1024 * 1024) -> bytes:
        """A media item's bytes (for a preview). Raises PoeError."""
        data, _ = await self.client.download(url, max_bytes)
        return data

    async def save_media(self, url: str, prompt: str, bot: str, folder: Path | None = None) -> Path:
        """Download a reply's media item and save it in `folder` (the media folder by default)
        under a name made of the prompt and the bot. Raises PoeError or OSError."""
        from poe_tui import media

        item = next(iter(media.find(url)), None) or media.MediaItem("image", url)
        data, content_type = await self.client.download(item.url)
        name = media.file_name(prompt, bot, item, content_type)
        return await asyncio.to_thread(media.save, Path(folder or self.media_folder).expanduser(), name, data)


# ====================================================================== the service


class PoeService(_Usage, _Media):
    """Owns the store, the client and the chat session for the app's lifetime."""

    def __init__(self, runtime: Runtime, open_store: Callable[[], Store] | None = None) -> None:
        self.runtime = runtime
        self._open_store = open_store or runtime.open_store
        self.db: AsyncStore | None = None
        self.client: PoeClient | None = None
        self.session: ChatSession | None = None
        self.bots: list[Bot] = []

    # ------------------------------------------------------------ life cycle

    async def start(self) -> Startup:
        """Open the store (recovering replies a dead process left) and read the caches; for the
        demo, start the emulator. Raises StoreError / OSError when the history cannot be opened."""
        return await asyncio.to_thread(self._start_sync)

    def _start_sync(self) -> Startup:
        import poe_tui.chat  # noqa: F401  (imported here, off the first frame's path)
        from poe_tui.client import parse_models
        from poe_tui.store.asyncstore import AsyncStore

        store = self._open_store()
        self.db = AsyncStore(store)
        cached, _ = store.cached_bots()
        self.bots = parse_models(cached)
        balance = store.cached_balance()
        recents = store.recent_bots()
        if self.runtime.demo and not recents:  # a newcomer's first look: the showcase bots on top
            from poe_tui.runtime import DEMO_BOTS

            for name in reversed(DEMO_BOTS):
                store.add_recent_bot(name)
            recents = store.recent_bots()
        start = Startup(self.bots, balance[0] if balance else None, recents, store.favourite_bots())
        if self.runtime.demo:
            self.runtime.start_demo_emulator()
        return start

    @property
    def ready(self) -> bool:
        return self.db is not None

    @property
    def has_key(self) -> bool:
        return self.runtime.demo or bool(self.runtime.settings.api_key)

    def start_session(self, bot: str) -> ChatSession:
        """(Re)build the client and the session (after a new key), keeping the open conversation."""
        from poe_tui.chat import ChatSession

        old = self.client
        self.client = self.runtime.make_client()
        self.client.know_bots(self.bots)  # the cached list: slow starters get a longer first wait
        if old is not None:
            asyncio.get_running_loop().create_task(old.aclose())
        previous = self.session
        self.session = ChatSession(
            self.db,
            self.client,
            bot=previous.bot if previous else bot,
            conversation_id=previous.conversation_id if previous else None,
            known_bots=lambda: [b.name for b in self.bots],
            bot_inputs=lambda name: b.input_modalities if (b := self.find_bot(name)) is not None else None,
        )
        if previous is not None:
            self.session.last_balance = previous.last_balance
        return self.session

    async def switch_to_demo(self) -> Startup:
        """Leave the real history alone and start over on the demo's own."""
        from dataclasses import replace

        from poe_tui.runtime import DEMO_BOT

        await self.close()
        self.session = None
        self.runtime.demo = True
        self.runtime.settings = replace(self.runtime.settings, default_bot=DEMO_BOT)
        self._open_store = self.runtime.open_store
        return await self.start()

    async def set_aside_history(self, damage: CorruptDatabase) -> Path:
        """Rename the damaged history file (nothing is deleted) so the next start makes a fresh one."""
        from poe_tui.store import move_aside

        return await asyncio.to_thread(move_aside, damage.path)

    async def close(self) -> None:
        """Stop a streaming reply (its last save included), close the client and the store."""
        session, client, db = self.session, self.client, self.db
        if session is not None:
            await session.stop()
        self.client = self.db = None
        if client is not None:
            try:
                await client.aclose()
            except Exception:
                pass
        if db is not None:
            await asyncio.to_thread(db.close)

    # ------------------------------------------------------------ the service

    async def refresh_catalog(self) -> list[Bot]:
        """The whole bot list from the service, cached for the next start. Raises PoeError."""
        bots = await self.client.list_models()
        self.bots = bots
        await self.db.cache_bots([b.raw for b in bots])
        return bots

    async def refresh_balance(self) -> int:
        """Points left, cached; also the session's reference for the next reply's cost. Raises PoeError."""
        points = (await self.client.balance(retry=False)).points
        if self.session is not None:
            self.session.last_balance = points
        await self.db.cache_balance(points)
        return points

    async def check_key(self, key: str) -> int:
        """The balance a key gives, which proves it works (nothing is saved)."""
        async with self.runtime.make_client(api_key=key) as client:
            return (await client.balance(retry=False)).points

    # ------------------------------------------------------------ history

    @property
    def history(self) -> History:
        return self.db  # type: ignore[return-value]

    async def set_favourite(self, name: str, favourite: bool) -> None:
        await self.db.set_favourite(name, favourite)

    async def conversation_exists(self, conversation_id: str) -> bool:
        return await self.db.get_conversation(conversation_id) is not None

    async def export(self, conversation_id: str, fmt: str = "md", folders: list[Path] | None = None) -> Path:
        """Write the conversation as Markdown or JSON in the first writable folder (cwd, then
        the data dir), under a name no earlier export has taken."""
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"Unknown export format {fmt!r}: use md or json.")
        return await self.db.run(_write_export, self.db.sync, conversation_id, fmt, folders)


def _write_export(store: Store, conversation_id: str, fmt: str, folders: list[Path] | None) -> Path:
    import json

    from poe_tui import config, export

    if fmt == "json":
        text = json.dumps(export.to_json(store, conversation_id), ensure_ascii=False, indent=2)
    else:
        text = export.to_markdown(store, conversation_id)
    conv = store.get_conversation(conversation_id)
    title = (conv.title if conv else None) or "conversation"
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "conversation"
    stem = f"poe-{slug}-{conversation_id[:8]}"
    last: OSError | None = None
    for folder in folders or [Path.cwd(), config.data_dir() / "exports"]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = _unused(folder, stem, fmt)
            with open(path, "x", encoding="utf-8") as fh:  # "x": never over an earlier export
                fh.write(text if text.endswith("\n") else text + "\n")
            return path.resolve()
        except OSError as exc:
            last = exc
    raise last or OSError("no folder to write to")


def _unused(folder: Path, stem: str, suffix: str) -> Path:
    path, n = folder / f"{stem}.{suffix}", 2
    while path.exists():
        path, n = folder / f"{stem}-{n}.{suffix}", n + 1
    return path

