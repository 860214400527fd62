"""Files attached to a message (images, PDFs for vision bots): stored inline or by path."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from .connection import Connection
from .errors import UnknownIdError
from .ids import new_id
from .records import Attachment, columns

_FIELDS = columns(Attachment)
_COLUMNS = ", ".join(_FIELDS)


def add(
    db: Connection,
    clock: Callable[[], float],
    message_id: str,
    filename: str,
    mime: str,
    data: bytes | None = None,
    *,
    path: str | Path | None = None,
) -> Attachment:
    """Keep `data` in the database, or only a `path` to a file the user owns."""
    if data is None and path is None:
        raise ValueError("an attachment needs data or a path")
    if data is not None:
        data = bytes(data)
        size = len(data)
    else:
        try:
            size = Path(path).stat().st_size  # type: ignore[arg-type]
        except OSError:
            size = 0
    path_text = None if path is None else str(path)
    now = clock()
    aid = new_id(clock)
    record = Attachment(
        id=aid, message_id=message_id, filename=filename, mime=mime, size=size, data=data, path=path_text, created_at=now,
    )
    with db.write() as conn:
        try:
            conn.execute(
                f"INSERT INTO attachments ({_COLUMNS}) VALUES ({', '.join('?' * len(_FIELDS))})",
                tuple(getattr(record, f) for f in _FIELDS),
            )
        except sqlite3.IntegrityError as exc:
            if "FOREIGN KEY" in str(exc):
                raise UnknownIdError(f"no message {message_id!r}") from exc
            raise
    return record


def for_message(db: Connection, message_id: str) -> list[Attachment]:
    with db.read() as conn:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM attachments WHERE message_id = ? ORDER BY seq", (message_id,)
        ).fetchall()
    return [Attachment(*r) for r in rows]


def for_messages(db: Connection, message_ids: list[str]) -> dict[str, list[Attachment]]:
    """message id -> its attachments, for a whole thread in a few queries."""
    out: dict[str, list[Attachment]] = {}
    with db.read() as conn:
        for start in range(0, len(message_ids), 500):
            chunk = message_ids[start:start + 500]
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM attachments WHERE message_id IN ({', '.join('?' * len(chunk))}) ORDER BY seq",
                chunk,
            ).fetchall()
            for row in rows:
                record = Attachment(*row)
                out.setdefault(record.message_id, []).append(record)
    return out
