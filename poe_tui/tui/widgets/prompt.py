"""The prompt: a TextArea where Enter sends, ctrl+j (or shift+enter) breaks the line, up/down
on the first/last line walk the prompt history, and `/` suggests commands."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option

from poe_tui.tui import commands, keys


class PromptInput(TextArea):
    BINDINGS = keys.bindings("prompt")

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs) -> None:
        super().__init__(
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            highlight_cursor_line=False,
            compact=True,
            placeholder="Message the bot (Enter sends, ctrl+j new line, / for commands)",
            **kwargs,
        )
        self.sent: list[str] = []
        self._history_pos: int | None = None
        self._draft = ""

    def on_mount(self) -> None:
        keymap = getattr(self.app, "keymap", {})  # the hint names the keys as remapped
        send = keymap.get("send", keys.BY_ID["send"].keys).split(",")[0].strip()
        newline = keymap.get("newline", keys.BY_ID["newline"].keys).split(",")[0].strip()
        self.placeholder = f"Message the bot ({send.title() if send == 'enter' else send} sends, {newline} new line, / for commands)"

    async def _on_key(self, event) -> None:
        # Handled here, in order with the typed characters: a priority binding would run
        # before earlier keys of the same burst reached the text.
        keymap = getattr(self.app, "keymap", {})
        if event.key in keys.keys_for("send", keymap):
            event.stop()
            event.prevent_default()
            self.action_submit()
            return
        if event.key in keys.keys_for("newline", keymap):
            event.stop()
            event.prevent_default()
            self.action_newline()
            return
        await super()._on_key(event)

    # ------------------------------------------------------------ actions

    def action_submit(self) -> None:
        suggestions = self._suggesting()
        if suggestions is not None and self._complete_from(suggestions):
            return
        text = self.text
        if text.strip():
            # Cleared now, not when the screen gets to it: keys typed in the same burst after
            # Enter belong to the next message (the screen hands back text it refuses).
            self.post_message(self.Submitted(text))
            self.clear()

    def action_newline(self) -> None:
        self.insert("\n")

    def action_complete(self) -> None:
        suggestions = self._suggesting()
        if suggestions is not None:
            self._complete_from(suggestions, always=True)
        else:
            self.screen.focus_next()

    def _complete_from(self, suggestions: OptionList, always: bool = False) -> bool:
        """Fill in the highlighted command; False when the text already names one (send it)."""
        arg = commands.argument(self.text)
        if arg is not None:
            return self._complete_argument(suggestions, *arg, always=always)
        matches = [c.name for c in commands.complete(self.text)]
        if not matches:
            return False
        index = suggestions.highlighted
        name = suggestions.get_option_at_index(index).id if index is not None and index < suggestions.option_count else None
        if name not in matches:  # the list has not caught up with the last keys yet
            name = matches[0]
        if not always and self.text.strip()[1:].lower() == name:
            return False
        cmd = commands.BY_NAME[name]
        self.load_text(f"/{name}" + (" " if cmd.args else ""))
        self.move_cursor(self.document.end)
        return True

    def remember(self, text: str) -> None:
        if text.strip() and (not self.sent or self.sent[-1] != text):
            self.sent.append(text)
        self._history_pos = None

    def action_cursor_up(self, select: bool = False) -> None:
        suggestions = self._suggesting()
        if suggestions is not None and not select:
            suggestions.action_cursor_up()
            return
        if not select and self.cursor_location[0] == 0 and self.sent:
            if self._history_pos is None:
                self._draft = self.text
                self._history_pos = len(self.sent)
            if self._history_pos > 0:
                self._history_pos -= 1
                self._show(self.sent[self._history_pos], at_end=False)
            return
        super().action_cursor_up(select)

    def action_cursor_down(self, select: bool = False) -> None:
        suggestions = self._suggesting()
        if suggestions is not None and not select:
            suggestions.action_cursor_down()
            return
        last_row = self.document.line_count - 1
        if not select and self._history_pos is not None and self.cursor_location[0] == last_row:
            self._history_pos += 1
            if self._history_pos >= len(self.sent):
                self._history_pos = None
                self._show(self._draft, at_end=True)
            else:
                self._show(self.sent[self._history_pos], at_end=True)
            return
        super().action_cursor_down(select)

    def _show(self, text: str, at_end: bool) -> None:
        self.load_text(text)
        self.move_cursor(self.document.end if at_end else (0, len(self.document.get_line(0))))

    def _complete_argument(self, suggestions: OptionList, command: str, typed: str, always: bool) -> bool:
        index = suggestions.highlighted
        if index is None or index >= suggestions.option_count:
            return False
        value = suggestions.get_option_at_index(index).id or ""
        if not value or (not always and typed.strip().lower() == value.lower()):
            return False  # already complete: Enter runs the command
        self.load_text(f"/{command} {value}")
        self.move_cursor(self.document.end)
        return True

    def _suggesting(self) -> OptionList | None:
        """The suggestion list when the text is a command name being typed (decided from the
        text itself: the list updates a message later, and fast typing outruns it)."""
        parent = self.parent
        if isinstance(parent, Prompt) and commands.complete(self.text):
            return parent.suggestions
        if isinstance(parent, Prompt) and commands.argument(self.text) and parent.suggestions.display:
            return parent.suggestions
        return None


class Prompt(Vertical):
    """The prompt with its command suggestions above it.

    `complete_argument(command, typed)` (set by the screen) returns values for /model and
    /theme arguments, best first.
    """

    complete_argument: Callable[[str, str], list[str]] | None = None

    DEFAULT_CSS = """
    Prompt { height: auto; }
    Prompt > OptionList { height: auto; max-height: 8; display: none; }
    Prompt > PromptInput { height: auto; max-height: 12; min-height: 3; }
    """

    def compose(self) -> ComposeResult:
        yield OptionList(id="suggestions")
        yield PromptInput(id="prompt-input")

    @property
    def input(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def suggestions(self) -> OptionList:
        return self.query_one("#suggestions", OptionList)

    @on(TextArea.Changed)
    def _update_suggestions(self, event: TextArea.Changed) -> None:
        matches = commands.complete(event.text_area.text)
        box = self.suggestions
        arg = commands.argument(event.text_area.text)
        if arg is not None and self.complete_argument is not None:
            values = self.complete_argument(*arg)[:8]
            box.set_options(Option(Content(value), id=value) for value in values)
            box.highlighted = 0 if values else None
            box.display = bool(values) and values != [arg[1]]
            return
        if not matches:
            box.display = False
            return
        box.set_options(
            Option(Content.assemble((f"/{c.name}", "bold"), f" {c.args}" if c.args else "", ("  " + c.help, "dim")), id=c.name)
            for c in matches
        )
        box.highlighted = 0
        box.display = True

    @on(OptionList.OptionSelected, "#suggestions")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        prompt = self.input
        name = event.option.id or ""
        arg = commands.argument(prompt.text)
        if arg is not None:
            prompt.load_text(f"/{arg[0]} {name}")
        else:
            prompt.load_text(f"/{name}" + (" " if commands.BY_NAME[name].args else ""))
        prompt.move_cursor(prompt.document.end)
        prompt.focus()
