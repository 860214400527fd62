"""A small yes/no dialog: `push_screen(ConfirmScreen("Delete it?"), callback)` -> True / False."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """Asks `question` (plain text, shown literally). Focus starts on the safe answer."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False, id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", show=False, id="confirm_no"),
        Binding("left,right", "app.focus_next", "Switch between the buttons", show=False, id="confirm_switch"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        & > #confirm-dialog {
            width: auto;
            min-width: 40;
            max-width: 80%;
            height: auto;
            padding: 1 2;
            border: thick $error 60%;
            background: $surface;
        }
        & #confirm-question { width: auto; max-width: 76; margin-bottom: 1; }
        & #confirm-buttons { width: 100%; height: auto; align-horizontal: right; }
        & #confirm-buttons Button { margin-left: 2; }
    }
    """

    def __init__(self, question: str, yes: str = "Delete", no: str = "Cancel") -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(Content(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(self.no_label), id="confirm-no")
                yield Button(Content(self.yes_label), variant="error", id="confirm-yes")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
