"""Choosing a file to attach: a folder tree from the current folder; Enter on a file picks it.
Dismissed with the path, or None."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Static


class FilePickerScreen(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False, id="file_picker_cancel")]

    DEFAULT_CSS = """
    FilePickerScreen {
        align: center middle;
        & > #file-picker { width: 80%; height: 80%; padding: 0 1; border: thick $accent 60%; background: $surface; }
        & #file-picker-title { height: auto; margin-bottom: 1; }
    }
    """

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="file-picker"):
            yield Static(Content("Attach a file: Enter picks it, Esc cancels"), id="file-picker-title")
            yield DirectoryTree(self.start, id="file-tree")

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(Path(event.path))

    def action_cancel(self) -> None:
        self.dismiss(None)
