"""The one SQLite connection, with the pragmas and write discipline every query relies on.

WAL lets readers and a writer work at once; `BEGIN IMMEDIATE` takes the write lock up front, so
a second process waits on `busy_timeout` instead of failing with "database is locked" when its
read transaction tries to upgrade. The driver runs in autocommit (`isolation_level=None`) so the
only transactions are the ones opened here.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import dbfile
from .errors import CorruptDatabase, DiskFullError, StoreError

BUSY_TIMEOUT_MS = 5000
MEMORY = ":memory:"


def _describe(exc: sqlite3.Error) -> str:
    text = str(exc) or type(exc).__name__
    if "locked" in text or "busy" in text:
        return f"{text} (another poe-tui process kept the history database busy)"
    if "readonly" in text or "unable to open" in text:
        return f"{text} (is the file and its directory writable?)"
    return text


def _is_full(exc: sqlite3.Error) -> bool:
    return "disk is full" in str(exc) or getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL"


class Connection:
    """A thread-safe wrapper: every use holds a lock; errors leave as `StoreError` (or the
    subclass that says what to do: `DiskFullError`, `CorruptDatabase`)."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = path if str(path) == MEMORY else Path(path).expanduser()
        self._lock = threading.RLock()
        self._depth = 0
        self.damaged = False  # a statement found the file damaged: never call its close clean
        self._closed = False
        if self.path != MEMORY:
            if self.path.is_dir():
                raise StoreError(f"cannot open history database {self.path}: it is a directory")
            unchanged = dbfile.closed_cleanly(self.path)  # asked before SQLite touches the files
            try:
                dbfile.make_private(self.path)
            except OSError as exc:
                where = self.path.parent if not self.path.parent.is_dir() else self.path
                raise StoreError(f"cannot create {where}: {exc.strerror or exc}") from exc
        try:
            self.conn = sqlite3.connect(
                str(self.path),
                timeout=busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open history database {self.path}: {_describe(exc)}") from exc
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            # Triggers keep FTS and aggregates current; a REPLACE (sqlite-utils upserts through
            # `Store.db`) must fire the delete triggers too, or the index would keep stale rows.
            self.conn.execute("PRAGMA recursive_triggers = ON")
            if self.path != MEMORY:
                self._enable_wal(busy_timeout_ms / 1000)
                # Safe with WAL: a power cut may lose the last commits, never corrupt the file.
                self.conn.execute("PRAGMA synchronous = NORMAL")
                if not unchanged:
                    dbfile.check(self.conn, self.path)  # before anything is written into it
        except sqlite3.Error as exc:
            self.conn.close()
            error = self.error(exc)
            if type(error) is StoreError:
                error = StoreError(f"cannot open history database {self.path}: {error}")
            raise error from exc
        except StoreError:
            self.conn.close()
            raise

    def _enable_wal(self, timeout: float) -> None:
        """Switch a new file to WAL. The switch needs an exclusive lock and SQLite answers
        "locked" at once, without the busy handler, while another process opening the same new
        file holds a lock: retry until it has switched the file (WAL is then read from it)."""
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                if self.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                    return
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode == "wal":
                    return
                raise StoreError(f"cannot put {self.path} in WAL mode (got {mode!r})")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def error(self, exc: sqlite3.Error) -> StoreError:
        """The StoreError (subclass) that says what an sqlite3 error means for the user."""
        if dbfile.is_corruption(exc):
            self.damaged = True
            return CorruptDatabase(self.path, str(exc))
        if _is_full(exc):
            return DiskFullError(f"the disk is full: {self.path} cannot grow ({exc})")
        return StoreError(_describe(exc))

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Run statements (each its own snapshot) under the lock."""
        with self._lock:
            try:
                yield self.conn
            except sqlite3.Error as exc:
                raise self.error(exc) from exc

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that must see one consistent state (a deferred transaction)."""
        with self._lock:
            if self._depth:
                with self.read() as conn:
                    yield conn
                return
            try:
                self.conn.execute("BEGIN")
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                    self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self.error(exc) from exc

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction committed on exit; nested uses become savepoints. Once a
        statement has found the file damaged, nothing more is written into it."""
        with self._lock:
            if self.damaged:
                raise CorruptDatabase(self.path, "a read found it damaged earlier")
            try:
                if self._depth:
                    name = f"sp{self._depth}"
                    self.conn.execute(f"SAVEPOINT {name}")
                    self._depth += 1
                    try:
                        yield self.conn
                    except BaseException:
                        self.conn.execute(f"ROLLBACK TO {name}")
                        self.conn.execute(f"RELEASE {name}")
                        raise
                    finally:
                        self._depth -= 1
                    self.conn.execute(f"RELEASE {name}")
                    return
                self.conn.execute("BEGIN IMMEDIATE")
                self._depth = 1
                try:
                    yield self.conn
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
                finally:
                    self._depth = 0
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._depth == 0 and self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise self.error(exc) from exc

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self, *, clean: bool = True) -> None:
        """Close (again is a no-op); a clean close is recorded so the next open can skip the
        integrity check."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if not self.damaged:  # it writes; nothing goes into a damaged file
                    # Cheap with a sampling limit; keeps the planner's statistics fresh.
                    self.conn.execute("PRAGMA analysis_limit = 400")
                    self.conn.execute("PRAGMA optimize")
                clean = clean and not self.damaged
            except sqlite3.Error:
                clean = False
            self.conn.close()
            if clean and self.path != MEMORY:
                dbfile.record_clean_close(self.path)
