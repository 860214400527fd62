"""The main screen: bot list, conversation, prompt, balance footer.

It renders what the chat session reports (one handler per event type) and turns keys and
commands into intents for the service; it never touches SQL or HTTP, and never waits on either
(the service runs the store on its own thread).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from poe_tui.textsafe import one_line
from poe_tui.tui import commands, keys, keystrokes
from poe_tui.tui.notices import retry_note
from poe_tui.tui.screens.chat_commands import SlashCommands
from poe_tui.tui.screens.chat_media import ChatMedia, complete_path
from poe_tui.tui.screens.chat_versions import ChatVersions
from poe_tui.tui.widgets.attachments import AttachmentChips
from poe_tui.tui.widgets.balance_bar import BalanceBar
from poe_tui.tui.widgets.conversation import ConversationView
from poe_tui.tui.widgets.message import ReplyMessage, UserMessage
from poe_tui.tui.widgets.prompt import Prompt, PromptInput

if TYPE_CHECKING:
    from poe_tui.client.records import Bot
    from poe_tui.tui.host import AppHost
    from poe_tui.tui.widgets.model_picker import ModelPicker

YIELD_EVERY = 0.02  # seconds of event handling before the stream loop lets the UI run
SILENCE_SHOWN_AFTER = 5.0  # seconds without data before the footer counts them


class ChatScreen(Screen):
    BINDINGS = keys.bindings("chat")
    # Below 100 columns the bot list gives way to the conversation (app.tcss), and comparisons
    # show their replies as tabs instead of columns.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, bot: str) -> None:
        super().__init__()
        self.bot = bot
        self.commands = SlashCommands(self)
        self.media = ChatMedia(self)  # parameters, attachments, media in replies
        self.versions = ChatVersions(self)  # the ‹ 2/3 › of the branch on screen
        self._stream: Worker | None = None
        self._picker: ModelPicker | None = None
        self._reply: ReplyMessage | None = None
        self._replying = False  # from send until the reply's last event (its cost may follow)
        self._sent_at = 0.0
        self._last_data_at: float | None = None
        self._target = ""
        self._unsent: str | None = None
        self._turn: object = None
        self._compare_next: list[str] | None = None  # armed by /compare for the next message
        self._compare_bots: list[str] | None = None  # the comparison being sent
        self._compare: Any = None  # its view, until a reply is picked
        self._editing: tuple[Any, list[Any]] | None = None  # (your message, what came before it)
        self._editing_number = 0
        self._system: str | None = None

    @property
    def host(self) -> AppHost:
        return cast("AppHost", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):  # the bot list is mounted once the store is open
                yield Static(Content("Loading bots…"), id="picker-placeholder")
            with Vertical(id="chat"):
                yield ConversationView(id="conversation")
                yield AttachmentChips(id="attachments")
                yield Prompt(id="prompt")
        yield BalanceBar(id="balance")

    def on_mount(self) -> None:
        self.query_one(Prompt).complete_argument = self._complete_argument
        self.bar.bot = self.bot
        self.bar.status = "starting…"
        self.bar.low_balance = self.host.service.low_balance  # the footer warns below it
        ReplyMessage.previews = self.host.service.inline_images
        self._update_hints()
        self.prompt.focus()
        self.set_interval(1.0, self._show_wait)
        self.watch(self.conversation, "scroll_y", self._scrolled, init=False)

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
        """A reply is on its way (waiting, streaming or being saved)."""
        return self._replying

    def _update_hints(self) -> None:
        hints = [("models", "bots"), ("history", "history"), ("new", "new"), ("help", "help")]
        if self.streaming:
            hints.insert(0, ("cancel", "cancel"))
        self.bar.hints = tuple((self.key_of(i), label) for i, label in hints)

    # ------------------------------------------------------------ fed by the app

    def _complete_argument(self, command: str, typed: str) -> list[str]:
        """Values for `/model …` (fuzzy, like the bot list) and `/theme …` (by name)."""
        if command in ("attach", "save"):
            return complete_path(typed, folders_only=command == "save")
        if command == "theme":
            needle = typed.lower()
            names = sorted(self.app.available_themes)
            return [n for n in names if n.startswith(needle)] + [n for n in names if needle in n and not n.startswith(needle)]
        bots = self.host.bots
        if not bots:
            return []
        from poe_tui.botsearch import BotIndex

        if getattr(self, "_arg_index_for", None) is not bots:
            self._arg_index, self._arg_index_for = BotIndex(bots), bots
        ranked = [m.bot.name for m in self._arg_index.rank(typed, limit=8)]
        exact = next((n for n in ranked if n.lower() == typed.strip().lower()), None)
        return [exact] + [n for n in ranked if n != exact] if exact else ranked  # an exact name wins

    def show_catalog(self, bots: list[Bot], recents: list[str] | None, favourites: list[str] | None) -> None:
        self.show_estimate()  # the prices may have just arrived
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
        session = self.host.session
        if session is not None:
            self.set_bot(session.bot)

    def set_bot(self, name: str) -> None:
        self.bot = name
        self.bar.bot = name
        if self._picker is not None:
            self._picker.set_current(name)
        if self.host.session is not None:
            self.host.session.bot = name
        self.show_estimate()

    @work(exclusive=True, group="estimate")
    async def show_estimate(self) -> None:
        """The footer's "next ≥N pts": the bot's price times the thread the next message sends."""
        from poe_tui.service import StoreError

        try:
            estimate = await self.host.service.estimate()
        except StoreError:
            estimate = None
        self.bar.estimate = estimate.points if estimate is not None else None

    def show_system_prompt(self, text: str | None) -> None:
        """A set system prompt stays visible above the prompt, so nobody forgets it is there."""
        self._system = text
        self._show_prompt_state()

    def _show_prompt_state(self) -> None:
        """What the next Enter will do beyond a plain send, on the prompt's top edge: an edit, a
        comparison, a system prompt."""
        parts = []
        if self._editing is not None:
            parts.append(f"editing #{self._editing_number}: Enter sends it as a new branch · Esc cancels")
        if self._compare_next:
            parts.append("next to: " + " · ".join(one_line(b, 24) for b in self._compare_next))
        if self._system:
            parts.append(f"system: {one_line(self._system, 60)}")
        self.query_one(Prompt).border_title = "  │  ".join(parts)

    # ------------------------------------------------------------ bot list

    def on_model_picker_selected(self, event: ModelPicker.Selected) -> None:
        event.stop()
        self.choose_bot(event.name)
        # Shown by ctrl+l on a narrow screen: the choice made, the list gives the room back.
        self.query_one("#sidebar").styles.clear_rule("display")

    def on_model_picker_compared(self, event: ModelPicker.Compared) -> None:
        event.stop()
        self.arm_compare(event.names)
        self.query_one("#sidebar").styles.clear_rule("display")
        self.prompt.focus()

    def choose_bot(self, name: str) -> None:
        self.set_bot(name)
        if self._compare_next:  # one bot chosen: the armed comparison would send elsewhere
            self._compare_next = None
            self._show_prompt_state()
            self.host.notice(f"Next messages go to {one_line(name, 60)} alone (no comparison).", timeout=4)
        else:
            self.host.notice(f"Next messages go to {one_line(name, 60)}.", timeout=3)
        self.prompt.focus()

    def on_model_picker_favourite_toggled(self, event: ModelPicker.FavouriteToggled) -> None:
        event.stop()
        if self.host.service.ready:
            self.run_worker(self.host.service.set_favourite(event.name, event.favourite), group="favourite")

    # ------------------------------------------------------------ prompt

    @on(PromptInput.Submitted)
    async def _submitted(self, event: PromptInput.Submitted) -> None:
        event.stop()
        self.prompt.remember(event.text)
        await self._let_a_held_end_land()
        parsed = commands.parse(event.text)
        if parsed is None and self._editing is not None:
            await self._send_edit(event.text)
            return
        if parsed is None:
            text = event.text.strip()
            if text.startswith("//"):
                text = text[1:]
            for bot in self._compare_next or [self.bot]:
                await self.media.load_values(bot)
            if not self.send(text, prompt_text=event.text):
                self._hand_back(event.text)
            return
        name, arg = parsed
        handler = getattr(self.commands, f"cmd_{name}", None)
        if handler is None or name not in commands.BY_NAME:
            self._hand_back(event.text)
            self.host.notice(f"Unknown command /{name}. /help lists them; //text sends a message starting with /.", severity="error")
            return
        result = handler(arg)
        if hasattr(result, "__await__"):
            await result

    async def _let_a_held_end_land(self) -> None:
        """A reply that ended while the user typed shows its end at the next gap between keys;
        Enter, a retry, a pick or a version switch must not find it still "coming": it lands now."""
        if self.streaming and keystrokes.ends_held():
            keystrokes.release_all()
            deadline = time.monotonic() + 2.0
            while self.streaming and any(r.ending for r in self.conversation.query(ReplyMessage)) \
                    and time.monotonic() < deadline:
                await asyncio.sleep(0.01)

    def _hand_back(self, text: str) -> None:
        """Refused text goes back into the prompt, ahead of anything typed since."""
        after = self.prompt.text
        self.prompt.load_text(text + after)
        self.prompt.move_cursor(self.prompt.document.end)

    def can_send(self) -> bool:
        app = self.host
        if self.streaming:
            app.notice("A reply is still coming: press Esc to cancel it first.", severity="warning")
            return False
        if app.session is None:
            if app.ready and not app.service.has_key:
                app.notice("No API key yet: enter one (or choose the demo).", severity="warning")
                app.action_login()
            else:
                app.notice("Still starting up: try again in a moment.", severity="warning")
            return False
        return True

    def send(self, text: str, *, prompt_text: str | None = None) -> bool:
        if not self.can_send():
            return False
        session = self.host.session
        from poe_tui.chat import parse_mention

        mention = parse_mention(text.strip())[0]
        compare = None if mention else self._compare_next  # @Bot names the one bot this message goes to
        extra = self.media.outgoing(compare or [mention or self.bot])  # checked: or nothing is sent
        if extra is None:
            return False
        values, files = extra
        if compare:
            bots, self._compare_next = self._compare_next, None
            self._show_prompt_state()
            self._compare_bots = bots
            each = {bot: self.media.values.get(bot, {}) for bot in bots}  # every bot its own values
            self._start(session.compare(text, bots, params=each, files=files), prompt_text=prompt_text)
        else:
            from poe_tui.tui.screens.usage import cost_checked  # asks first above confirm_above

            self._start(cost_checked(self, text, session.send(text, params=values, files=files)), prompt_text=prompt_text)
        return True

    def start_retry(self, bot: str | None = None) -> None:
        ended = self.streaming and keystrokes.ends_held()  # the reply is over: its end lands first
        if ended or self.can_send():
            self.run_worker(self._retry(bot), group="retry", exclusive=True)

    async def _retry(self, bot: str | None) -> None:
        await self._let_a_held_end_land()
        if not self.can_send():
            return
        target = bot or self.host.session.bot
        values = await self.media.load_values(target)  # kept values, also right after a reopen
        if self.streaming:
            return
        self._target = target
        self._start(self.host.session.retry(bot=bot, params=values), retry=True)

    async def begin_edit(self, number: int | None) -> None:
        """Put your message N (default: your last) in the prompt; Enter resends it as a branch."""
        session = self.host.session
        if session is None or self.streaming:
            self.host.notice("Wait for the reply to end (or cancel it) before editing.", severity="warning")
            return
        messages = await session.messages()
        if number is None:
            index = next((i for i in range(len(messages) - 1, -1, -1) if messages[i].role == "user"), None)
        else:
            index = number - 1 if 0 < number <= len(messages) and messages[number - 1].role == "user" else None
        if index is None:
            self.host.notice("Only your own messages can be edited: give the number in its header (#3).", severity="warning")
            return
        self._editing = (messages[index], messages[:index])
        self.prompt.load_text(messages[index].content)
        self.prompt.move_cursor(self.prompt.document.end)
        self.prompt.focus()
        self._editing_number = index + 1
        self._show_prompt_state()

    def _end_edit(self) -> None:
        self._editing = None
        self._show_prompt_state()

    async def _send_edit(self, text: str) -> None:
        original, before = self._editing
        self._end_edit()
        if not self.can_send():
            self._hand_back(text)
            return
        await self.conversation.load(before)  # the branch forks here: what came after is one version away
        values = await self.media.load_values(self.bot)
        self._start(self.host.session.edit(original.id, text, params=values), prompt_text=text)

    def arm_compare(self, bots: list[str]) -> None:
        """The next message goes to these bots at once (an empty list disarms)."""
        self._compare_next = bots or None
        self._show_prompt_state()
        if bots:
            self.host.notice(f"Your next message goes to {', '.join(one_line(n, 40) for n in bots)} side by side.", timeout=4)
        else:
            self.host.notice("The next message goes to one bot again.")

    async def pick(self, index: int) -> None:
        """Continue with column `index` of the last comparison: its branch, its bot."""
        await self._let_a_held_end_land()
        view = self._compare
        if view is not None and self.streaming:
            self.host.notice("The replies are still coming: /pick N once they end (Esc stops them).", severity="warning")
            return
        if view is None:
            self.host.notice("There is no finished comparison to pick from.", severity="warning")
            return
        if not 0 <= index < len(view.columns) or view.columns[index].message is None or not view.columns[index].message.id:
            self.host.notice(f"Pick a reply from 1 to {len(view.columns)}.", severity="warning")
            return
        chosen = view.columns[index].message
        thread = await self.host.session.choose(chosen.id)
        self._compare = None
        await self.conversation.load(thread)
        self.set_bot(self.host.session.bot)
        await self.versions.show()

    def _start(self, events: AsyncIterator[Any], retry: bool = False, prompt_text: str | None = None) -> None:
        self._replying = True
        self._reply = None
        self._sent_at = time.monotonic()
        self._last_data_at = None
        if not retry:
            self._target = self.host.session.bot
        self.bar.status = "sending…"
        self._unsent = prompt_text  # handed back if the message never reaches the disk
        self._turn = turn = object()  # this send's; a late event of an earlier one cannot end it
        self.versions.new_turn()
        self._stream = self.run_worker(self._consume(events, retry, turn), group="stream", exit_on_error=False)
        self._update_hints()

    async def _consume(self, events: AsyncIterator[Any], retry: bool, turn: object) -> None:
        """Hand each session event to its handler. Runs as a worker; Esc asks the session to
        cancel, and the session then reports how the reply ended."""
        import asyncio

        from poe_tui.chat import ChatInputError

        handlers = self._handlers()
        loop = asyncio.get_running_loop()
        last_yield = loop.time()
        if retry:
            await self._open_reply(self._target)
        try:
            async for event in events:
                if not self.is_attached:
                    continue  # the app is closing: the session still saves; nothing to draw
                handler = handlers.get(type(event).__name__)
                result = handler(event) if handler is not None else None
                if result is not None:
                    await result
                now = loop.time()
                if now - last_yield > YIELD_EVERY:  # a fast stream must not starve the screen
                    await asyncio.sleep(0)
                    last_yield = loop.time()
        except ChatInputError as exc:
            self._hand_back_unsent()
            self.host.notice(str(exc), severity="warning")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # StoreError before the send, a bug: say it, keep the app up
            if self._reply is not None and self._reply.streaming:
                self._reply.set_note("failed")
            self._hand_back_unsent()
            self.host.notice(_describe_failure(exc), title="Not sent", severity="error")
        finally:
            await _close(events)
            self._end_reply(turn)

    def _hand_back_unsent(self) -> None:
        if self._unsent and self.is_attached:
            self._hand_back(self._unsent)
        self._unsent = None

    def _handlers(self) -> dict[str, Any]:
        return {
            "UserSaved": self._on_user_saved,
            "ReplyStarted": self._on_reply_started,
            "TextDelta": self._on_text,
            "ReasoningDelta": self._on_reasoning,
            "Retrying": self._on_retrying,
            "ReplyFinished": self._on_finished,
            "ReplyFailed": self._on_failed,
            "RecentsChanged": self._on_recents,
            "BalanceUpdated": self._on_balance,
            "Column": self._on_column,
        }

    async def _open_reply(self, bot: str) -> ReplyMessage:
        self._reply = ReplyMessage(bot, note=f"waiting for {one_line(bot, 40)}…")
        await self.conversation.add(self._reply)
        return self._reply

    # one handler per event type ------------------------------------------------

    async def _on_user_saved(self, event: Any) -> None:
        self._unsent = None
        self._target = event.bot
        self._sent_at = time.monotonic()  # the request leaves now (a cost question may have come first)
        self.conversation.anchor()  # a new message follows the bottom, wherever the view was opened
        await self.conversation.add(UserMessage(event.message, attachments=event.attachments))
        await self.media.sent()
        if self._compare_bots:
            from poe_tui.tui.widgets.compare import CompareView

            self._compare = CompareView(self._compare_bots)
            self._compare_bots = None
            await self.conversation.mount(self._compare)
        else:
            await self._open_reply(event.bot)
        self.bar.status = "waiting…"

    async def _on_column(self, event: Any) -> None:
        """An event of one reply in a comparison: to its column."""
        view = self._compare
        if view is None:
            return
        column = view.columns[event.index]
        inner = event.event
        kind = type(inner).__name__
        if kind in ("TextDelta", "ReasoningDelta"):
            self._last_data_at = time.monotonic()
            (column.feed_text if kind == "TextDelta" else column.feed_reasoning)(inner.text)
        elif kind == "ReplyStarted":
            column.set_note("")
            self._last_data_at = time.monotonic()
            self.bar.status = "answering side by side…"
        elif kind == "Retrying":  # the column's header is one line while it streams: the notice says it whole
            column.set_note(retry_note(inner))
            self.host.notice(f"{one_line(column.bot, 40)}: {retry_note(inner)}", title="Retrying", severity="warning",
                             timeout=max(3.0, inner.delay))
        elif kind in ("ReplyFinished", "ReplyFailed"):
            await column.finish(inner.message)
            view.refresh_head()
            if all(not c.streaming for c in view.columns):
                self._end_reply(self._turn)
        elif kind == "RecentsChanged":
            self._on_recents(inner)
    async def _on_reply_started(self, event: Any) -> None:
        reply = self._reply or await self._open_reply(event.bot)
        reply.bot = event.bot
        reply.params_label = self.host.service.params_label(event.bot, event.params)
        reply.set_note("")
        self._last_data_at = time.monotonic()
        self.bar.status = f"{one_line(event.bot, 30)} is answering…"

    def _on_text(self, event: Any) -> None:
        self._last_data_at = time.monotonic()
        if self._reply is not None:
            self._reply.feed_text(event.text)

    def _on_reasoning(self, event: Any) -> None:
        self._last_data_at = time.monotonic()
        if self._reply is not None:
            self._reply.feed_reasoning(event.text)

    async def _on_retrying(self, event: Any) -> None:
        reply = self._reply or await self._open_reply(self._target)
        note = retry_note(event)
        reply.set_note(note)
        self.host.notice(note, title="Retrying", severity="warning", timeout=max(3.0, event.delay))

    async def _on_finished(self, event: Any) -> None:
        self.bar.online = True
        reply = self._reply or await self._open_reply(event.message.bot or self._target)
        await reply.finish(event.message)
        self._report_unsaved(event)
        self._end_reply(self._turn)
        await self.versions.show()

    async def _on_failed(self, event: Any) -> None:
        from poe_tui.service import ConnectError, RequestTimeoutError

        reply = self._reply or await self._open_reply(event.message.bot or self._target)
        await reply.finish(event.message)
        self.bar.online = not isinstance(event.error, (ConnectError, RequestTimeoutError))
        if event.error is None:
            kept = len(event.message.content)
            said = f"{kept:,} characters arrived and are saved." if kept else "Nothing had arrived yet."
            self.host.notice(f"Reply cancelled. {said}", severity="warning", timeout=4)
        else:
            self.report_failure(event)
        self._report_unsaved(event)
        self._end_reply(self._turn)
        await self.versions.show()

    def _on_recents(self, event: Any) -> None:
        if self._picker is not None:
            self._picker.set_recents(list(event.recents))

    def _on_balance(self, event: Any) -> None:
        self.bar.online = True
        self.bar.cost = event.cost  # None (unknown) rather than the previous reply's figure
        self.show_balance(event.points, None)
        if self._reply is not None and event.message is not None and self._reply.message is not None:
            if self._reply.message.id == event.message.id:
                self._reply.message = event.message
                self._reply.refresh_header()
        if event.message is None and self._compare is not None:  # a comparison's total
            self._compare.cost = event.cost
            self._compare.refresh_head()
            self._column_points(self._compare)

    @work(group="column-points")
    async def _column_points(self, view: Any) -> None:
        """Each column's own cost, once the points history lists the charges."""
        import dataclasses

        ids = [c.message.id for c in view.columns if c.message is not None and c.message.id]
        found = await self.host.service.charged_points(ids)
        for column in view.columns:
            if column.message is not None and column.message.id in found:
                column.message = dataclasses.replace(column.message, points=found[column.message.id])
                column.refresh_header()

    def _end_reply(self, turn: object) -> None:
        """The reply is over as far as the user is concerned: the next message may go."""
        if not self._replying or turn is not self._turn:
            return
        self._replying = False
        if self.is_attached:
            self.bar.status = ""
            self._update_hints()
            self.show_estimate()

    def _show_wait(self) -> None:
        """While a reply is awaited, count the seconds: since sending, or since the last data."""
        if not self._replying or not self.is_attached or self.app.screen is not self:
            return  # nothing awaited, or a question (the cost check) is on screen
        now = time.monotonic()
        view = self._compare
        bot = f"{len(view.bots)} bots" if view is not None else one_line(self._target, 30)
        if self._last_data_at is None:
            self.bar.status = f"waiting for {bot}… {now - self._sent_at:.0f} s"
        elif now - self._last_data_at >= SILENCE_SHOWN_AFTER:
            self.bar.status = f"{bot}: no data for {now - self._last_data_at:.0f} s"
        else:
            self.bar.status = "answering side by side…" if view is not None else f"{bot} is answering…"

    def _report_unsaved(self, event: Any) -> None:
        if event.save_error is None:
            return
        shown = len(event.message.content)
        saved = event.saved_chars or 0
        self.host.notice(
            f"{_describe_store_error(event.save_error)}: the reply is shown, but only {saved:,} of {shown:,} characters are saved. "
            f"Free some space, then press {self.key_of('export')} to save it.",
            title="Not saved", severity="error", timeout=30,
        )

    def key_of(self, binding_id: str) -> str:
        """The first key bound to `binding_id` (as the user remapped it), for hints."""
        return dict((k.id, s) for k, s in keys.current_keys(self.host.keymap))[binding_id].split(",")[0]

    def action_cancel(self) -> None:
        session = self.host.session
        if self._editing is not None and not self.streaming:
            self._end_edit()
            self.prompt.clear()
            return
        if self.streaming and session is not None:
            ending = keystrokes.ends_held()  # a reply is over, its end waits for a gap between keys
            keystrokes.release_all()
            if not session.cancel() and self._stream is not None and not ending:
                self._stream.cancel()  # nothing streaming yet (still saving the turn): stop the worker
        elif self.focused is not self.prompt:
            self.prompt.focus()

    def report_failure(self, event: Any) -> None:
        from poe_tui.service import AuthenticationError
        from poe_tui.tui.notices import failure_notice

        app = self.host
        balance = app.session.last_balance if app.session else None
        title, text, severity = failure_notice(event.error, event.message.bot or self.bot, event.suggestions, balance)
        app.notice(text, title=title, severity=severity, timeout=8)
        if isinstance(event.error, AuthenticationError):
            app.action_login(message=f"The service rejected the key ({event.error.message}). Enter a new one.")

    # ------------------------------------------------------------ conversations

    async def new_conversation(self) -> None:
        if self.streaming:
            self.host.notice("A reply is still coming: press Esc to cancel it first.", severity="warning")
            return
        if self.host.session is not None:
            self.host.session.new_conversation()
        self.media.forget_values()
        self._compare = None
        if self._editing is not None:
            self._end_edit()
        self.show_system_prompt(None)
        await self.conversation.clear()
        self.show_estimate()
        self.prompt.focus()

    def open_history(self, query: str, focus_search: bool = False) -> None:
        from poe_tui.tui.screens.history import HistoryScreen

        service = self.host.service
        if not service.ready:
            self.host.notice("The history is not open yet.", severity="warning")
            return
        screen = HistoryScreen(service.history, query=query or None)
        self.app.push_screen(screen, self._history_done)
        if focus_search and not query:
            screen.call_after_refresh(lambda: screen.search_input.focus())

    async def _history_done(self, result: tuple[str, str | None] | None) -> None:
        app = self.host
        open_id = app.session.conversation_id if app.session is not None else None
        if open_id and app.service.ready and not await app.service.conversation_exists(open_id):
            await self.new_conversation()  # the open conversation was deleted over there
            app.notice("The conversation you had open was deleted; this is a new one.")
        if not result:
            self.prompt.focus()
            return
        kind, conversation_id, *at = result
        if kind == "new":
            await self.new_conversation()
        elif kind == "open" and conversation_id:
            await self.open_conversation(conversation_id, at=at[0] if at else None)

    async def open_conversation(self, conversation_id: str, at: str | None = None) -> None:
        app = self.host
        if self.streaming:
            app.notice("A reply is still coming: press Esc to cancel it first.", severity="warning")
            return
        if app.session is None:
            app.notice("Still starting up: try again in a moment.", severity="warning")
            return
        from poe_tui.chat import ChatInputError
        from poe_tui.service import StoreError

        try:
            messages = await app.session.open(conversation_id)
            conv = await app.service.history.get_conversation(conversation_id)
        except (ChatInputError, StoreError) as exc:
            app.notice(str(exc), severity="error")
            return
        self._compare = None
        self.media.forget_values()
        if self._editing is not None:
            self._end_edit()
        await self.conversation.load(messages, at=at)
        self.show_system_prompt(conv.system_prompt if conv else None)
        self.set_bot(app.session.bot)
        self.prompt.focus()
        await self.versions.show()

    async def action_version(self, delta: int) -> None:
        await self._let_a_held_end_land()
        await self.versions.switch(delta)

    async def save_or_export(self, fmt: str) -> None:
        """Save a reply the disk refused, if there is one; otherwise export the conversation."""
        app = self.host
        session = app.session
        from poe_tui.service import StoreError

        if session is not None and session.unsaved is not None:
            try:
                saved = await session.save_unsaved()
            except StoreError as exc:
                app.notice(f"Still cannot save the reply: {exc}", severity="error", timeout=10)
            else:
                app.notice(f"The reply is saved ({saved:,} characters).", title="Saved")
            return
        if session is None or session.conversation_id is None:
            app.notice("Nothing to export yet: send a message first.", severity="warning")
            return
        try:
            path = await app.service.export(session.conversation_id, fmt)
        except (OSError, StoreError, ValueError) as exc:
            app.notice(f"Export failed: {exc}", severity="error")
            return
        app.notice(f"Saved the conversation to {path}", title="Exported", timeout=6)

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
        await self.new_conversation()

    def action_history(self) -> None:
        self.open_history(query="")

    def action_search(self) -> None:
        self.open_history(query="", focus_search=True)

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

    async def action_scroll_conversation(self, direction: int) -> None:
        """Page the conversation without leaving the prompt; 0 jumps to the end (and follows).
        Immediate and not animated: a held key moves a page per press, however fast it repeats."""
        view = self.conversation
        if direction == 0:
            view.anchor()
        else:  # from where the last press left it, not where the screen last drew it
            page = view.scrollable_content_region.height * direction
            view.scroll_to(y=view.scroll_target_y + page, animate=False, immediate=True)

    async def action_scroll_top(self) -> None:
        """The first message: every earlier one is mounted, then the view jumps there."""
        view = self.conversation
        await view.load_earlier(everything=True)
        view.release_anchor()
        view.call_after_refresh(lambda: view.scroll_home(animate=False))

    async def _scrolled(self, y: float) -> None:
        """Reaching the top loads the earlier messages (no button to find and click)."""
        view = self.conversation
        if y <= 0 and view.has_earlier and view.max_scroll_y > 0:
            before = view.virtual_size.height
            await view.load_earlier()
            # Keep the message that was at the top where it was.
            view.call_after_refresh(lambda: view.scroll_to(y=view.virtual_size.height - before, animate=False))

    def action_focus_prompt(self) -> None:
        self.prompt.focus()

    def action_retry(self) -> None:
        self.start_retry()

    async def action_edit_message(self) -> None:
        await self.begin_edit(None)

    async def action_copy_last(self) -> None:
        await self.commands.cmd_copy("")

    async def action_copy_code(self) -> None:
        await self.commands.cmd_copy("code")

    async def action_export(self) -> None:
        await self.save_or_export("md")

    def action_pick_theme(self) -> None:
        self.app.search_themes()

    # ------------------------------------------------------------ parameters, attachments, media

    async def action_params(self) -> None:
        await self.media.open_params()

    async def action_attach(self) -> None:
        await self.media.pick_file()

    async def action_save_media(self) -> None:
        await self.media.save_last()

    async def on_media_list_wanted(self, event: Any) -> None:
        event.stop()
        self.run_worker(self.media.wanted(event), group="media")

    async def on_attachment_chips_removed(self, event: AttachmentChips.Removed) -> None:
        event.stop()
        await self.media.remove(event.index)

    async def on_prompt_input_path_pasted(self, event: PromptInput.PathPasted) -> None:
        event.stop()
        await self.media.attach(event.path)


async def _close(events: AsyncIterator[Any]) -> None:
    aclose = getattr(events, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:
            pass


def _describe_store_error(text: str) -> str:
    lowered = text.lower()
    if "full" in lowered or "no space" in lowered:
        return "The disk is full"
    return f"The history could not be written ({one_line(text, 120)})"


def _describe_failure(exc: Exception) -> str:
    """A failure before the message left, in the user's words (never a bare class name)."""
    from poe_tui.service import StoreError

    if isinstance(exc, StoreError):
        return f"{_describe_store_error(str(exc))}: the message was not sent, and is back in the prompt."
    return one_line(str(exc), 300) or "Something went wrong; the message was not sent."
