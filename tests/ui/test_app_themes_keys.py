"""Themes (shipped, user, broken), the theme switcher; key remapping, help and the palette."""

from __future__ import annotations

from pathlib import Path

from poe_tui import config
from poe_tui.tui import keys
from poe_tui.tui.themes import PACKAGE_THEMES, ThemeError, load_themes, parse_theme
from uihelpers import ready, type_and_send, wait_for

REPO_THEMES = Path(__file__).resolve().parents[2] / "themes"


def test_shipped_themes_are_valid_and_packaged_copies_match():
    repo = sorted(p.name for p in REPO_THEMES.glob("*.toml"))
    assert len(repo) >= 3
    assert repo == sorted(p.name for p in PACKAGE_THEMES.glob("*.toml"))
    for name in repo:
        assert (REPO_THEMES / name).read_bytes() == (PACKAGE_THEMES / name).read_bytes(), name
    themes, problems = load_themes(REPO_THEMES)
    assert problems == [] and {t.name for t in themes} >= {config.DEFAULT_THEME}


def test_bad_theme_data_is_refused():
    for data in ({}, {"name": "x"}, {"name": "x", "primary": "nope"}, {"name": "x", "primary": "#fff", "shade": 1}):
        try:
            parse_theme(data)
        except ThemeError:
            continue
        raise AssertionError(f"accepted {data}")


async def test_user_themes_load_and_broken_ones_are_reported(make_app):
    folder = config.user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#ff8800"\n')
    (folder / "broken.toml").write_text("name = [unclosed\n")
    (folder / "badcolour.toml").write_text('name = "bad"\nprimary = "not-a-colour"\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert "mine" in app.available_themes and "bad" not in app.available_themes
        messages = [n.message for n in app._notifications]
        assert any("broken.toml" in m for m in messages)
        assert any("badcolour.toml" in m for m in messages)


async def test_theme_command_switches_and_is_remembered(make_app):
    app = make_app()
    app._remember_theme = True
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.theme == "poe-dark"
        await type_and_send(pilot, "/theme poe-light")
        assert app.theme == "poe-light"
        assert config.read_file()["theme"] == "poe-light"
        await type_and_send(pilot, "/theme nope")
        assert app.theme == "poe-light"
        assert any("No theme 'nope'" in n.message for n in app._notifications)


async def test_palette_offers_actions_and_themes(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme: poe-ember")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "poe-ember", what="theme switch")
        await pilot.press("ctrl+p")
        await pilot.press(*"new conversation")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.chat_screen


async def test_keys_can_be_remapped_and_help_shows_them(make_app):
    from poe_tui.tui.screens.help import HelpScreen

    app = make_app(keys={"history": "ctrl+t", "nonsense": "x"})
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert any("nonsense" in n.message for n in app._notifications)
        app.chat_screen.query_one("#conversation").focus()
        await pilot.press("ctrl+t")
        await pilot.pause()
        from poe_tui.tui.screens.history import HistoryScreen

        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        assert "ctrl+t" in text and "history" in text
        await pilot.press("escape")


def test_every_binding_has_a_unique_id():
    ids = [k.id for k in keys.KEYS]
    assert len(ids) == len(set(ids))
    good, problems = keys.check_keymap({"send": "ctrl+e", "bogus": "x", "new": ""})
    assert good == {"send": "ctrl+e"} and len(problems) == 2


async def test_a_clashing_remap_is_reported_and_the_prompt_names_the_real_keys(make_app):
    app = make_app(keys={"send": "ctrl+s", "newline": "enter"})
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        assert any("ctrl+s is bound to both" in n.message for n in app._notifications)
        assert app.chat_screen.prompt.placeholder.startswith("Message the bot (ctrl+s sends, enter new line")


async def test_palette_offers_chat_actions_only_over_the_chat_screen(make_app):
    from poe_tui.tui.app import PoeCommands

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        titles = lambda: [t for t, _, _ in PoeCommands(app.screen)._commands()]  # noqa: E731
        assert "New conversation" in titles() and "Theme: poe-light" in titles()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "New conversation" not in titles(), "it would clear the chat hidden under history"
        assert "Theme: poe-light" in titles() and "Quit" in titles()
