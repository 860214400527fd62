"""Store exceptions: one type for "the database failed", LookupErrors for "no such thing".

Callers (CLI, TUI) catch `StoreError` to show a message instead of a traceback.
"""

from __future__ import annotations


class StoreError(Exception):
    """The history database could not be opened, read or written."""


class UnknownIdError(LookupError):
    """No conversation, message or attachment has that id (or prefix)."""


class AmbiguousIdError(LookupError):
    """An id prefix matches more than one conversation."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates
