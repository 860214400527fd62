"""The prompt's slash commands: one method per command, run against an explicit host.

`CommandHost` says exactly what a command may use of the chat screen, so the commands can be
read (and tested) without the screen's other parts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from poe_tui.textsafe import one_line

if TYPE_CHECKING:
    from poe_tui.tui.host import AppHost
    from poe_tui.tui.screens.chat_media import ChatMedia
    from poe_tui.tui.widgets.conversation import ConversationView
    from poe_tui.tui.widgets.prompt import PromptInput


class CommandHost(Protocol):
    """The parts of the chat screen the commands use."""

    host: AppHost
    conversation: ConversationView
    prompt: PromptInput
    media: ChatMedia

    def can_send(self) -> bool: ...
    def choose_bot(self, name: str) -> None: ...
    def action_focus_models(self) -> None: ...
    def open_history(self, query: str, focus_search: bool = False) -> None: ...
    async def new_conversation(self) -> None: ...
    def start_retry(self, bot: str | None = None) -> None: ...
    def begin_edit(self, number: int | None) -> Any: ...
    def arm_compare(self, bots: list[str]) -> None: ...
    async def pick(self, index: int) -> None: ...
    def show_system_prompt(self, text: str | None) -> None: ...
    async def save_or_export(self, fmt: str) -> None: ...


class SlashCommands:
    """`/name arg` runs `cmd_name(arg)`."""

    def __init__(self, screen: CommandHost) -> None:
        self.screen = screen

    @property
    def app(self) -> AppHost:
        return self.screen.host

    def cmd_help(self, arg: str) -> None:
        self.app.action_help()

    def cmd_model(self, arg: str) -> None:
        if not arg:
            self.screen.action_focus_models()
            return
        self._with_bot(arg, self.screen.choose_bot)

    def _known(self, name: str) -> str | None:
        """The list's spelling of `name` (any case), or None when it is not in the list."""
        return next((b.name for b in self.app.bots if b.name.lower() == name.lower()), None)

    def _closest(self, name: str) -> str:
        from poe_tui.chat import suggest_bots

        return ", ".join(suggest_bots(name, (b.name for b in self.app.bots)))

    def _with_bot(self, arg: str, then: Any) -> None:
        """An exact name (any case) is taken; anything else is questioned, never taken silently."""
        if any(c.isspace() for c in arg):
            self.app.notice(f"Bot names have no spaces: “{one_line(arg, 60)}” is not one.", severity="error")
            return
        exact = self._known(arg)
        if exact is not None or not self.app.bots:
            then(exact or arg)
            return
        closest = self._closest(arg)
        question = f"“{one_line(arg, 60)}” is not in Poe's bot list."
        if closest:
            question += f"\n\nClosest: {closest}."
        question += "\n\nUse it anyway, as a community bot?"
        from poe_tui.tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                then(arg)
            else:
                self.screen.prompt.focus()

        self.app.push_screen(ConfirmScreen(question, yes="Use it", no="Cancel"), answered)

    async def cmd_new(self, arg: str) -> None:
        await self.screen.new_conversation()

    def cmd_history(self, arg: str) -> None:
        self.screen.open_history(query="")

    def cmd_search(self, arg: str) -> None:
        self.screen.open_history(query=arg, focus_search=True)

    async def cmd_system(self, arg: str) -> None:
        session = self.app.session
        if session is None:
            self.app.notice("Still starting up: try again in a moment.", severity="warning")
            return
        await session.set_system_prompt(arg or None)
        self.screen.show_system_prompt(arg or None)
        self.app.notice("System prompt set for this conversation." if arg else "System prompt cleared.")

    def cmd_retry(self, arg: str) -> None:
        if not arg:
            self.screen.start_retry()
            return
        self._with_bot(arg, self.screen.start_retry)

    async def cmd_edit(self, arg: str) -> None:
        number = None
        if arg:
            try:
                number = int(arg.lstrip("#"))
            except ValueError:
                self.app.notice("Give the number of your message to edit, as its header shows it (#3).", severity="warning")
                return
        result = self.screen.begin_edit(number)
        if hasattr(result, "__await__"):
            await result

    def cmd_compare(self, arg: str) -> None:
        from poe_tui.chat import MAX_COMPARE

        typed = arg.split()
        names = list(dict.fromkeys(typed))
        if len(names) < len(typed):
            twice = next(n for n in names if typed.count(n) > 1)
            self.app.notice(f"{one_line(twice, 40)} is named twice: compare 2 to {MAX_COMPARE} different bots.", severity="warning")
            return
        if not names:
            self.screen.arm_compare([])
            return
        if not 2 <= len(names) <= MAX_COMPARE:
            self.app.notice(f"Compare 2 to {MAX_COMPARE} bots: /compare BOT BOT [BOT…].", severity="warning")
            return
        if self.app.bots:
            unknown = [n for n in names if self._known(n) is None]
            if unknown:
                hints = "; ".join(f"{one_line(n, 40)} (closest: {self._closest(n) or 'none'})" for n in unknown)
                self.app.notice(f"Not in Poe's bot list: {hints}.", severity="error")
                return
            names = [self._known(n) for n in names]
        self.screen.arm_compare(names)

    async def cmd_pick(self, arg: str) -> None:
        try:
            index = int(arg) - 1
        except ValueError:
            self.app.notice("Pick a reply by its number: /pick 2.", severity="warning")
            return
        await self.screen.pick(index)

    async def cmd_copy(self, arg: str) -> None:
        from poe_tui.tui.copying import code_blocks

        app = self.app
        words = arg.split()
        messages = await app.session.messages() if app.session is not None else []
        if words and words[0] == "code":
            reply = self._last_reply_text(messages)
            blocks = code_blocks(reply or "")
            if not blocks:
                app.notice("The last reply has no code block.", severity="warning")
                return
            index = _number(words[1] if len(words) > 1 else None, len(blocks))
            if index is None:
                app.notice(f"Code blocks are numbered 1 to {len(blocks)}.", severity="warning")
                return
            app.copy_text(blocks[index], f"code block {index + 1} of {len(blocks)}")
            return
        if words:
            index = _number(words[0], len(messages))
            if index is None or not messages:
                app.notice(f"Messages are numbered 1 to {len(messages)} (shown at the end of each header).", severity="warning")
                return
            app.copy_text(messages[index].content, f"message {index + 1}")
            return
        reply = self._last_reply_text(messages)
        if not reply:
            app.notice("There is no reply to copy yet.", severity="warning")
            return
        app.copy_text(reply, "the last reply")

    def _last_reply_text(self, messages: list[Any]) -> str | None:
        widget = self.screen.conversation.last_reply()
        if widget is not None and widget.streaming:
            return widget.text
        last = next((m for m in reversed(messages) if m.role == "assistant" and m.content), None)
        return last.content if last else None

    async def cmd_export(self, arg: str) -> None:
        fmt = (arg.strip().lower() or "md").removeprefix(".")
        if fmt in ("markdown",):
            fmt = "md"
        if fmt not in ("md", "json"):
            self.app.notice(f"Export as md or json, not “{one_line(arg, 30)}”.", severity="error")
            return
        await self.screen.save_or_export(fmt)

    async def cmd_params(self, arg: str) -> None:
        await self.screen.media.open_params()

    async def cmd_attach(self, arg: str) -> None:
        await self.screen.media.attach(arg)

    async def cmd_detach(self, arg: str) -> None:
        await self.screen.media.detach(arg)

    async def cmd_save(self, arg: str) -> None:
        await self.screen.media.save_last(arg)

    def cmd_usage(self, arg: str) -> None:
        self.app.action_usage()

    def cmd_theme(self, arg: str) -> None:
        app = self.app
        if not arg:
            app.search_themes()
        elif not app.set_theme(arg):
            app.notice(f"No theme {arg!r}. Available: {', '.join(sorted(app.available_themes))}.", severity="error")


def _number(word: str | None, count: int) -> int | None:
    """'3' -> 2 (1-based in, 0-based out); '-1' is the last; None means the last; None if out of range."""
    if word is None:
        return count - 1 if count else None
    try:
        n = int(word)
    except ValueError:
        return None
    index = n - 1 if n > 0 else count + n
    return index if 0 <= index < count else None
