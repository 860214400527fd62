"""First run: no key shows the login window; a bad key is refused, a good one saved (0600)."""

from __future__ import annotations

import stat

from poe_tui import config
from poe_tui.tui.screens.login import LoginScreen
from uihelpers import ready, settle, type_and_send, wait_for


async def enter_key(pilot, key: str) -> None:
    field = pilot.app.screen.query_one("#login-key")
    field.value = key
    await pilot.press("enter")


async def test_first_run_asks_for_a_key_bad_then_good(make_app, emulator, api_key):
    app = make_app(key=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="the login window")
        assert app.session is None
        await enter_key(pilot, "not-a-real-key")
        login = app.screen
        await wait_for(pilot, lambda: not login.busy and login.status_text, what="the check")
        assert isinstance(app.screen, LoginScreen)
        assert "not-a-real-key" not in login.status_text
        assert not config.config_path().exists()
        await enter_key(pilot, api_key)
        await wait_for(pilot, lambda: app.screen is app.chat_screen, what="login to close")
        await wait_for(pilot, lambda: app.session is not None, what="the session")
        path = config.config_path()
        assert config.read_file(path)["api_key"] == api_key
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        await type_and_send(pilot, "hello")
        await settle(pilot)
        assert app.service.db.sync.get_messages(app.session.conversation_id)[-1].status == "complete"
        from poe_tui.emulator.app import mask_key

        assert emulator.state.chat_requests[-1].key == mask_key(api_key)


async def test_cancelled_login_explains_and_sending_asks_again(make_app, emulator):
    app = make_app(key=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="the login window")
        await pilot.press("escape")
        await pilot.pause()
        assert any("No API key" in n.message for n in app._notifications)
        await type_and_send(pilot, "hello")
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.chat_screen.prompt.text == "hello"
