"""Running the emulator on a real loopback socket: in a background thread, or blocking.

`EmulatorServer` is what tests and `poe-tui --demo` use (port 0 picks a free port, start-up
takes a few milliseconds); `serve()` is `poe-tui emulator --port N`. Logging stays quiet: no
access log, and the deliberate connection drops of `break_after` are not reported as errors.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from typing import TextIO

import uvicorn

from .app import create_app
from .state import DEFAULT_KEY, EmulatorState

_DELIBERATE = "ASGI callable returned without completing response"


class _QuietDeliberateDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_DELIBERATE)


def _quiet_logging(level: str) -> None:
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).setLevel(level.upper())
    error_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDeliberateDrops) for f in error_log.filters):
        error_log.addFilter(_QuietDeliberateDrops())


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP,
    # and without it every keep-alive response waits ~40 ms on delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _config(app: object, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_config=None,  # never reconfigure the host process's logging (a TUI owns the terminal)
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )


class EmulatorServer:
    """The emulator on a real socket in a daemon thread; a context manager or start()/stop()."""

    def __init__(self, state: EmulatorState | None = None, host: str = "127.0.0.1", port: int = 0,
                 *, log_level: str = "error") -> None:
        self.state = state if state is not None else EmulatorState()
        self.host = host
        self.port = port
        self.log_level = log_level
        self._closing = threading.Event()
        self.app = create_app(self.state, closing=self._closing)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def api_key(self) -> str:
        return DEFAULT_KEY

    def start(self, timeout: float = 10.0) -> EmulatorServer:
        if self._thread is not None:
            return self
        _quiet_logging(self.log_level)
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        self._closing.clear()
        server = uvicorn.Server(_config(self.app, self.log_level))
        self._server = server
        self._thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                                        name=f"poe-emulator:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                self._thread = None
                raise RuntimeError(f"the Poe emulator did not start on {self.base_url}")
            time.sleep(0.002)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is None or self._server is None:
            return
        self._closing.set()  # ends stalls and delays at once
        self._server.should_exit = True
        self._thread.join(timeout)
        self._thread = None
        self._server = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(host: str = "127.0.0.1", port: int = 8000, keys: Mapping[str, int] | Iterable[str] | None = None,
          tokens_per_second: float | None = None, *, log_level: str = "warning", out: TextIO | None = None,
          history: int = 0) -> None:
    """Run the emulator in the foreground until Ctrl-C, after printing where it is and the key to use.
    `history`: that many past charges over the last 30 days for the first key (a realistic month)."""
    out = out or sys.stdout
    state = EmulatorState(keys, tokens_per_second=tokens_per_second)
    key_list = list(keys) if keys is not None else [DEFAULT_KEY]
    if history:
        from .seeding import seed_history

        seed_history(state, history, key=key_list[0])
    _quiet_logging(log_level)
    sock = _bind(host, port)
    actual = sock.getsockname()[1]
    base = f"http://{f'[{host}]' if ':' in host else host}:{actual}"
    print(f"Poe API emulator listening on {base}", file=out)
    print(f"API key: {key_list[0]}" + (f" (and {len(key_list) - 1} more)" if len(key_list) > 1 else ""), file=out)
    print(f"Use it with: POE_BASE_URL={base} POE_API_KEY={key_list[0]}", file=out)
    print("Press Ctrl-C to stop.", file=out, flush=True)
    uvicorn.Server(_config(create_app(state), log_level)).run(sockets=[sock])
