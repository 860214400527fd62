"""The history screen over a real Store: list, search, open, rename, pin, archive, delete, paging."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Input

from poe_tui.store import Store
from poe_tui.store.asyncstore import AsyncStore
from poe_tui.tui.screens.confirm import ConfirmScreen
from poe_tui.tui.screens.history import HistoryScreen, RenameScreen, format_when

T0 = 1_700_000_000.0
HOUR = 3600.0
EVIL_TITLE = "[@click=app.quit]x[/] [/bold] \x1b[31mred"


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    s = Store(tmp_path / "h.db", clock=clock)
    yield s
    s.close()


@pytest.fixture
def convs(store, clock) -> dict[str, str]:
    """Four conversations an hour apart (newest: 'rust'); returns title -> id."""
    ids = {}
    for i, (title, question, answer) in enumerate(
        [
            ("Sourdough starter", "How do I feed a sourdough starter?", "Flour and water daily."),
            ("Parsing JSON", "How do I parse JSON in Python?", "Use json.loads on the text."),
            (EVIL_TITLE, "harmless question", "harmless answer"),
            ("Rust lifetimes", "Explain lifetimes", "Borrowing rules, with 'a annotations."),
        ]
    ):
        clock.now = T0 + i * HOUR
        c = store.create_conversation(title)
        store.add_message(c.id, "user", question)
        store.add_message(c.id, "assistant", answer, bot="Claude-Sonnet-4.6")
        ids[title] = c.id
    clock.now = T0 + 10 * HOUR
    return ids


class Host(App):
    def __init__(self, screen: HistoryScreen) -> None:
        super().__init__()
        self.history = screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.history, self.results.append)


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def titles(screen: HistoryScreen) -> list[str | None]:
    return [getattr(it, "title", None) or getattr(it, "conversation_title", None) for it in screen.items]


async def settle(app: App, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_lists_newest_first_with_literal_titles(store, convs, clock):
    screen = HistoryScreen(AsyncStore(store))
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        assert titles(screen) == ["Rust lifetimes", EVIL_TITLE, "Parsing JSON", "Sourdough starter"]
        text = screen_text(app)
        assert "[@click=app.quit]x[/] [/bold] red" in text  # literal; the ESC sequence stripped
        assert "7 h ago" in text and "10 h ago" in text  # from the injected clock
        assert "Claude-Sonnet-4.6" in text
        await pilot.click("#history-list", offset=(20, 2))  # row 2 (under the border): the hostile one
        await pilot.pause()
        assert app.results == [("open", convs[EVIL_TITLE])]


async def test_search_highlights_and_enter_opens_the_hit(store, convs):
    screen = HistoryScreen(AsyncStore(store))
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert app.focused is screen.search_input
        await pilot.press(*"json")
        await settle(app, pilot)
        assert screen.searching
        hit_ids = {getattr(it, "conversation_id") for it in screen.items}
        assert hit_ids == {convs["Parsing JSON"]}
        text = screen_text(app)
        assert "How do I parse JSON in Python?" in text
        # The matched word carries the highlight style, as a span over plain text.
        hit = screen.items[0]
        prompt = screen.option_list.get_option_at_index(0).prompt
        start, end = hit.highlights[0]
        assert hit.snippet[start:end].lower() == "json"
        offset = prompt.plain.rindex(hit.snippet)  # line 2 (a title hit repeats it on line 1)
        assert any(
            s.start == offset + start and s.end == offset + end and "reverse" in str(s.style) for s in prompt.spans
        )
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [("open", convs["Parsing JSON"])]


async def test_opens_directly_on_a_query_and_clearing_it_lists_again(store, convs):
    screen = HistoryScreen(AsyncStore(store), query="lifetimes")
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(app, pilot)
        assert app.focused is screen.search_input
        assert {it.conversation_id for it in screen.items} == {convs["Rust lifetimes"]}
        screen.search_input.value = "zzznothing"
        await settle(app, pilot)
        assert screen.items == [] and "No matches." in screen_text(app)
        screen.search_input.value = ""
        await settle(app, pilot)
        assert not screen.searching and len(screen.items) == 4


async def test_rename(store, convs):
    screen = HistoryScreen(AsyncStore(store))
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab")  # from the search box (focused first) to the list
        await pilot.press("down")  # the hostile one
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RenameScreen)
        field = app.screen.query_one(Input)
        assert field.value == "[@click=app.quit]x[/] [/bold] red"
        field.value = "Tamed title"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert store.get_conversation(convs[EVIL_TITLE]).title == "Tamed title"
        assert "Tamed title" in titles(screen)
        assert screen.items[screen.option_list.highlighted].id == convs[EVIL_TITLE]  # still selected
        # Escape in the rename box changes nothing.
        await pilot.press("r", "escape")
        await pilot.pause()
        assert store.get_conversation(convs[EVIL_TITLE]).title == "Tamed title"


async def test_pin_moves_to_top_and_unpin(store, convs):
    screen = HistoryScreen(AsyncStore(store))
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab")  # from the search box (focused first) to the list
        await pilot.press("end")
        assert screen.items[screen.option_list.highlighted].id == convs["Sourdough starter"]
        await pilot.press("p")
        await pilot.pause()
        assert store.get_conversation(convs["Sourdough starter"]).pinned
        assert titles(screen)[0] == "Sourdough starter"
        assert screen.option_list.highlighted == 0  # the cursor followed it
        assert "⚑ " in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        assert not store.get_conversation(convs["Sourdough starter"]).pinned
        assert titles(screen)[-1] == "Sourdough starter"


async def test_archive_hides_and_the_toggle_shows(store, convs):
    screen = HistoryScreen(AsyncStore(store))
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab")  # from the search box (focused first) to the list
        await pilot.press("a")  # archive the newest
        await pilot.pause()
        assert store.get_conversation(convs["Rust lifetimes"]).archived
        assert "Rust lifetimes" not in titles(screen)
        await pilot.press("v")
        await pilot.pause()
        assert titles(screen)[0] == "Rust lifetimes" and "archived" in screen_text(app)
        await pilot.press("home", "a")  # unarchive
        await pilot.pause()
        assert not store.get_conversation(convs["Rust lifetimes"]).archived


async def test_delete_asks_first(store, convs):
    screen = HistoryScreen(AsyncStore(store))
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab")  # from the search box (focused first) to the list
        target = convs["Rust lifetimes"]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Rust lifetimes" in screen_text(app) and "2 messages" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert store.get_conversation(target) is not None
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert app.screen is screen
        assert store.get_conversation(target) is None
        assert "Rust lifetimes" not in titles(screen) and len(screen.items) == 3
        assert store.search("lifetimes") == []


async def test_new_and_escape(store, convs):
    app = Host(HistoryScreen(AsyncStore(store)))
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.results == [("new", None)]
    app = Host(HistoryScreen(AsyncStore(store)))
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def test_letters_type_into_the_search_box_not_actions(store, convs):
    screen = HistoryScreen(AsyncStore(store))
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        assert app.focused is screen.search_input, "typing searches at once"
        await pilot.press(*"pad")  # p, a, d would pin, archive, delete from the list
        await settle(app, pilot)
        assert screen.search_input.value == "pad"
        assert not isinstance(app.screen, ConfirmScreen)
        assert all(not c.pinned and not c.archived for c in store.list_conversations(include_archived=True))


async def test_empty_history(store):
    screen = HistoryScreen(AsyncStore(store))
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        assert "No conversations yet" in screen_text(app)
        await pilot.press("enter", "d", "p")
        await pilot.pause()
        assert app.results == [] and app.screen is screen


async def test_pages_load_on_demand(store, clock):
    with store.transaction():
        for i in range(450):
            store.create_conversation(f"Conversation {i:03}", created_at=T0 + i)
    clock.now = T0 + 1000
    screen = HistoryScreen(AsyncStore(store), page_size=200)
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab")  # from the search box (focused first) to the list
        assert len(screen.items) == 200
        assert titles(screen)[0] == "Conversation 449"
        await pilot.press("end")  # to the last loaded row: the next page comes in
        await pilot.pause()
        assert len(screen.items) == 400
        await pilot.press("end")
        await pilot.pause()
        assert len(screen.items) == 450
        assert titles(screen)[-1] == "Conversation 000"
        assert len(set(titles(screen))) == 450


def test_format_when():
    now = T0
    assert format_when(now - 5, now) == "just now"
    assert format_when(now - 300, now) == "5 min ago"
    assert format_when(now - 3 * HOUR, now) == "3 h ago"
    assert format_when(now - 30 * HOUR, now) == "yesterday"
    assert format_when(now - 4 * 24 * HOUR, now) == "4 days ago"
    assert len(format_when(now - 40 * 24 * HOUR, now)) == 10  # yyyy-mm-dd
    assert format_when(None, now) == ""


async def test_confirm_screen_answers():
    class Asker(App):
        def __init__(self) -> None:
            super().__init__()
            self.answers: list[bool] = []

        def ask(self) -> None:
            self.push_screen(ConfirmScreen("Really? [@click=app.quit]x[/]", yes="Delete"), self.answers.append)

    app = Asker()
    async with app.run_test(size=(100, 20)) as pilot:
        app.ask()
        await pilot.pause()
        assert "Really? [@click=app.quit]x[/]" in screen_text(app)
        await pilot.press("enter")  # focus starts on the safe answer
        app.ask()
        await pilot.pause()
        await pilot.press("y")
        app.ask()
        await pilot.pause()
        await pilot.press("n")
        app.ask()
        await pilot.pause()
        await pilot.press("tab", "enter")  # to "Delete"
        await pilot.pause()
        assert app.answers == [False, True, False, True]
        assert app.is_running
