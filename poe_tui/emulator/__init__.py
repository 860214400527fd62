"""The offline Poe API: an ASGI app speaking POE_API.md on a real loopback socket.

Nothing on the app's startup path imports this package; the names below load lazily so
`import poe_tui.emulator` stays cheap (no Starlette, no uvicorn until asked for).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DEFAULT_KEY": "state",
    "EmulatorState": "state",
    "RequestRecord": "state",
    "Fault": "faults",
    "create_app": "app",
    "EmulatorServer": "server",
    "serve": "server",
    "DEMO_BOTS": "bots",
    "seed_history": "seeding",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
