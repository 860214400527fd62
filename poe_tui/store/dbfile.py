"""The database file on disk: who may read it, whether it was closed cleanly, and what to do with
one that is damaged.

History is private (0600 files in a 0700 directory, as the config is). A file that changed since
the last clean close is checked (`PRAGMA quick_check`) before anything is written into it; a
damaged one is refused, and can be kept aside as `history.db.corrupt-<time>` so a fresh one starts.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from .errors import CorruptDatabase, StoreError

FILE_MODE = 0o600
DIR_MODE = 0o700
SIDE_FILES = ("-wal", "-shm")
MARKER_SUFFIX = ".clean"


def companions(path: Path) -> list[Path]:
    """The database and the files SQLite keeps beside it."""
    return [path, *(path.with_name(path.name + s) for s in SIDE_FILES)]


def make_private(path: Path) -> None:
    """Create the directory (0700) and the file (0600) if missing; tighten existing ones."""
    if not path.parent.exists():
        path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))
    for file in companions(path):
        try:
            if file.stat().st_mode & 0o777 != FILE_MODE:
                os.chmod(file, FILE_MODE)
        except FileNotFoundError:
            pass
        except PermissionError:
            pass  # not ours to change (a shared file): SQLite will say if it cannot use it


def make_private_dir(directory: Path) -> None:
    """The app's own data directory is 0700, whoever created it."""
    try:
        directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if directory.stat().st_mode & 0o777 != DIR_MODE:
            os.chmod(directory, DIR_MODE)
    except OSError as exc:
        raise StoreError(f"cannot create {directory}: {exc.strerror or exc}") from exc


# ------------------------------------------------------------ clean close


def _marker(path: Path) -> Path:
    return path.with_name(path.name + MARKER_SUFFIX)


def _fingerprint(path: Path) -> dict[str, int | None]:
    def stat(p: Path) -> tuple[int, int] | None:
        try:
            st = p.stat()
        except FileNotFoundError:
            return None
        return st.st_size, st.st_mtime_ns

    db, wal = stat(path), stat(path.with_name(path.name + "-wal"))
    if wal is not None and wal[0] == 0:
        wal = None  # an empty WAL is what opening creates: no change to the data
    return {"size": db and db[0], "mtime_ns": db and db[1], "wal_size": wal and wal[0], "wal_mtime_ns": wal and wal[1]}


def record_clean_close(path: Path) -> None:
    """Called after the connection closed: the file as it is now is known to be whole."""
    marker = _marker(path)
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "w") as fh:
            json.dump(_fingerprint(path), fh)
    except OSError:
        pass  # a full or read-only disk: the next open just checks the file


def closed_cleanly(path: Path) -> bool:
    """True when nothing touched the file since a clean close (so checking it again is wasted)."""
    try:
        with open(_marker(path)) as fh:
            return json.load(fh) == _fingerprint(path)
    except (OSError, ValueError):
        return False


# -------------------------------------------------------------- integrity


def check(conn: sqlite3.Connection, path: Path) -> None:
    """`PRAGMA quick_check` (a few ms a megabyte); raise CorruptDatabase with what it found."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabase(path, str(exc)) from exc
    if rows != ["ok"]:
        raise CorruptDatabase(path, "; ".join(str(r) for r in rows))


def is_corruption(exc: sqlite3.Error) -> bool:
    text = str(exc)
    return "malformed" in text or "not a database" in text or getattr(exc, "sqlite_errorname", "") in (
        "SQLITE_CORRUPT", "SQLITE_NOTADB",
    )


def move_aside(path: str | Path, *, now: float | None = None) -> Path:
    """Rename a damaged database (and its -wal/-shm) to `<name>.corrupt-<time>`; the next open
    starts a fresh one. Returns the new name of the database file. Nothing is deleted."""
    path = Path(path).expanduser()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now if now is not None else time.time()))
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    for file, suffix in zip(companions(path), ("", *SIDE_FILES)):
        if file.exists():
            os.replace(file, target.with_name(target.name + suffix))
    _marker(path).unlink(missing_ok=True)
    return target
