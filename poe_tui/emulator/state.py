"""Everything the emulator remembers: keys and balances, points history, the request log, faults.

One lock guards it all: uvicorn serves from its own thread while a test thread reads and injects.
Readers get copies (the request log's records are shared objects, so a stream's `cancelled`
flag set later is visible through an earlier snapshot).
"""

from __future__ import annotations

import bisect
import dataclasses
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from poe_tui.client.records import POINT_USD  # noqa: F401  (one point's worth, stated once; points.py reads it here)

from .faults import Fault

DEFAULT_KEY = "poe-emulator-key"
DEFAULT_BALANCE = 1_000_000
REQUEST_LOG_SIZE = 2000  # requests the emulator remembers (tests read the last few)
DEFAULT_RATE_LIMIT = 500  # requests a minute per key, as the real service
HISTORY_DAYS = 30  # the points history reaches back this far, as the service's does


@dataclass
class RequestRecord:
    """One request as the emulator saw it (chat, models, balance, history; not the control surface)."""

    method: str
    path: str
    headers: dict[str, str]
    key: str | None = None  # masked (`…abcd`): the log is served over HTTP
    body: Any = None  # the parsed JSON body, exactly as sent (None for GETs or unparseable bodies)
    model: str | None = None  # the model string as sent
    stream: bool = False
    status: int | None = None
    cancelled: bool = False  # the client went away before the answer was complete
    completed: bool = False  # a 200 answer was fully delivered ([DONE] sent, or the JSON body)
    time: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class HistoryEntry:
    query_id: str
    bot_name: str
    creation_time: int  # unix microseconds
    cost_points: int
    cost_breakdown_in_points: dict[str, str]
    usage_type: str = "API"

    @property
    def cost_usd(self) -> str:
        return format(Decimal(self.cost_points) * POINT_USD, "f")

    def to_json(self, pending: bool = False) -> dict[str, Any]:
        return {
            "query_id": self.query_id,
            "bot_name": self.bot_name,
            "creation_time": self.creation_time,
            "usage_type": self.usage_type,
            "cost_points": 0 if pending else self.cost_points,
            "cost_usd": "0" if pending else self.cost_usd,
            "cost_breakdown_in_points": {} if pending else dict(self.cost_breakdown_in_points),
        }


class EmulatorState:
    """Mutable emulator state; `reset()` returns to what the constructor set up."""

    def __init__(
        self,
        keys: Mapping[str, int] | Iterable[str] | None = None,
        *,
        balance: int = DEFAULT_BALANCE,
        tokens_per_second: float | None = None,
        rate_limit_per_minute: int = DEFAULT_RATE_LIMIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock  # when charges happen and what "the last 30 days" means (tests move it)
        if keys is None:
            initial = {DEFAULT_KEY: balance}
        elif isinstance(keys, Mapping):
            initial = dict(keys)
        else:
            initial = {k: balance for k in keys}
        self._initial = (initial, tokens_per_second, rate_limit_per_minute)
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        keys, tps, limit = self._initial
        with self._lock:
            self._balances: dict[str, int] = dict(keys)
            self._history: dict[str, list[HistoryEntry]] = {}
            self._requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE)  # --demo runs in the app: bounded
            self._faults: list[Fault] = []
            self._windows: dict[str, deque[float]] = {}
            self.tokens_per_second: float | None = tps
            self.rate_limit_per_minute: int = limit
            # Seconds during which a fresh history entry shows cost_points 0 (the contract says it may).
            self.history_pending_seconds: float = 0.0

    # Keys and points ----------------------------------------------------------------------------

    def add_key(self, key: str, balance: int = DEFAULT_BALANCE) -> None:
        with self._lock:
            self._balances[key] = balance

    def revoke_key(self, key: str) -> None:
        with self._lock:
            self._balances.pop(key, None)

    def has_key(self, key: str | None) -> bool:
        with self._lock:
            return key is not None and key in self._balances

    def balance(self, key: str = DEFAULT_KEY) -> int:
        with self._lock:
            return self._balances[key]

    def set_balance(self, key: str, points: int) -> None:
        with self._lock:
            self._balances[key] = points

    def charge(self, key: str, bot_name: str, points: int, breakdown: Mapping[str, str]) -> HistoryEntry:
        """Deduct points (never below zero) and record the history entry, now."""
        return self.record_charge(key, bot_name, points, breakdown, self.clock())

    def record_charge(self, key: str, bot_name: str, points: int, breakdown: Mapping[str, str], when: float, *,
                      usage_type: str = "API", query_id: str | None = None) -> HistoryEntry:
        """A charge at any time (seeding a past history): the history stays in time order."""
        entry = HistoryEntry(
            query_id=query_id or secrets.token_hex(10),
            bot_name=bot_name,
            creation_time=int(when * 1_000_000),
            cost_points=points,
            cost_breakdown_in_points=dict(breakdown),
            usage_type=usage_type,
        )
        with self._lock:
            if key in self._balances:
                self._balances[key] = max(0, self._balances[key] - points)
            entries = self._history.setdefault(key, [])
            bisect.insort(entries, entry, key=lambda e: e.creation_time)
        return entry

    def history(self, key: str = DEFAULT_KEY, *, days: float | None = None) -> list[HistoryEntry]:
        """Newest first; with `days`, only the entries of that many days before now."""
        with self._lock:
            entries = list(reversed(self._history.get(key, [])))
        if days is None:
            return entries
        since = (self.clock() - days * 86_400) * 1_000_000
        return [e for e in entries if e.creation_time >= since]

    # Rate limit ---------------------------------------------------------------------------------

    def check_rate(self, key: str, now: float | None = None) -> float | None:
        """Count a request; None if allowed, else seconds until one is (the request is not counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.rate_limit_per_minute:
                return max(0.0, window[0] + 60.0 - now)
            window.append(now)
            return None

    # Request log --------------------------------------------------------------------------------

    def log(self, record: RequestRecord) -> RequestRecord:
        with self._lock:
            self._requests.append(record)
        return record

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self._requests if r.path == "/v1/chat/completions"]

    # Faults -------------------------------------------------------------------------------------

    def inject(self, fault: Fault) -> Fault:
        """Queue a copy of `fault` (so one Fault object can be injected again) and return the copy."""
        queued = dataclasses.replace(fault)
        with self._lock:
            self._faults.append(queued)
        return queued

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def peek_fault(self, endpoint: str = "chat", names: set[str] | None = None) -> Fault | None:
        """The first queued fault for `endpoint` and a bot known by `names` (lowercase)."""
        with self._lock:
            return next((f for f in self._faults if f.matches(endpoint, names or set())), None)

    def consume_fault(self, fault: Fault) -> None:
        """Use one application of `fault`; it leaves the queue after `times` uses."""
        with self._lock:
            for i, queued in enumerate(self._faults):
                if queued is fault:
                    queued.times -= 1
                    if queued.times <= 0:
                        del self._faults[i]
                    return
