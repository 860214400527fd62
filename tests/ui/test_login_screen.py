"""The login screen against the real emulator: a rejected key, then a good one; the demo; Esc."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widgets import Button, Input

from poe_tui.client import ConnectError, PoeClient
from poe_tui.tui.screens.login import LoginScreen

BAD_KEY = "not-a-real-key-123"


class Host(App):
    def __init__(self, screen: LoginScreen) -> None:
        super().__init__()
        self.login = screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.login, self.results.append)


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def checker(base_url: str, calls: list[str] | None = None):
    async def check_key(key: str) -> int:
        if calls is not None:
            calls.append(key)
        async with PoeClient(key, base_url=base_url) as client:
            return (await client.balance()).points

    return check_key


async def wait_idle(app: App, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_bad_key_then_good_key(emulator, api_key):
    calls: list[str] = []
    screen = LoginScreen(checker(emulator.base_url, calls))
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        field = screen.query_one("#login-key", Input)
        assert field.password and app.focused is field
        assert "poe.com/api_key" in screen_text(app)

        await pilot.press(*"not-")  # typed, masked...
        field.insert_text_at_cursor(BAD_KEY[4:])  # ...the rest as if pasted
        await pilot.press("enter")
        await wait_idle(app, pilot)
        assert calls == [BAD_KEY]
        assert app.results == []  # still on the screen
        assert app.screen is screen
        assert screen.status_text.startswith("That key was rejected")
        assert field.value == BAD_KEY and not field.disabled and app.focused is field  # kept for editing
        text = screen_text(app)
        assert BAD_KEY not in text  # masked in the input, never echoed

        field.value = api_key
        await pilot.press("enter")
        await wait_idle(app, pilot)
        assert calls == [BAD_KEY, api_key]
        assert app.results == [("key", api_key)]
        assert isinstance(screen.balance, int) and screen.balance > 0
        assert not app._notifications  # nothing was announced (let alone the key)


async def test_busy_while_checking_and_unreachable_service():
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow_failing_check(key: str) -> int:
        started.set()
        await release.wait()
        raise ConnectError("connection refused")

    screen = LoginScreen(slow_failing_check)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        screen.query_one("#login-key", Input).value = "sk-secret-value"
        await pilot.press("enter")
        await asyncio.wait_for(started.wait(), 5)
        await pilot.pause()
        assert screen.busy and screen.has_class("-busy")
        assert screen.query_one("#login-submit", Button).disabled
        assert screen.status_text.startswith("Checking")
        await pilot.press("enter")  # ignored while busy
        release.set()
        await wait_idle(app, pilot)
        assert not screen.busy
        assert "Could not reach the service" in screen.status_text
        assert "sk-secret-value" not in screen.status_text
        assert app.results == [] and app.screen is screen


async def test_service_message_is_shown_with_the_key_redacted():
    async def echoing_check(key: str) -> int:
        from poe_tui.client import AuthenticationError

        raise AuthenticationError(f"Incorrect API key provided: {key} [@click=app.quit]x[/]")

    screen = LoginScreen(echoing_check)
    app = Host(screen)
    async with app.run_test(size=(120, 30)) as pilot:
        screen.query_one("#login-key", Input).value = "sk-leaky-1234"
        await pilot.press("enter")
        await wait_idle(app, pilot)
        assert "sk-leaky-1234" not in screen.status_text
        assert "sk-leaky-1234" not in screen_text(app)
        assert "[@click=app.quit]x[/]" in screen_text(app)  # literal, inert
        assert app.is_running and app.screen is screen


async def test_empty_key_is_not_checked():
    calls: list[str] = []

    async def check(key: str) -> int:
        calls.append(key)
        return 1

    screen = LoginScreen(check)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await wait_idle(app, pilot)
        assert calls == [] and "Paste a key first" in screen.status_text


async def test_demo_choice_by_key_and_by_button():
    async def never(key: str) -> int:
        raise AssertionError("not called")

    app = Host(LoginScreen(never, message="Your saved key was rejected."))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Your saved key was rejected." in screen_text(app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.results == [("demo", None)]

    app = Host(LoginScreen(never))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#login-demo")
        await pilot.pause()
        assert app.results == [("demo", None)]


async def test_escape_cancels_and_demo_can_be_disabled():
    async def never(key: str) -> int:
        raise AssertionError("not called")

    screen = LoginScreen(never, allow_demo=False)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not screen.query("#login-demo")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.results == [] and app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
