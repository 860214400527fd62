"""Helpers for the TUI tests (import with `from uihelpers import ...`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def ready(pilot) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.ready, what="the app to start")
    await pilot.pause()


async def started(pilot) -> None:
    """Started, with the bot list loaded (a name typed to /model or /compare is checked against it)."""
    app = pilot.app
    await ready(pilot)
    await wait_for(pilot, lambda: len(app.bots) > 0 and app.session is not None, what="the bot list")


async def settle(pilot) -> None:
    """Wait until no reply is streaming and the screen has caught up."""
    screen = pilot.app.chat_screen
    await wait_for(pilot, lambda: not screen.streaming, timeout=20, what="the reply to end")
    # and its charge: the balance read that follows the reply ends the stream's worker
    await wait_for(pilot, lambda: screen._stream is None or screen._stream.is_finished, timeout=20, what="the charge")
    await pilot.pause(0.1)
    await pilot.pause()


async def type_and_send(pilot, text: str) -> None:
    prompt = pilot.app.chat_screen.prompt
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")
    await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    lines: dict[str, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        x, y, text = match.groups()
        lines.setdefault(y, []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    return "\n".join("".join(t for _, t in sorted(parts)) for _, parts in sorted(lines.items(), key=lambda kv: float(kv[0])))


async def open_latest(pilot):
    """Open the newest stored conversation in the chat screen; returns the conversation view."""
    app = pilot.app
    await app.chat_screen.open_conversation(app.service.db.sync.latest_conversation_id())
    await pilot.pause()
    return app.chat_screen.conversation
