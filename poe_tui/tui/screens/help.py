"""Every key (as currently mapped) and every slash command.

Each row says what a key does in words: a binding declared without a description shows a
readable phrase, never its internal action name (`app.focus_next`).
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from poe_tui.tui import commands, keys

# Textual's own actions, in words; any other bare action name is turned into words as it stands.
ACTION_WORDS = {
    "focus_next": "Move to the next control",
    "focus_previous": "Move to the previous control",
    "dismiss": "Close",
    "quit": "Quit",
    "bell": "Ring the bell",
}
_ACTION = re.compile(r"^(?:(?:app|screen|focused)\.)?([a-z_][a-z0-9_]*)(?:\(.*\))?$")
KEYS_WIDTH = 26  # the keys column (and the commands' column)
FRAME = 7  # columns the dialog takes around its text: border 2, padding 3, scrollbar 2


def describe(what: str) -> str:
    """'Question: app.focus_next' → 'Question: Move to the next control'; words stay as they are."""
    where, sep, action = what.rpartition(": ")
    m = _ACTION.match(action)  # an action name is lower case; a description is a phrase
    if m is None:
        return what
    name = m.group(1)
    words = ACTION_WORDS.get(name) or name.replace("_", " ").capitalize()
    return f"{where}{sep}{words}"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help_close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 96; max-width: 100%; height: 90%; background: $panel; border: round $primary; padding: 0 1 0 2; }
    HelpScreen .title { text-style: bold; color: $primary; margin-top: 1; }
    HelpScreen .table { text-wrap: nowrap; text-overflow: ellipsis; }
    """
    DIALOG_WIDTH = 96

    def __init__(self, keymap: dict[str, str], extra: list[tuple[str, str, str]] | None = None) -> None:
        super().__init__()
        self.keymap = keymap
        self.extra = extra or []  # (id, keys, description) of bindings other widgets declare
        self.rows: list[tuple[str, str, str]] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("Keys", classes="title")
            rows = [(k.id, keys_shown, k.description) for k, keys_shown in keys.current_keys(self.keymap)]
            self.rows = rows + [(i, self.keymap.get(i, ks), describe(d)) for i, ks, d in self.extra]
            yield Static(self._table(self.rows, self.app.size.width), classes="table", id="help-keys")
            yield Static("Remap any key in the config file:  [keys]  id = \"key\"", classes="hint")
            yield Static("Commands (type them in the prompt)", classes="title")
            yield Static(
                Content("\n").join(
                    Content.assemble((f"/{c.name} {c.args}".ljust(KEYS_WIDTH), "bold"), (c.help, "")) for c in commands.SLASH_COMMANDS
                )
            )
            yield Static("Messages", classes="title")
            yield Static(
                Content.assemble(
                    ("@Bot text".ljust(KEYS_WIDTH), "bold"),
                    "send this one message to Bot\n",
                    ("//text".ljust(KEYS_WIDTH), "bold"),
                    "send a message that starts with /",
                )
            )
            yield Static(Content.assemble(("Esc", "bold"), " closes this screen."), classes="title")

    def on_resize(self) -> None:
        self.query_one("#help-keys", Static).update(self._table(self.rows, self.app.size.width))

    @classmethod
    def _table(cls, rows: list[tuple[str, str, str]], screen_width: int) -> Content:
        """One line a binding: keys, what they do, and the id to remap them. The ids are never
        cut (the config file needs them whole): on a narrow screen the descriptions give way."""
        room = min(cls.DIALOG_WIDTH, screen_width) - FRAME
        id_width = max((len(i) for i, _, _ in rows), default=0)
        what_width = max(16, min(max((len(d) for _, _, d in rows), default=0) + 2, room - KEYS_WIDTH - id_width))

        def cell(text: str, width: int) -> str:
            return text.ljust(width) if len(text) < width else text[: width - 2] + "… "

        lines = [
            Content.assemble((cell(keys_shown, KEYS_WIDTH), "bold $accent"), (cell(description, what_width), ""), (binding_id, "dim"))
            for binding_id, keys_shown, description in rows
        ]
        return Content("\n").join(lines)
