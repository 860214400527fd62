"""The main screen: bot list, conversation, prompt, balance footer.

It renders what the chat session reports and turns keys and commands into session calls; it
never touches SQL or HTTP itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from poe_tui.textsafe import one_line
from poe_tui.tui import commands, keys
from poe_tui.tui.notices import retry_note
from poe_tui.tui.screens.chat_commands import SlashCommands
from poe_tui.tui.widgets.balance_bar import BalanceBar
from poe_tui.tui.widgets.conversation import ConversationView
from poe_tui.tui.widgets.message import ReplyMessage, UserMessage
from poe_tui.tui.widgets.prompt import Prompt, PromptInput

if TYPE_CHECKING:
    from poe_tui.client import Bot
    from poe_tui.tui.widgets.model_picker import ModelPicker
    from poe_tui.tui.app import PoeApp

YIELD_EVERY = 0.02  # seconds of event handling before the stream loop lets the UI run


class ChatScreen(SlashCommands, Screen):
    BINDINGS = keys.bindings("chat")

    def __init__(self, bot: str) -> None:
        super().__init__()
        self.bot = bot
        self._stream: Worker | None = None
        self._picker: ModelPicker | None = None

    @property
    def papp(self) -> PoeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):  # the bot list is mounted once the store is open
                yield Static(Content("Loading bots…"), id="picker-placeholder")
            with Vertical(id="chat"):
                yield ConversationView(id="conversation")
                yield Prompt(id="prompt")
        yield BalanceBar(id="balance")

    def on_mount(self) -> None:
        self.query_one(Prompt).complete_argument = self._complete_argument
        self.bar.bot = self.bot
        self.bar.status = "starting…"
        self._update_hints()
        self.prompt.focus()

    # ------------------------------------------------------------ parts

    @property
    def bar(self) -> BalanceBar:
        return self.query_one(BalanceBar)

    @property
    def conversation(self) -> ConversationView:
        return self.query_one(ConversationView)

    @property
    def prompt(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def picker(self) -> ModelPicker | None:
        """The bot list; None until the cached list is loaded, just after the first frame."""
        return self._picker

    @property
    def streaming(self) -> bool:
        return self._stream is not None and self._stream.is_running

    def _update_hints(self) -> None:
        shown = {k.id: s for k, s in keys.current_keys(self.papp.keymap)}
        first = lambda ids: shown[ids].split(",")[0]  # noqa: E731
        hints = [("models", "bots"), ("history", "history"), ("new", "new"), ("help", "help")]
        if self.streaming:
            hints.insert(0, ("cancel", "cancel"))
        self.bar.hints = tuple((first(i), label) for i, label in hints)

    # ------------------------------------------------------------ fed by the app

    def _complete_argument(self, command: str, typed: str) -> list[str]:
        """Values for `/model …` (fuzzy, like the bot list) and `/theme …` (by name)."""
        if command == "theme":
            needle = typed.lower()
            names = sorted(self.app.available_themes)
            return [n for n in names if n.startswith(needle)] + [n for n in names if needle in n and not n.startswith(needle)]
        bots = self.papp.bots
        if not bots:
            return []
        from poe_tui.botsearch import BotIndex

        if getattr(self, "_arg_index_for", None) is not bots:
            self._arg_index, self._arg_index_for = BotIndex(bots), bots
        return [m.bot.name for m in self._arg_index.rank(typed, limit=8)]

    def show_catalog(self, bots: list[Bot], recents: list[str] | None, favourites: list[str] | None) -> None:
        picker = self._picker
        if picker is None:
            from poe_tui.tui.widgets.model_picker import ModelPicker

            self._picker = ModelPicker(bots, recents or [], favourites or [], current=self.bot, id="picker")
            sidebar = self.query_one("#sidebar")
            sidebar.remove_children()
            sidebar.mount(self._picker)
            return
        picker.set_bots(bots)
        if recents is not None:
            picker.set_recents(recents)
        if favourites is not None:
            picker.set_favourites(favourites)

    def show_balance(self, points: int | None, cost: int | None) -> None:
        if points is not None:
            self.bar.points = points
        if cost is not None:
            self.bar.cost = cost

    def session_started(self) -> None:
        self.bar.status = ""
        session = self.papp.session
        if session is not None:
            self.set_bot(session.bot)

    def set_bot(self, name: str) -> None:
        self.bot = name
        self.bar.bot = name
        if self._picker is not None:
            self._picker.set_current(name)
        if self.papp.session is not None:
            self.papp.session.bot = name

    # ------------------------------------------------------------ bot list

    def on_model_picker_selected(self, event: ModelPicker.Selected) -> None:
        event.stop()
        self.choose_bot(event.name)

    def choose_bot(self, name: str) -> None:
        self.set_bot(name)
        self.papp.notice(f"Next messages go to {one_line(name, 60)}.")
        self.prompt.focus()

    def on_model_picker_favourite_toggled(self, event: ModelPicker.FavouriteToggled) -> None:
        event.stop()
        if self.papp.store is not None:
            self.papp.store.set_favourite(event.name, event.favourite)

    # ------------------------------------------------------------ prompt

    @on(PromptInput.Submitted)
    async def _submitted(self, event: PromptInput.Submitted) -> None:
        event.stop()
        parsed = commands.parse(event.text)
        if parsed is None:
            text = event.text.strip()
            if text.startswith("//"):
                text = text[1:]
            self.send(text, prompt_text=event.text)
            return
        name, arg = parsed
        handler = getattr(self, f"cmd_{name}", None)
        if handler is None or name not in commands.BY_NAME:
            self.papp.notice(f"Unknown command /{name}. /help lists them; //text sends a message starting with /.", severity="error")
            return
        self.prompt.remember(event.text)
        self.prompt.clear()
        result = handler(arg)
        if asyncio.iscoroutine(result):
            await result

    def _can_send(self) -> bool:
        app = self.papp
        if self.streaming:
            app.notice("A reply is still coming: press Esc to cancel it first.", severity="warning")
            return False
        if app.session is None:
            if app.ready and not app.runtime.demo and not app.runtime.settings.api_key:
                app.notice("No API key yet: enter one (or choose the demo).", severity="warning")
                app.action_login()
            else:
                app.notice("Still starting up: try again in a moment.", severity="warning")
            return False
        return True

    def send(self, text: str, *, prompt_text: str | None = None) -> None:
        if not self._can_send():
            return
        self._start(self.papp.session.send(text), prompt_text)

    def _start(self, events: AsyncIterator[Any], prompt_text: str | None) -> None:
        self._stream = self.run_worker(self._consume(events, prompt_text), group="stream", exclusive=True, exit_on_error=False)
        self._update_hints()

    async def _consume(self, events: AsyncIterator[Any], prompt_text: str | None) -> None:
        """Turn session events into widgets. Runs as a worker; Esc cancels it."""
        from poe_tui.chat import BalanceUpdated, ReplyFailed, ReplyFinished, ReplyStarted, UserSaved, parse_mention
        from poe_tui.client import ConnectError, ReasoningDelta, RequestTimeoutError, Retrying, TextDelta

        app = self.papp
        view = self.conversation
        reply: ReplyMessage | None = None
        loop = asyncio.get_running_loop()
        last_yield = loop.time()
        self.bar.status = "sending…"

        async def open_reply(bot: str) -> ReplyMessage:
            widget = ReplyMessage(bot, note=f"waiting for {one_line(bot, 40)}…")
            await view.add(widget)
            return widget

        try:
            async for event in events:
                if isinstance(event, TextDelta):
                    if reply is not None:
                        reply.feed_text(event.text)
                elif isinstance(event, ReasoningDelta):
                    if reply is not None:
                        reply.feed_reasoning(event.text)
                elif isinstance(event, UserSaved):
                    if prompt_text is not None:
                        self.prompt.remember(prompt_text)
                        if self.prompt.text == prompt_text:
                            self.prompt.clear()
                    await view.add(UserMessage(event.message))
                    mention, _ = parse_mention(prompt_text.strip() if prompt_text else "")
                    reply = await open_reply(mention or app.session.bot)
                    self.bar.status = "waiting…"
                elif isinstance(event, ReplyStarted):
                    if reply is None:  # a retry: no user row this time
                        reply = await open_reply(event.bot)
                    reply.bot = event.bot
                    reply.set_note("")
                    self.bar.status = f"{one_line(event.bot, 30)} is answering…"
                elif isinstance(event, Retrying):
                    if reply is None:
                        reply = await open_reply(app.session.bot)
                    note = retry_note(event)
                    reply.set_note(note)
                    app.notice(note, title="Retrying", severity="warning", timeout=max(3.0, event.delay))
                elif isinstance(event, ReplyFinished):
                    self.bar.online = True
                    if reply is None:
                        reply = await open_reply(event.message.bot or app.session.bot)
                    await reply.finish(event.message)
                    self.bar.status = ""
                elif isinstance(event, ReplyFailed):
                    if reply is None:
                        reply = await open_reply(event.message.bot or app.session.bot)
                    await reply.finish(event.message)
                    self.bar.status = ""
                    self.bar.online = not isinstance(event.error, (ConnectError, RequestTimeoutError))
                    self.report_failure(event)
                elif isinstance(event, BalanceUpdated):
                    self.bar.online = True
                    self.show_balance(event.points, event.cost)
                    if reply is not None and reply.message is not None and event.cost is not None:
                        reply.message = _with(reply.message, points=event.cost)
                        reply.refresh_header()
                now = loop.time()
                if now - last_yield > YIELD_EVERY:  # a fast stream must not starve the screen
                    await asyncio.sleep(0)
                    last_yield = loop.time()
        except asyncio.CancelledError:
            # Close the session's generator first: its cleanup marks the stored reply
            # interrupted, and the widget then shows the stored row.
            await _close(events)
            await self._cancelled(reply)
            self.bar.cost = None  # the previous reply's cost must not pass for this one's
            app.refresh_balance()  # a cut reply is still charged for what was sent
        except Exception as exc:  # ChatInputError, StoreError...: the prompt keeps its text
            await _close(events)
            if reply is not None and reply.streaming and app.session and app.session.conversation_id:
                await self._cancelled(reply, note="failed")
            app.notice(str(exc) or type(exc).__name__, title="Not sent", severity="error")
        finally:
            await _close(events)
            if app.store is not None and self._picker is not None:
                self._picker.set_recents(app.store.recent_bots())  # recents first, fresh
            self.bar.status = ""
            self._stream = None
            self._update_hints()

    async def _cancelled(self, reply: ReplyMessage | None, note: str = "cancelled") -> None:
        app = self.papp
        if reply is None:
            return
        stored = None
        if app.store is not None and app.session is not None and app.session.conversation_id:
            stored = app.store.last_message(app.session.conversation_id)
        if stored is not None and stored.role == "assistant":
            await reply.finish(stored)  # the stored row says interrupted, and why
        else:
            reply.set_note(note)

    def action_cancel(self) -> None:
        if self.streaming and self._stream is not None:
            self._stream.cancel()
            self.papp.notice("Reply cancelled; what arrived is saved.", severity="warning")
        elif self.focused is not self.prompt:
            self.prompt.focus()

    def report_failure(self, event: Any) -> None:
        from poe_tui.client import AuthenticationError
        from poe_tui.tui.notices import failure_notice

        app = self.papp
        balance = app.session.last_balance if app.session else None
        title, text, severity = failure_notice(event.error, event.message.bot or self.bot, event.suggestions, balance)
        app.notice(text, title=title, severity=severity, timeout=12)
        if isinstance(event.error, AuthenticationError):
            app.action_login(message=f"The service rejected the key ({event.error.message}). Enter a new one.")

    # ------------------------------------------------------------ links

    def action_open_link(self, href: str) -> None:
        """A link in a reply was clicked: ask first, then open."""
        from poe_tui.tui.screens.confirm import ConfirmScreen

        href = one_line(str(href), 500)
        question = f"Open this link in your browser?\n\n{href}"

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.open_url(href)

        self.app.push_screen(ConfirmScreen(question, yes="Open", no="Cancel"), answered)

    # ------------------------------------------------------------ actions (keys and palette)

    async def action_new_conversation(self) -> None:
        await self.cmd_new("")

    def action_history(self) -> None:
        self.cmd_history("")

    def action_search(self) -> None:
        self._open_history(query="", focus_search=True)

    def action_focus_models(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = True
        if self._picker is not None:
            self._picker.focus()

    def action_toggle_models(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.prompt.focus()

    def action_scroll_conversation(self, direction: int) -> None:
        """Page the conversation without leaving the prompt; 0 jumps to the end (and follows)."""
        view = self.conversation
        if direction == 0:
            view.anchor()
        elif direction < 0:
            view.scroll_page_up()
        else:
            view.scroll_page_down()

    def action_focus_prompt(self) -> None:
        self.prompt.focus()

    def action_retry(self) -> None:
        self.cmd_retry("")

    def action_copy_last(self) -> None:
        self.cmd_copy("")

    def action_copy_code(self) -> None:
        self.cmd_copy("code")

    def action_export(self) -> None:
        self.cmd_export("")

    def action_pick_theme(self) -> None:
        self.app.search_themes()

async def _close(events: AsyncIterator[Any]) -> None:
    aclose = getattr(events, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:
            pass


def _with(message: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(message, **changes)
