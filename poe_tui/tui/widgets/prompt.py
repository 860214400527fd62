"""The prompt: a TextArea where Enter sends, ctrl+j (or shift+enter) breaks the line, up/down
on the first/last line walk the prompt history, and `/` suggests commands.

Keys are applied in the order typed. Textual inserts a printable key in the TextArea's own
handler, but runs a non-priority binding (BackSpace, ctrl+u, ctrl+w...) only once the key has
bubbled back up to the App, behind any keys that arrived in the same read. So the prompt runs
the bindings for a key itself, in its turn.

A paste longer than `paste_threshold` characters becomes one chip, "[pasted 2.0 MB, 48,000
lines]": the document stays small (typing after a huge paste stays fast), `text` still gives
the whole text (what is sent and stored), and ctrl+t expands the chips in place.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option

from poe_tui.tui import commands, keys, keystrokes


PASTE_THRESHOLD = 10_000  # characters; longer pastes become a chip


def pasted_path(text: str) -> str | None:
    """The file a paste names (a terminal pastes a dropped file as its path, perhaps quoted or
    as a file:// URL), or None when the paste is text to type."""
    import os
    from urllib.parse import unquote, urlsplit

    candidate = text.strip()
    if not candidate or "\n" in candidate or len(candidate) > 4096:
        return None
    if candidate[0] == candidate[-1] and candidate[0] in "'\"" and len(candidate) > 1:
        candidate = candidate[1:-1]
    if candidate.startswith("file://"):
        candidate = unquote(urlsplit(candidate).path)
    candidate = os.path.expanduser(candidate.replace("\\ ", " "))
    if not os.path.isabs(candidate):
        return None
    try:
        return candidate if os.path.isfile(candidate) else None
    except (OSError, ValueError):
        return None


def paste_label(text: str) -> str:
    """The chip shown for a long paste: its size and line count."""
    size = len(text.encode("utf-8", "surrogatepass"))
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            amount = f"{size / scale:.1f} {unit}"
            break
    else:
        amount = f"{size} bytes"
    lines = text.count("\n") + 1
    return f"[pasted {amount}, {lines:,} line{'s' if lines != 1 else ''}]"


class PromptInput(TextArea):
    BINDINGS = keys.bindings("prompt")

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class PathPasted(Message):
        """A file's path was pasted (or dropped): attach it rather than type it."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self, *, paste_threshold: int = PASTE_THRESHOLD, **kwargs) -> None:
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
        self.paste_threshold = paste_threshold
        self._pastes: list[tuple[str, str]] = []  # (chip label in the document, the pasted text)
        self._expanded: tuple[str, str] | None = None  # (document text, its expansion): cached

    # ------------------------------------------------------------ long pastes

    @property
    def text(self) -> str:
        """The whole text, each paste chip replaced by what was pasted."""
        shown = self.document.text
        if not self._pastes:
            return shown
        if self._expanded is None or self._expanded[0] != shown:
            self._expanded = (shown, self._expand(shown))
        return self._expanded[1]

    @text.setter
    def text(self, value: str) -> None:
        self.load_text(value)

    def _expand(self, shown: str) -> str:
        self._pastes = [(label, pasted) for label, pasted in self._pastes if label in shown]  # deleted chips are gone
        for label, pasted in self._pastes:
            shown = shown.replace(label, pasted, 1)
        return shown

    def _chip(self, pasted: str) -> str:
        label = paste_label(pasted)
        taken = {existing for existing, _ in self._pastes}
        base, n = label, 1
        while label in taken or label in self.document.text:  # each chip must be findable alone
            n += 1
            label = f"{base[:-1]} #{n}]"
        self._pastes.append((label, pasted))
        return label

    def load_text(self, text: str) -> None:
        self._pastes = []
        self._expanded = None
        if len(text) > self.paste_threshold:
            text = self._chip(text)
        super().load_text(text)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # TextArea's handler runs here or not at all
        path = None if self.read_only else pasted_path(event.text)
        if path is not None:
            event.stop()
            self.post_message(self.PathPasted(path))
            return
        if self.read_only or len(event.text) <= self.paste_threshold:
            await super()._on_paste(event)
            return
        event.stop()
        # Terminals (and tmux) send a paste's line breaks as CR: the text kept is what was copied.
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if result := self._replace_via_keyboard(self._chip(text), *self.selection):
            self.move_cursor(result.end_location)

    def action_expand_pastes(self) -> None:
        """Put the pasted text itself in place of its chips."""
        if self._pastes:
            whole = self.text
            self._pastes = []
            self._expanded = None
            super().load_text(whole)
            self.move_cursor(self.document.end)

    def on_mount(self) -> None:
        keymap = getattr(self.app, "keymap", {})  # the hint names the keys as remapped
        send = keymap.get("send", keys.BY_ID["send"].keys).split(",")[0].strip()
        newline = keymap.get("newline", keys.BY_ID["newline"].keys).split(",")[0].strip()
        self.placeholder = f"Message the bot ({send.title() if send == 'enter' else send} sends, {newline} new line, / for commands)"

    async def _on_key(self, event) -> None:
        # Handled here, in order with the typed characters: a priority binding would run
        # before earlier keys of the same burst reached the text.
        keystrokes.typed()
        self.call_after_refresh(keystrokes.echoed)  # held stream redraws go just after the echo
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
        if not event.is_printable and await self.app._check_bindings(event.key):
            # Run the key's binding now, in order with the keys behind it (module docstring).
            event.stop()
            event.prevent_default()

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
        # The values for what is typed now: the list may still show the command names (or an
        # older argument's values) when fast typing outran its update.
        source = getattr(self.parent, "complete_argument", None)
        values = source(command, typed) if source is not None else []
        if not values:
            return False
        if not always and any(typed.strip().lower() == v.lower() for v in values):
            return False  # already complete (any case): Enter runs the command
        index = suggestions.highlighted
        shown = suggestions.get_option_at_index(index).id if index is not None and index < suggestions.option_count else None
        value = shown if shown in values else values[0]
        self.load_text(f"/{command} {value}")
        self.move_cursor(self.document.end)
        return True

    def _suggesting(self) -> OptionList | None:
        """The suggestion list when the text is a command name being typed (decided from the
        text itself: the list updates a message later, and fast typing outruns it)."""
        parent = self.parent
        typed = self.document.text
        if isinstance(parent, Prompt) and commands.complete(typed):
            return parent.suggestions
        if isinstance(parent, Prompt) and commands.argument(typed) and parent.suggestions.display:
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
        typed = event.text_area.document.text  # chips unexpanded: a command is short
        matches = commands.complete(typed)
        box = self.suggestions
        arg = commands.argument(typed)
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
