"""SVG snapshots of branches and comparisons: a reply with versions (‹ 2/2 ›) and three bots
side by side. Update after an intended change: pytest tests/ui/test_snapshots_branches.py --snapshot-update
"""

from __future__ import annotations

from poe_tui.tui.widgets.compare import CompareView
from test_snapshots import at_bottom, steady
from uihelpers import settle, type_and_send, wait_for


def test_branch_switcher(make_app, snap_compare):
    async def run(pilot):
        await steady(pilot)
        await type_and_send(pilot, "what is 2+2")
        await settle(pilot)
        await type_and_send(pilot, "/retry Demo-Echo")
        await settle(pilot)
        await wait_for(pilot, lambda: "‹" in pilot.app.chat_screen.conversation.last_reply().note, what="the versions")
        await at_bottom(pilot)

    assert snap_compare(make_app(bot="Demo-Reasoner"), run_before=run, terminal_size=(120, 40))


def test_three_bots_side_by_side(make_app, snap_compare):
    async def run(pilot):
        await steady(pilot)
        await pilot.press("ctrl+b")  # the bot list out of the way: the columns get the width
        await type_and_send(pilot, "/compare Demo-Echo Demo-Reasoner Demo-Markdown")
        await type_and_send(pilot, "introduce yourselves")
        await settle(pilot)
        view = pilot.app.chat_screen.query_one(CompareView)
        await wait_for(pilot, lambda: view.cost is not None, what="the total cost")
        pilot.app.chat_screen.conversation.scroll_to_widget(view, top=True, animate=False)
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(make_app(bot="Demo-Echo"), run_before=run, terminal_size=(150, 40))
