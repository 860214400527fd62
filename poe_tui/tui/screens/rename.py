"""A one-field dialog to rename a conversation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class RenameScreen(ModalScreen[str | None]):
    """One Input: Enter gives the new title ('' clears it), Esc gives None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="rename_cancel")]
    DEFAULT_CSS = """
    RenameScreen { align: center middle; }
    RenameScreen > Vertical {
        width: 70; max-width: 90%; height: auto; padding: 1 2;
        border: thick $primary 60%; background: $surface;
    }
    RenameScreen Static { margin-bottom: 1; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.initial = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Rename the conversation (Enter saves, Esc cancels, empty clears):"))
            yield Input(self.initial, placeholder="Title", id="rename-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
