"""Start the app from the command line.

`POE_TUI_FIRST_FRAME=PATH` (for bench/tui_startup.py): write the wall-clock time of the first
painted frame to PATH and exit at once.
"""

from __future__ import annotations

import os
import time


def _cached_balance(runtime) -> int | None:
    from poe_tui.store.peek import cached_balance

    return cached_balance(runtime.db_path)


def run_app(runtime) -> None:
    marker = os.environ.get("POE_TUI_FIRST_FRAME")
    stamps = {"run_app": time.time()}
    from poe_tui.tui import splash

    painted = splash.paint(runtime.settings.default_bot, _cached_balance(runtime))
    stamps["splash"] = time.time()
    try:
        from poe_tui.tui.app import PoeApp
    except BaseException:
        if painted:
            splash.undo()
        raise

    stamps["imported"] = time.time()
    app: PoeApp

    def first_frame() -> None:
        if marker:
            stamps["mount"] = getattr(app, "_mounted_at", 0.0)
            with open(marker, "w") as fh:
                fh.write(repr(time.time()))
            with open(marker + ".json", "w") as fh:
                import json

                json.dump(stamps, fh)
            app.exit()

    app = PoeApp(runtime, first_frame=first_frame if marker else None)
    app.run()


if __name__ == "__main__":  # `python -m poe_tui.tui.launch [--demo]`: the app without the CLI layer
    import sys

    from poe_tui.runtime import Runtime

    rt = Runtime.load(demo="--demo" in sys.argv[1:])
    try:
        run_app(rt)
    finally:
        rt.close()
