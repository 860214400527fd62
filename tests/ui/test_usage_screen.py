"""The usage screen and cost where decisions are made, driven by keys against the emulator:
the key and the palette open it, the totals and lists equal the ledger, Enter on a charge opens
its message, an expensive message asks first, the footer warns of a low balance, the history
list shows each conversation's points; and a snapshot at 80x24."""

from __future__ import annotations

from dataclasses import replace

import pytest

from poe_tui.emulator import seed_history
from uihelpers import ready, screen_text, settle, type_and_send, wait_for


@pytest.fixture
def seeded(emulator, clock, monkeypatch):
    """The emulator and the app's store on one clock, with a deterministic past month of charges."""
    monkeypatch.setattr(emulator.state, "clock", clock)
    return seed_history(emulator.state, 300)


async def open_usage(pilot, key: str = "f4"):
    from poe_tui.tui.screens.usage import UsageScreen

    app = pilot.app
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, UsageScreen), what="the usage screen")
    screen = app.screen
    await wait_for(pilot, lambda: "up to date" in str(screen.query_one("#usage-status").render()), what="the refresh")
    await wait_for(pilot, lambda: screen.report is not None and screen.report.count > 0, what="the report")
    await pilot.pause()
    return screen


async def test_f4_opens_it_with_totals_that_equal_the_charges(make_app, seeded):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await open_usage(pilot)
        report = screen.report
        assert report.count == 300
        assert report.totals["all time"] == sum(e.cost_points for e in seeded)
        assert sum(p for _, p in report.days) == report.totals["30 days"]
        assert sum(b.points for b in report.bots) == report.totals["30 days"]
        text = screen_text(app)
        assert f"All time {report.totals['all time']:,}" in text
        assert "Points per day, last 30 days" in text
        await pilot.press("2")
        await pilot.pause()
        top = report.bots[0]
        assert top.label in screen_text(app) and f"{top.points:,}" in screen_text(app)
        await pilot.press("3")
        await pilot.pause()
        assert "Points left at the end of each day" in screen_text(app)
        assert report.balance[-1][1] == app.session.last_balance
        await pilot.press("4")
        await pilot.pause()
        table = screen.query_one("#charges-table")
        assert table.row_count == 200, "the first page"
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: table.row_count == 300, what="the next page of charges")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.chat_screen


@pytest.mark.parametrize("words", ["points", "usage"])
async def test_the_palette_finds_it(make_app, emulator, words):
    from poe_tui.tui.screens.usage import UsageScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*words)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, UsageScreen), what="the usage screen")


async def test_enter_on_a_charge_opens_the_message_that_spent_it(make_app, seeded):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "What did this cost?")
        await settle(pilot)
        reply = app.session
        conversation_id = reply.conversation_id
        spent = (await reply.messages())[-1]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.session.conversation_id is None
        screen = await open_usage(pilot)
        newest = screen._charges[0]
        assert (newest.message_id, newest.conversation_id, newest.match) == (spent.id, conversation_id, "exact")
        assert newest.cost_points == spent.points
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("down")  # a seeded charge: no reply here spent it
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert any("No reply in this history spent these points" in n.message for n in app._notifications)
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: app.screen is app.chat_screen and app.session.conversation_id == conversation_id,
                       what="the conversation to open")
        await pilot.pause(0.2)
        assert "What did this cost?" in screen_text(app)


async def test_an_expensive_message_asks_first(make_app, emulator):
    from poe_tui.tui.screens.confirm import ConfirmScreen

    app = make_app(bot="Claude-Opus-4.6")
    app.runtime.settings = replace(app.runtime.settings, confirm_above=100)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.service.find_bot("Claude-Opus-4.6") is not None, what="the prices")
        cheap = "Just a short question"
        await type_and_send(pilot, cheap)
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen), "below the threshold: no question"
        sent = len(emulator.state.chat_requests)
        long = "Please read all of this carefully. " * 300  # ~2,600 tokens at Opus prices: >100 points
        await type_and_send(pilot, long)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        question = str(app.screen.query_one("#confirm-question").render())
        assert "Claude-Opus-4.6" in question and "points" in question and "100" in question
        await pilot.press("n")
        await wait_for(pilot, lambda: not app.chat_screen.streaming, what="the send to be dropped")
        assert len(emulator.state.chat_requests) == sent, "nothing left"
        assert app.chat_screen.prompt.text.strip() == long.strip(), "the message is back in the prompt"
        assert len(await app.session.messages()) == 2, "nothing saved"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question again")
        await pilot.press("y")
        await settle(pilot)
        assert len(emulator.state.chat_requests) == sent + 1
        assert emulator.state.chat_requests[-1].body["messages"][-1]["content"] == long.strip()


async def test_the_footer_warns_of_a_low_balance_and_shows_the_next_cost(make_app, emulator, api_key):
    emulator.state.set_balance(api_key, 700)  # below the default 1,000
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        bar = app.chat_screen.bar
        await wait_for(pilot, lambda: bar.points == 700, what="the balance")
        assert "700 points low!" in str(bar.render())
        await type_and_send(pilot, "Tell me something")
        await settle(pilot)
        await wait_for(pilot, lambda: bar.estimate, what="the estimate")
        assert f"next ≥{bar.estimate:,} pts" in str(bar.render())
        emulator.state.set_balance(api_key, 5_000)
        app.refresh_balance()
        await wait_for(pilot, lambda: bar.points == 5_000, what="the new balance")
        assert "low!" not in str(bar.render())


async def test_history_rows_show_what_each_conversation_cost(make_app, emulator):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "A priced question")
        await settle(pilot)
        points = (await app.session.messages())[-1].points
        assert points
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        assert f"{points:,} pts" in screen_text(app)


async def test_a_failed_fetch_says_so_and_keeps_the_ledger(make_app, seeded, emulator):
    from poe_tui.emulator.faults import Fault
    from poe_tui.tui.screens.usage import UsageScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await open_usage(pilot)
        before = screen.report.totals
        await pilot.press("escape")
        emulator.state.inject(Fault(endpoint="history", status=503, times=10))
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, UsageScreen), what="the usage screen")
        screen = app.screen
        await wait_for(pilot, lambda: "could not fetch new charges, ledger unchanged" in screen_text(app),
                       what="the failure")
        assert screen.report.totals == before and screen.report.count == 300


async def test_the_chart_follows_the_theme(make_app, seeded):
    from textual.color import Color

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await open_usage(pilot)
        bars = lambda: screen.query_one("#days-chart").plt.monitor.color  # noqa: E731  (plotext's record)
        primary = lambda: Color.parse(app.theme_variables["primary"]).rgb  # noqa: E731
        assert tuple(primary()) in bars()[0]
        dark = primary()
        app.theme = "poe-light"
        await pilot.pause()
        assert primary() != dark
        assert tuple(primary()) in bars()[0]


def test_usage_screen_snapshot(make_app, seeded, snap_compare):
    async def run(pilot):
        await ready(pilot)
        await open_usage(pilot)
        await pilot.pause(0.1)

    assert snap_compare(make_app(), run_before=run, terminal_size=(80, 24))


async def test_bot_names_are_shown_as_text_never_markup_or_escapes(make_app, emulator, api_key):
    emulator.state.charge(api_key, "[b]Evil[/b]\x1b[2J[@click=app.quit]x[/]", 9, {"Input": "9"})
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await open_usage(pilot)
        for tab in ("2", "4"):
            await pilot.press(tab)
            await pilot.pause()
            text = screen_text(app)
            assert "[b]Evil[/b]" in text and "[@click=app.quit]"[: 20 if tab == "2" else 6] in text, tab
        assert app.is_running
