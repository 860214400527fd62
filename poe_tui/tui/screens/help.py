"""Every key (as currently mapped) and every slash command."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from poe_tui.tui import commands, keys


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help_close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 84; max-width: 95%; height: 90%; background: $panel; border: round $primary; padding: 0 2; }
    HelpScreen .title { text-style: bold; color: $primary; margin-top: 1; }
    """

    def __init__(self, keymap: dict[str, str], extra: list[tuple[str, str, str]] | None = None) -> None:
        super().__init__()
        self.keymap = keymap
        self.extra = extra or []  # (id, keys, description) of bindings other widgets declare

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("Keys", classes="title")
            rows = [(k.id, keys_shown, k.description) for k, keys_shown in keys.current_keys(self.keymap)]
            rows += [(i, self.keymap.get(i, ks), d) for i, ks, d in self.extra]
            yield Static(self._table(rows))
            yield Static("Remap any key in the config file:  [keys]  id = \"key\"", classes="hint")
            yield Static("Commands (type them in the prompt)", classes="title")
            yield Static(
                Content("\n").join(
                    Content.assemble((f"/{c.name} {c.args}".ljust(26), "bold"), (c.help, "")) for c in commands.SLASH_COMMANDS
                )
            )
            yield Static("Messages", classes="title")
            yield Static(
                Content.assemble(
                    ("@Bot text".ljust(26), "bold"),
                    "send this one message to Bot\n",
                    ("//text".ljust(26), "bold"),
                    "send a message that starts with /",
                )
            )
            yield Static(Content.assemble(("Esc", "bold"), " closes this screen."), classes="title")

    @staticmethod
    def _table(rows: list[tuple[str, str, str]]) -> Content:
        lines = [
            Content.assemble((keys_shown.ljust(26), "bold $accent"), (description.ljust(32), ""), (binding_id, "dim"))
            for binding_id, keys_shown, description in rows
        ]
        return Content("\n").join(lines)
