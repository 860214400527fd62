"""SVG snapshots of each screen state (pytest-textual-snapshot). Deterministic: the emulator's
fixed data, a fixed clock (UTC), a fixed theme and size, and no blinking cursor.

Update after an intended visual change: pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from poe_tui.emulator.faults import Fault
from uihelpers import ready, settle, type_and_send, wait_for

SIZE = (120, 40)


async def steady(pilot) -> None:
    """Bot list loaded, no cursor blinking, nothing left to draw."""
    app = pilot.app
    await ready(pilot)
    await wait_for(pilot, lambda: app.chat_screen.picker is not None and len(app.bots) > 0, what="the bot list")
    await wait_for(pilot, lambda: app.session.last_balance is not None and app.chat_screen.bar.points is not None, what="the balance")
    await pilot.pause(0.1)
    no_blink(app)
    await pilot.pause()


def no_blink(app) -> None:
    for widget in app.screen.query("*"):
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False


async def at_bottom(pilot) -> None:
    """Settle the last relayout (the streaming reserve collapses when a reply ends)."""
    await pilot.pause(0.05)
    pilot.app.chat_screen.conversation.scroll_end(animate=False, immediate=True)
    await pilot.pause()
    no_blink(pilot.app)


def seed_history(store):
    for title, bot in [("Penguin facts", "Demo-Echo"), ("Rust borrow checker", "Demo-Markdown"), ("Trip to Lisbon", "Demo-Reasoner")]:
        conv = store.create_conversation(title=title)
        user = store.add_message(conv.id, "user", f"Tell me about {title.lower()}")
        store.add_message(conv.id, "assistant", f"Here is what I know about {title.lower()}.", parent_id=user.id, bot=bot, status="complete")


@pytest.fixture
def snap(snap_compare):
    def compare(app, run_before):
        return snap_compare(app, run_before=run_before, terminal_size=SIZE)

    return compare


def test_main_screen_empty(make_app, snap):
    async def run(pilot):
        await steady(pilot)

    assert snap(make_app(), run)


def test_markdown_reply(make_app, snap):
    async def run(pilot):
        await steady(pilot)
        await type_and_send(pilot, "show me what you can do")
        await settle(pilot)
        await at_bottom(pilot)

    assert snap(make_app(), run)


def test_reasoning_reply_folded(make_app, snap):
    async def run(pilot):
        await steady(pilot)
        await type_and_send(pilot, "why is the sky blue?")
        await settle(pilot)
        await at_bottom(pilot)

    assert snap(make_app(bot="Demo-Reasoner"), run)


def test_interrupted_reply(make_app, emulator, snap):
    emulator.state.inject(Fault(reply="This answer will be cut off right about here and never finished", break_after=6))

    async def run(pilot):
        await steady(pilot)
        await type_and_send(pilot, "tell me a story")
        await settle(pilot)
        pilot.app.clear_notifications()
        await at_bottom(pilot)

    assert snap(make_app(), run)


def test_error_notice_out_of_points(make_app, emulator, snap):
    emulator.state.inject(Fault(status=402))

    async def run(pilot):
        await steady(pilot)
        await type_and_send(pilot, "hello")
        await settle(pilot)

    assert snap(make_app(), run)


def test_command_suggestions(make_app, snap):
    async def run(pilot):
        await steady(pilot)
        await pilot.press("slash")
        await pilot.pause()

    assert snap(make_app(), run)


def test_help_screen(make_app, snap):
    async def run(pilot):
        await steady(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap(make_app(), run)


def test_history_screen(make_app, snap):
    async def run(pilot):
        await steady(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause(0.2)
        no_blink(pilot.app)
        await pilot.pause()

    assert snap(make_app(seed=seed_history), run)


def test_login_screen(make_app, snap):
    async def run(pilot):
        from poe_tui.tui.screens.login import LoginScreen

        app = pilot.app
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login")
        await pilot.pause(0.1)
        no_blink(app)
        await pilot.pause()

    assert snap(make_app(key=None), run)


def test_link_confirmation(make_app, snap):
    async def run(pilot):
        await steady(pilot)
        await pilot.app.chat_screen.run_action("open_link('https://example.com/docs')")
        await pilot.pause(0.1)

    assert snap(make_app(), run)


def test_light_theme(make_app, snap):
    async def run(pilot):
        await steady(pilot)
        await type_and_send(pilot, "show me what you can do")
        await settle(pilot)
        await at_bottom(pilot)

    assert snap(make_app(theme="poe-light"), run)
