"""The model picker in a tiny host app: filtering, choosing, favourites, hostile bot text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from poe_tui.client.records import Bot, Pricing, parse_models
from poe_tui.tui.widgets.model_picker import BotList, ModelPicker, format_context, short_price

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "poe-models-2026-04.json"
INJECTION = "[@click=app.quit]x[/] [/bold] [b]bold?[/b]"


@pytest.fixture(scope="module")
def bots() -> list[Bot]:
    return parse_models(json.loads(FIXTURE.read_text()))


class Host(App):
    def __init__(self, picker: ModelPicker) -> None:
        super().__init__()
        self.picker = picker
        self.events: list[tuple] = []

    def compose(self) -> ComposeResult:
        yield self.picker

    def on_model_picker_selected(self, event: ModelPicker.Selected) -> None:
        self.events.append(("selected", event.name))

    def on_model_picker_favourite_toggled(self, event: ModelPicker.FavouriteToggled) -> None:
        self.events.append(("favourite", event.name, event.favourite))

    def on_model_picker_compared(self, event: ModelPicker.Compared) -> None:
        self.events.append(("compared", event.names))


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def list_lines(app: App) -> list[str]:
    """The visible rows of the bot list, as plain text."""
    bot_list = app.query_one(BotList)
    region = bot_list.content_region
    lines = screen_text(app).splitlines()[region.y : region.y + region.height]
    return [line[region.x : region.x + region.width].rstrip() for line in lines]


async def test_opens_with_favourites_then_recents_and_marks_them(bots):
    picker = ModelPicker(bots, recents=["Claude-Opus-4.6"], favourites=["GPT-5"], current="Claude-Opus-4.6")
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert picker.visible_names[:2] == ["GPT-5", "Claude-Opus-4.6"]
        assert len(picker.visible_names) == len(bots)
        rows = list_lines(app)
        assert rows[0].startswith("★  GPT-5") and "400k" in rows[0] and "$1.1/$9" in rows[0]
        assert rows[1].startswith(" ● Claude-Opus-4.6")  # the current bot
        assert "VR" in rows[0]  # vision and reasoning
        assert app.focused is picker.input


async def test_typing_filters_and_enter_selects(bots):
    picker = ModelPicker(bots, recents=[], favourites=[])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        before = list_lines(app)
        await pilot.press(*"son46")
        await pilot.pause()
        assert picker.visible_names[0] == "Claude-Sonnet-4.6"
        assert len(picker.visible_names) < 5
        rows = list_lines(app)
        assert rows != before and rows[0].strip().startswith("Claude-Sonnet-4.6")
        assert "Claude-Sonnet-4.6" in screen_text(app).split("─" * 10)[-1]  # the detail pane
        await pilot.press("enter")
        await pilot.pause()
        assert app.events == [("selected", "Claude-Sonnet-4.6")]


async def test_arrows_move_in_the_list_while_typing(bots):
    picker = ModelPicker(bots, recents=[], favourites=[])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"gpt5")
        await pilot.pause()
        first, second = picker.visible_names[:2]
        assert first == "GPT-5"
        await pilot.press("down")
        assert picker.highlighted_name == second
        await pilot.press("down", "up")
        assert picker.highlighted_name == second
        await pilot.press("enter")
        await pilot.pause()
        assert app.events == [("selected", second)]
        # Choosing clears the filter (issue 8): the next visit starts from the whole list.
        assert app.focused is picker.input and picker.input.value == ""
        assert len(picker.visible_names) == len(bots)


async def test_a_name_not_in_the_list_can_be_typed(bots):
    picker = ModelPicker(bots, recents=[], favourites=[])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"zz-my-private-bot")
        await pilot.pause()
        assert picker.visible_names == ["zz-my-private-bot"]
        assert "use “zz-my-private-bot” as a bot name" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.events == [("selected", "zz-my-private-bot")]


async def test_free_name_row_follows_real_matches(bots):
    picker = ModelPicker(bots, recents=[], favourites=[])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"gpt5x")
        await pilot.pause()
        names = picker.visible_names
        assert names[-1] == "gpt5x" and len(names) > 1  # matches first, the typed name last
        # An exact name offers no extra row.
        picker.input.value = "gpt-5"
        await pilot.pause()
        assert "gpt-5" not in picker.visible_names and picker.visible_names[0] == "GPT-5"


async def test_favourite_toggle(bots):
    picker = ModelPicker(bots, recents=[], favourites=[])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"o3pro")
        await pilot.pause()
        assert picker.highlighted_name == "o3-pro"
        assert not list_lines(app)[0].startswith("★")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.events == [("favourite", "o3-pro", True)]
        assert picker.favourites == ["o3-pro"]
        assert list_lines(app)[0].startswith("★  o3-pro")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.events[-1] == ("favourite", "o3-pro", False)
        assert picker.favourites == []
        # The favourite now leads the empty-query list.
        await pilot.press("ctrl+t")
        picker.input.value = ""
        await pilot.pause()
        assert picker.visible_names[0] == "o3-pro"


async def test_unlisted_recents_and_favourites_are_offered(bots):
    picker = ModelPicker(bots, recents=["Community-Bot-X"], favourites=["My-Own-Bot"])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert picker.visible_names[:2] == ["My-Own-Bot", "Community-Bot-X"]
        await pilot.press(*"commbotx")
        await pilot.pause()
        assert picker.visible_names[0] == "Community-Bot-X"


async def test_setters_update_the_list(bots):
    picker = ModelPicker(bots[:10], recents=[], favourites=[])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert len(picker.visible_names) == 10
        picker.set_bots(bots)
        picker.set_favourites(["Gemini-3-Flash"])
        picker.set_recents(["GPT-5"])
        picker.set_current("GPT-5")
        await pilot.pause()
        assert len(picker.visible_names) == len(bots)
        assert picker.visible_names[:2] == ["Gemini-3-Flash", "GPT-5"]
        assert list_lines(app)[1].startswith(" ● GPT-5")


async def test_clicking_a_row_selects_it(bots):
    picker = ModelPicker(bots, recents=[], favourites=[])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"claude")
        await pilot.pause()
        third = picker.visible_names[2]
        region = app.query_one(BotList).content_region
        await pilot.click(offset=(region.x + 5, region.y + 2))
        await pilot.pause()
        assert app.events == [("selected", third)]


async def test_hostile_names_and_descriptions_render_literally():
    evil = [
        Bot(
            id="evil-bot",
            display_name=INJECTION,
            description=f"{INJECTION} \x1b]52;c;SGVsbG8=\x07 \x1b[2J\x1b[31mred [link=https://x]y[/link]",
            pricing=Pricing(request=None, prompt=None),
        ),
        Bot(id="plain", display_name="Plain-Bot", description="[/bold]"),
    ]
    picker = ModelPicker(evil, recents=[INJECTION], favourites=["[/]"])
    app = Host(picker)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert picker.visible_names == ["[/]", INJECTION, "Plain-Bot"]  # the unlisted favourite first
        await pilot.press("down")
        text = screen_text(app)
        assert text.count(INJECTION) == 3  # the row, the detail title, the description
        assert "[link=https://x]y[/link]" in text and "red" in text
        assert "\x1b" not in app.export_screenshot()
        # Typing part of it, moving, clicking the row: nothing runs, nothing crashes.
        await pilot.press(*"click")
        await pilot.pause()
        assert picker.visible_names[0] == INJECTION
        region = app.query_one(BotList).content_region
        await pilot.click(offset=(region.x + 4, region.y))
        await pilot.pause()
        assert app.is_running
        assert app.events == [("selected", INJECTION)]
        picker.input.value = "plain"
        await pilot.pause()
        assert "[/bold]" in screen_text(app)
        assert app.is_running


def test_row_formatting_helpers():
    assert format_context(983040) == "983k"
    assert format_context(2_000_000) == "2M"
    assert format_context(1_048_576) == "1M"
    assert format_context(None) == ""
    from decimal import Decimal

    assert short_price(Pricing(prompt=Decimal("0.0000026"), completion=Decimal("0.000013"))) == "$2.6/$13"
    assert short_price(Pricing(request=Decimal("0.018"))) == "$0.018/req"
    assert short_price(None) == ""


async def test_tab_marks_bots_to_compare_and_enter_sends_them_all(bots):
    picker = ModelPicker(bots, recents=[], favourites=[], current="GPT-5")
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"son46", "tab")  # marks Claude-Sonnet-4.6, moves down
        await pilot.press(*["backspace"] * 5, *"gpt-5.4", "tab")
        await pilot.pause()
        assert picker.bot_list.marked == ["Claude-Sonnet-4.6", "GPT-5.4"]
        assert "Enter compares: Claude-Sonnet-4.6 · GPT-5.4" in screen_text(app)
        assert list_lines(app)[0].startswith(" 2 GPT-5.4")  # its place in the comparison
        await pilot.press(*["backspace"] * 7, *"son46")
        await pilot.pause()
        assert list_lines(app)[0].startswith(" 1 Claude-Sonnet-4.6")
        await pilot.press("enter")
        await pilot.pause()
        assert app.events == [("compared", ["Claude-Sonnet-4.6", "GPT-5.4"])]
        assert picker.bot_list.marked == []  # used once
        await pilot.press(*"gpt-5.4", "tab", "tab")  # marks it, then the row below
        await pilot.pause()
        assert len(picker.bot_list.marked) == 2
        await pilot.press("up", "tab")  # Tab on a marked bot unmarks it
        await pilot.pause()
        assert len(picker.bot_list.marked) == 1
        await pilot.press("enter")  # one marked bot: Enter just chooses it
        await pilot.pause()
        assert app.events[-1][0] == "selected"


async def test_at_most_four_bots_can_be_marked(bots):
    picker = ModelPicker(bots, recents=[], favourites=[])
    app = Host(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*["tab"] * 6)
        await pilot.pause()
        assert len(picker.bot_list.marked) == 4
        assert picker.bot_list.marked == picker.visible_names[:4]


async def test_marks_are_forgotten_when_the_list_loses_focus(bots):
    picker = ModelPicker(bots, recents=[], favourites=[])

    class WithPrompt(Host):
        def compose(self) -> ComposeResult:
            yield self.picker
            yield Input(id="elsewhere")

    app = WithPrompt(picker)
    async with app.run_test(size=(100, 30)) as pilot:
        picker.focus()
        await pilot.pause()
        await pilot.press("tab", "tab")
        assert len(picker.bot_list.marked) == 2
        app.query_one("#elsewhere", Input).focus()
        await pilot.pause()
        await pilot.pause()
        assert picker.bot_list.marked == []
        assert "Enter compares:" not in screen_text(app)
