"""Copying text out of the app: OSC 52 through the terminal, and the native clipboard.

OSC 52 works over SSH but the terminal may ignore it silently; pyperclip reaches the local
clipboard where one exists (X11/Wayland tools, macOS, Windows). We try both and report which
worked. Backends are injectable so tests can assert what was copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class Backend(Protocol):
    name: str

    def copy(self, text: str) -> bool:
        """Copy `text`; True if this backend is known (or believed) to have worked."""


@dataclass
class OSC52Backend:
    """Send the text to the terminal (`App.copy_to_clipboard`); we cannot know if it obeyed."""

    send: Callable[[str], None]
    name: str = "terminal (OSC 52)"

    def copy(self, text: str) -> bool:
        try:
            self.send(text)
        except Exception:
            return False
        return True


class NativeBackend:
    """The system clipboard through pyperclip, when a mechanism exists."""

    name = "system clipboard"

    def copy(self, text: str) -> bool:
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception:  # pyperclip.PyperclipException and anything a helper binary does
            return False
        return True


class MemoryBackend:
    """Keeps what was copied: for tests and for headless use."""

    def __init__(self, name: str = "memory", works: bool = True) -> None:
        self.name = name
        self.works = works
        self.copied: list[str] = []

    def copy(self, text: str) -> bool:
        if not self.works:
            return False
        self.copied.append(text)
        return True

    @property
    def last(self) -> str | None:
        return self.copied[-1] if self.copied else None


class Clipboard:
    """Try every backend; say which worked."""

    def __init__(self, backends: list[Backend]) -> None:
        self.backends = backends

    def copy(self, text: str) -> list[str]:
        """The names of the backends that took the text (empty if none did)."""
        return [b.name for b in self.backends if b.copy(text)]

    @staticmethod
    def describe(what: str, worked: list[str]) -> tuple[str, str]:
        """A notice for the user and its severity."""
        if not worked:
            return f"Could not copy {what}: no clipboard is available.", "error"
        return f"Copied {what} to the {' and the '.join(worked)}.", "information"
