"""Render the main states of the app, in demo mode, to screenshots/*.svg.

    .venv/bin/python screenshots/make.py

Runs headless (120x40) against the in-process demo emulator with a throwaway history, so the
images never show anyone's real data.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent
SIZE = (120, 40)


async def wait(pilot, condition, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(0.05)


async def shoot(app, name: str) -> None:
    for widget in app.screen.query("*"):
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False
    app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    print(f"screenshots/{name}.svg")


async def send(pilot, text: str) -> None:
    app = pilot.app
    app.chat_screen.prompt.load_text(text)
    await pilot.press("enter")
    await pilot.pause(0.2)
    await wait(pilot, lambda: not app.chat_screen.streaming)
    await pilot.pause(0.3)
    app.clear_notifications()
    app.chat_screen.conversation.scroll_end(animate=False, immediate=True)
    await pilot.pause()


async def usage(pilot, runtime) -> None:
    """The usage screen over a month of charges (the demo's emulator seeded with a past month)."""
    from poe_tui.emulator import seed_history
    from poe_tui.tui.screens.usage import UsageScreen

    app = pilot.app
    state = runtime._emulator.state  # the demo's in-process emulator
    if len(state.history()) < 50:
        seed_history(state, 400)
    await pilot.press("f4")
    await wait(pilot, lambda: isinstance(app.screen, UsageScreen) and "up to date" in str(app.screen.query_one("#usage-status").render()))
    await pilot.pause(0.3)
    app.clear_notifications()
    await shoot(app, "12-usage")
    await pilot.press("escape")


async def media(pilot) -> None:
    """The parameters panel of a bot that declares some, and an image reply with its preview."""
    from poe_tui.tui.screens.params import ParamsScreen

    app = pilot.app
    await pilot.press("ctrl+n")
    await send(pilot, "/model GPT-5.4")
    await pilot.press("f6")
    await wait(pilot, lambda: isinstance(app.screen, ParamsScreen))
    await pilot.pause(0.3)
    await shoot(app, "13-parameters")
    await pilot.press("escape")
    await send(pilot, "/model Demo-Image")
    await send(pilot, "A fox in the snow")
    await wait(pilot, lambda: app.chat_screen.query(".media-preview"))
    await pilot.pause(0.3)
    app.chat_screen.conversation.scroll_end(animate=False, immediate=True)
    await pilot.pause()
    await shoot(app, "14-image-reply")


async def main() -> None:
    from poe_tui.runtime import Runtime
    from poe_tui.tui.app import PoeApp
    from poe_tui.tui.clipboard import Clipboard, MemoryBackend

    runtime = Runtime.load(demo=True)
    app = PoeApp(runtime, clipboard=Clipboard([MemoryBackend()]), remember_theme=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait(pilot, lambda: app.session is not None and app.chat_screen.picker is not None and app.bots)
            await pilot.pause(0.3)
            app.clear_notifications()
            await shoot(app, "01-start")

            await send(pilot, "Show me what you can do")
            await shoot(app, "02-markdown-reply")

            await send(pilot, "@Demo-Reasoner Why is the sky blue?")
            await shoot(app, "03-reasoning-mention")

            await pilot.press("ctrl+l")
            await pilot.press(*"demo")
            await pilot.pause(0.3)
            await shoot(app, "04-bot-picker")
            await pilot.press("escape")

            app.chat_screen.prompt.focus()
            await pilot.press("slash")
            await pilot.pause(0.2)
            await shoot(app, "05-slash-commands")
            app.chat_screen.prompt.clear()

            await send(pilot, "/search sky")
            await pilot.pause(0.5)
            await shoot(app, "06-history-search")
            await pilot.press("escape")
            await pilot.pause(0.2)

            await pilot.press("f1")
            await pilot.pause(0.2)
            await shoot(app, "07-help")
            await pilot.press("escape")

            await pilot.press("ctrl+p")
            await pilot.press(*"theme")
            await pilot.pause(0.5)
            await shoot(app, "08-command-palette")
            await pilot.press("escape")
            await pilot.pause(0.2)

            app.theme = "poe-light"
            await pilot.pause(0.3)
            await shoot(app, "09-light-theme")
            app.theme = "poe-dark"

            await pilot.press("ctrl+n")
            await pilot.press("ctrl+b")  # the bot list out of the way: three columns need the width
            await send(pilot, "/compare Demo-Echo Demo-Reasoner Demo-Markdown")
            await send(pilot, "Introduce yourselves in a few lines")
            await pilot.pause(0.5)
            app.clear_notifications()
            app.chat_screen.conversation.scroll_home(animate=False, immediate=True)
            await pilot.pause()
            await shoot(app, "10-compare")
            await send(pilot, "/pick 2")
            await pilot.pause(0.3)
            app.clear_notifications()
            await shoot(app, "11-branch-versions")
            await pilot.press("ctrl+b")

            await usage(pilot, runtime)
            await media(pilot)
    finally:
        runtime.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        os.environ["TZ"] = "UTC"
        sys.exit(asyncio.run(main()))
