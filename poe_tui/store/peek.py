"""One read-only look at the cache for the first frame, before the store proper is imported.

Opening `Store` means importing the whole package (~65 ms); the skeleton painted before
Textual only needs the last known balance. Read-only: never creates, migrates or locks.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def cached_balance(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.05)
        try:
            row = conn.execute("SELECT value FROM cache WHERE key = 'balance'").fetchone()
        finally:
            conn.close()
        points = json.loads(row[0]).get("points") if row else None
    except (sqlite3.Error, ValueError, AttributeError):
        return None
    return points if isinstance(points, int) and not isinstance(points, bool) else None
