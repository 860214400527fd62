"""Wiring shared by the CLI and the TUI: settings, the store file, the client, the demo emulator.

UI-free. The demo runs the emulator in-process (a loopback socket in a background thread) and
keeps its own database, so trying the app never touches the user's real history.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from poe_tui.config import Settings, db_path, load_settings

DEMO_BOT = "Demo-Markdown"
DEMO_BOTS = ("Demo-Markdown", "Demo-Reasoner", "Demo-Echo", "Demo-Long", "Demo-Image")  # the showcase
DEMO_HISTORY = 400  # past charges the demo account starts with
DEMO_TOKENS_PER_SECOND = 150.0  # a brisk real bot: fast enough to use, slow enough to see it stream


@dataclass
class Runtime:
    settings: Settings
    demo: bool = False
    _emulator: Any = field(default=None, repr=False)
    _stores: list[Any] = field(default_factory=list, repr=False)

    @classmethod
    def load(cls, *, demo: bool = False, api_key: str | None = None, base_url: str | None = None) -> Runtime:
        settings = load_settings(api_key=api_key, base_url=base_url)
        if demo:
            settings = replace(settings, default_bot=DEMO_BOT)
        return cls(settings=settings, demo=demo)

    @property
    def db_path(self):
        return db_path(demo=self.demo)

    def open_store(self):
        """The history database, in a data directory only its owner can read."""
        from poe_tui.store import Store
        from poe_tui.store.dbfile import make_private_dir

        make_private_dir(self.db_path.parent)
        store = Store(self.db_path)
        # Closed by close(): a clean close spares the next open its integrity check.
        self._stores = [s for s in self._stores if not s.closed] + [store]
        return store

    def start_demo_emulator(self) -> None:
        """Start the in-process emulator (idempotent) and point the settings at it."""
        if not self.demo or self._emulator is not None:
            return
        from poe_tui.emulator.server import EmulatorServer
        from poe_tui.emulator.state import DEFAULT_KEY, EmulatorState

        from poe_tui.emulator.seeding import seed_history

        state = EmulatorState(tokens_per_second=DEMO_TOKENS_PER_SECOND)
        seed_history(state, DEMO_HISTORY)  # a month of charges: the usage screen has something to show
        self._emulator = EmulatorServer(state)
        self._emulator.start()
        self.settings = replace(self.settings, base_url=self._emulator.base_url, api_key=DEFAULT_KEY, api_key_source="demo")

    def make_client(self, api_key: str | None = None, *, wait: float | None = None):
        """`wait` (ask --timeout) caps every silence: connecting, the first byte, mid-reply."""
        from poe_tui.client import PoeClient, RetryPolicy

        self.start_demo_emulator()
        s = self.settings
        return PoeClient(
            api_key or s.api_key,
            base_url=s.base_url,
            connect_timeout=min(s.connect_timeout, wait or s.connect_timeout),
            first_byte_timeout=wait or s.first_byte_timeout,
            slow_first_byte_timeout=wait or s.slow_first_byte_timeout,
            idle_timeout=wait or s.idle_timeout,
            request_timeout=min(s.request_timeout, wait or s.request_timeout),
            retry=RetryPolicy(max_retries=s.max_retries, max_retry_after=s.max_retry_after),
        )

    def close(self) -> None:
        while self._stores:
            self._stores.pop().close()
        if self._emulator is not None:
            self._emulator.stop()
            self._emulator = None
