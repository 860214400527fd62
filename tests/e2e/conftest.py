"""Fixtures for the end-to-end tests: the installed app in a pty, on the demo or a standalone emulator.

`tui(...)` starts `poe-tui --demo` (its emulator runs in-process, no key needed); `tui_on(emu, ...)`
starts `poe-tui` against `standalone_emulator`, a `poe-tui emulator` subprocess whose faults and
pace a test sets over HTTP; `app(...)` is that with the pace set (full speed unless `pace=`). Each app gets the test's own XDG dirs (the same ones the test process
sees, so a test can open the app's database afterwards), and is killed if the test leaves it running.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from e2ehelpers import PROMPT_HINT, wait_ready  # noqa: F401 - PROMPT_HINT for tests that import it from here
from terminal import POE_TUI, Terminal, app_env, launch

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


@dataclass
class StandaloneEmulator:
    """`poe-tui emulator` in a subprocess, driven over its `/_emulator/*` control surface."""

    base_url: str
    api_key: str
    proc: subprocess.Popen

    def control(self, method: str, path: str, body: object = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base_url}/_emulator/{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with _DIRECT.open(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    def fault(self, **fault: object) -> None:
        """Queue a fault (see poe_tui/emulator/faults.py) for the next matching request."""
        self.control("POST", "faults", fault)

    def configure(self, **settings: object) -> None:
        """tokens_per_second, rate_limit_per_minute, history_pending_seconds."""
        self.control("POST", "config", settings)

    def requests(self) -> list[dict]:
        return self.control("GET", "requests")["data"]

    def chat_requests(self) -> list[dict]:
        return [r for r in self.requests() if r["path"].endswith("/chat/completions")]

    def reset(self) -> None:
        self.control("POST", "reset")


@pytest.fixture(scope="session")
def _emulator_process(tmp_path_factory) -> Iterator[StandaloneEmulator]:
    home = tmp_path_factory.mktemp("emulator")
    proc = subprocess.Popen([POE_TUI, "emulator", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True, env=app_env(home / "c", home / "d"))
    base_url = key = None
    try:
        for line in proc.stdout:  # "Poe API emulator listening on URL", "API key: KEY", ...
            if line.startswith("Poe API emulator listening on "):
                base_url = line.split(" on ", 1)[1].strip()
            elif line.startswith("API key: "):
                key = line.split(": ", 1)[1].split()[0]
            elif line.startswith("Press Ctrl-C"):
                break
        assert base_url and key, "the standalone emulator did not say where it listens"
        emu = StandaloneEmulator(base_url, key, proc)
        deadline = time.monotonic() + 15
        while True:  # it prints its address just before the server starts accepting
            try:
                emu.control("GET", "faults")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.02)
        yield emu
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def standalone_emulator(_emulator_process) -> StandaloneEmulator:
    """The session's `poe-tui emulator` subprocess, reset for this test."""
    _emulator_process.reset()
    return _emulator_process


@pytest.fixture
def xdg(tmp_path) -> tuple[Path, Path]:
    """The XDG config and data dirs the root conftest already points this process at."""
    return tmp_path / "xdg-config", tmp_path / "xdg-data"


@pytest.fixture
def workdir(tmp_path) -> Path:
    """The app's working directory (exports are written there first), never the checkout."""
    path = tmp_path / "work"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def demo_db(xdg) -> Path:
    """Where `poe-tui --demo` keeps its history in this test."""
    return xdg[1] / "poe-tui" / "demo.db"


@pytest.fixture
def history_db(xdg) -> Path:
    """Where `poe-tui` (not the demo) keeps its history in this test."""
    return xdg[1] / "poe-tui" / "history.db"


@pytest.fixture
def app(standalone_emulator, tui_on) -> Callable[..., Terminal]:
    """Start `poe-tui` on the standalone emulator, replies as fast as it can send them
    (`app(pace=100)` for one that streams at 100 tokens a second): app(cols=, rows=, pace=)."""

    def start(*, pace: float | None = None, **kwargs) -> Terminal:
        if pace is not None:
            standalone_emulator.configure(tokens_per_second=pace)
        return tui_on(standalone_emulator, **kwargs)

    return start


@pytest.fixture
def _terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for term in started:
        term.close()


@pytest.fixture
def tui(xdg, workdir, _terminals) -> Callable[..., Terminal]:
    """Start `poe-tui --demo [ARGS]` in a pty: tui(cols=120, rows=40, env=None, ready=True)."""

    def start(*args: str, cols: int = 120, rows: int = 40, env: dict | None = None, ready: bool = True) -> Terminal:
        term = launch("--demo", *args, cols=cols, rows=rows, config_home=xdg[0], data_home=xdg[1], env=env, cwd=workdir)
        _terminals.append(term)
        if ready:
            wait_ready(term)
        return term

    return start


@pytest.fixture
def tui_on(xdg, workdir, _terminals) -> Callable[..., Terminal]:
    """Start `poe-tui [ARGS]` against a standalone emulator: tui_on(emu, cols=..., rows=..., ready=True)."""

    def start(emu: StandaloneEmulator, *args: str, cols: int = 120, rows: int = 40, env: dict | None = None,
              ready: bool = True) -> Terminal:
        extra = {"POE_BASE_URL": emu.base_url, "POE_API_KEY": emu.api_key, **(env or {})}
        term = launch(*args, cols=cols, rows=rows, config_home=xdg[0], data_home=xdg[1], env=extra, cwd=workdir)
        _terminals.append(term)
        if ready:
            wait_ready(term)
        return term

    return start
