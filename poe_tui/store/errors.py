"""Store exceptions: one type for "the database failed", LookupErrors for "no such thing".

Callers (CLI, TUI) catch `StoreError` to show a message instead of a traceback; the subclasses
say what the user can do about it.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """The history database could not be opened, read or written."""


class DiskFullError(StoreError):
    """The disk (or the file's size limit) refused a write; what was saved before stays."""


class CorruptDatabase(StoreError):
    """The file is damaged: nothing is written into it. `store.move_aside(path)` keeps it aside
    (as `<name>.corrupt-<time>`) so a fresh database can start."""

    def __init__(self, path: str | Path, detail: str) -> None:
        self.path = Path(path)
        self.detail = detail
        super().__init__(f"the history database {self.path} is damaged ({detail}); nothing was written to it")


class UnknownIdError(LookupError):
    """No conversation, message or attachment has that id (or prefix)."""


class AmbiguousIdError(LookupError):
    """An id prefix matches more than one conversation."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates
