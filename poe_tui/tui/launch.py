"""Start the app from the command line.

Keys typed before the app can take them (on the splash, while Textual imports and mounts) must
not be lost: the splash stops the terminal echoing and cooking them, and the driver below leaves
them in the terminal's input queue until the first frame is up and the prompt has focus; then
they are read in the order typed, as if typed just now.

SIGTERM and SIGHUP end the app the way ctrl+q does, so the terminal is given back (main screen,
cursor, mouse reporting off, echo on) instead of being left as the app had set it.

`POE_TUI_FIRST_FRAME=PATH` (for bench/tui_startup.py): write the wall-clock time of the first
painted frame to PATH and exit at once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

HOLD_KEYS_AT_MOST = 10.0  # seconds: a start-up that never finishes must not swallow ctrl+q


def _cached_balance(runtime) -> int | None:
    from poe_tui.store.peek import cached_balance

    return cached_balance(runtime.db_path)


def holding(driver_class: type, ready: threading.Event) -> type:
    """`driver_class`, reading no input until `ready` is set (the keys wait, in order, in the tty)."""
    if not hasattr(driver_class, "run_input_thread"):
        return driver_class

    class KeysWaitDriver(driver_class):  # type: ignore[misc, valid-type]
        def run_input_thread(self) -> None:
            deadline = time.monotonic() + HOLD_KEYS_AT_MOST
            while not ready.wait(0.05) and not self.exit_event.is_set() and time.monotonic() < deadline:
                pass
            super().run_input_thread()

    return KeysWaitDriver


QUIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class _QuitOnSignal:
    """Until the app's loop runs, remember a quit signal; from then on, quit as ctrl+q does (a
    streaming reply is stopped and saved first). A second signal leaves at once."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.asked = 0
        self.app = None
        self._before = {sig: signal.signal(sig, self._early) for sig in QUIT_SIGNALS}

    def _early(self, signum: int, frame: object) -> None:
        self.received = signum  # the app quits as soon as its first frame is up

    def attach(self, app) -> None:
        """Called on the app's loop: quit now if a signal came early, and on any later one."""
        self.app = app
        loop = asyncio.get_running_loop()
        for sig in QUIT_SIGNALS:
            loop.add_signal_handler(sig, self._quit, sig)
        if self.received is not None:
            self._quit(self.received)

    def _quit(self, signum: int) -> None:
        self.received = signum
        self.asked += 1
        if self.asked == 1:
            self.app.call_later(self.app.run_action, "quit")
        else:
            self.app.exit(return_code=128 + signum)

    def restore(self) -> None:
        for sig, handler in self._before.items():
            signal.signal(sig, handler)


def run_app(runtime) -> None:
    marker = os.environ.get("POE_TUI_FIRST_FRAME")
    stamps = {"run_app": time.time()}
    quitter = _QuitOnSignal()
    from poe_tui.tui import splash

    splash.hold_keys()
    painted = splash.paint(runtime.settings.default_bot, _cached_balance(runtime))
    stamps["splash"] = time.time()
    try:
        from poe_tui.tui.app import PoeApp
    except BaseException:
        if painted:
            splash.undo()
        splash.release_keys()
        quitter.restore()
        raise

    stamps["imported"] = time.time()
    app: PoeApp
    keys_wanted = threading.Event()

    def first_frame() -> None:
        keys_wanted.set()
        quitter.attach(app)
        if marker:
            stamps["mount"] = getattr(app, "_mounted_at", 0.0)
            with open(marker, "w") as fh:
                fh.write(repr(time.time()))
            with open(marker + ".json", "w") as fh:
                import json

                json.dump(stamps, fh)
            app.exit()

    app = PoeApp(runtime, first_frame=first_frame)
    app.driver_class = holding(app.driver_class, keys_wanted)
    try:
        app.run()
    finally:
        splash.release_keys()
        quitter.restore()
    if quitter.received is not None:
        raise SystemExit(128 + quitter.received)


if __name__ == "__main__":  # `python -m poe_tui.tui.launch [--demo]`: the app without the CLI layer
    import sys

    from poe_tui.runtime import Runtime

    rt = Runtime.load(demo="--demo" in sys.argv[1:])
    try:
        run_app(rt)
    finally:
        rt.close()
