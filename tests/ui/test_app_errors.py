"""Every failure ends in a notice that names what happened and what to do; nothing is lost."""

from __future__ import annotations

from dataclasses import replace

import pytest

from poe_tui.emulator.faults import Fault
from uihelpers import ready, settle, type_and_send, wait_for


def notices(app) -> list[tuple[str, str, str]]:
    return [(n.title, n.message, n.severity) for n in app._notifications]


def last_error(app) -> tuple[str, str]:
    errors = [(t, m) for t, m, s in notices(app) if s == "error"]
    assert errors, f"no error notice among {notices(app)}"
    return errors[-1]


async def test_401_offers_to_enter_a_new_key(make_app, emulator):
    from poe_tui.tui.screens.login import LoginScreen

    emulator.state.inject(Fault(status=401))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hi")
        await settle(pilot)
        title, message = last_error(app)
        assert "401" in title and "key" in title.lower()
        assert isinstance(app.screen, LoginScreen)
        reply = app.chat_screen.conversation.last_reply()
        assert reply.message.status == "error" and reply.has_class("-failed")


async def test_402_shows_the_balance(make_app, emulator):
    emulator.state.inject(Fault(status=402))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.session.last_balance is not None, what="balance")
        await type_and_send(pilot, "hi")
        await settle(pilot)
        title, message = last_error(app)
        assert "Out of points" in title
        assert f"{emulator.state.balance():,} points" in message


async def test_404_suggests_close_names(make_app, emulator):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: len(app.bots) > 0, what="bot list")
        await type_and_send(pilot, "@Demo-Markdwn hi")
        await settle(pilot)
        title, message = last_error(app)
        assert "Unknown bot Demo-Markdwn" in title
        assert "Did you mean: Demo-Markdown" in message


async def test_413_says_the_conversation_is_too_long(make_app, emulator):
    emulator.state.inject(Fault(status=413))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hi")
        await settle(pilot)
        title, message = last_error(app)
        assert "too long" in title and "/new" in message


async def test_429_says_it_is_retrying_then_answers(make_app, emulator):
    emulator.state.inject(Fault(status=429, retry_after=1))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hi")
        await wait_for(pilot, lambda: any("rate limited, retrying in 1 s" in m for _, m, _ in notices(app)), what="retry notice")
        await settle(pilot)
        assert app.service.db.sync.get_messages(app.session.conversation_id)[-1].status == "complete"


@pytest.mark.parametrize("status", [500, 502, 503, 529])
async def test_5xx_after_retries(make_app, emulator, status):
    emulator.state.inject(Fault(status=status, times=5))
    app = make_app()
    app.runtime.settings = replace(app.runtime.settings, max_retries=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hi")
        await settle(pilot)
        title, message = last_error(app)
        assert f"({status})" in title and "/retry" in message


async def test_mid_stream_cut_keeps_what_arrived(make_app, emulator):
    emulator.state.inject(Fault(break_after=5))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hi")
        await settle(pilot)
        title, message = last_error(app)
        assert "cut off" in title
        reply = app.chat_screen.conversation.last_reply()
        assert reply.message.status == "interrupted" and reply.text


async def test_network_failure_keeps_the_prompt_usable(make_app, emulator):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        # Point the client at a closed port: connection refused.
        import socket

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        app.runtime.settings = replace(app.runtime.settings, base_url=f"http://127.0.0.1:{port}", max_retries=0)
        app.start_session()
        await type_and_send(pilot, "hello?")
        await settle(pilot)
        title, message = last_error(app)
        assert "Network" in title and "connection" in message


async def test_failure_before_the_user_row_keeps_the_text(make_app, emulator):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.service.db.sync.close()  # any store failure before the user row is saved
        await type_and_send(pilot, "precious words")
        await pilot.pause(0.2)
        assert app.chat_screen.prompt.text == "precious words"
        assert any(s == "error" for _, _, s in notices(app))
        assert emulator.state.chat_requests == []


async def test_the_footer_says_offline_when_the_service_cannot_be_reached(make_app, emulator):
    from poe_tui.client import PoeClient

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.chat_screen.bar.online
        app.service.client = PoeClient("k", base_url="http://127.0.0.1:9", connect_timeout=1)
        app.session.client = app.service.client
        await type_and_send(pilot, "hello?")
        await settle(pilot)
        assert not app.chat_screen.bar.online
        assert "offline" in str(app.chat_screen.bar.render())
