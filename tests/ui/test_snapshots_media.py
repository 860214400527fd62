"""SVG snapshots of parameters, attachments and media (the pattern of test_snapshots.py: the
emulator's fixed data, a fixed clock, theme and size, no blinking cursor). The media row shows
the host without its port, so the emulator's port does not change the picture.

Update after an intended visual change: pytest tests/ui/test_snapshots_media.py --snapshot-update
"""

from __future__ import annotations

from poe_tui.emulator.media import png
from test_snapshots import at_bottom, no_blink, snap, steady  # noqa: F401  (snap: the fixture)
from uihelpers import settle, type_and_send, wait_for


def test_params_panel(make_app, snap):
    from poe_tui.tui.screens.params import ParamsScreen

    async def run(pilot):
        await steady(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ParamsScreen), what="the panel")
        await pilot.pause(0.1)
        no_blink(pilot.app)
        await pilot.pause()

    assert snap(make_app(bot="GPT-5.4"), run)


def test_message_with_attachments(make_app, snap, tmp_path):
    (tmp_path / "fox.png").write_bytes(png("c0ffee123456"))
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")

    async def run(pilot):
        await steady(pilot)
        await type_and_send(pilot, f"/attach {tmp_path / 'fox.png'}")
        await type_and_send(pilot, f"/attach {tmp_path / 'notes.pdf'}")
        await wait_for(pilot, lambda: len(pilot.app.chat_screen.media.files) == 2, what="two chips")
        await type_and_send(pilot, "what are these?")
        await settle(pilot)
        pilot.app.clear_notifications()
        await at_bottom(pilot)

    assert snap(make_app(bot="Demo-Echo"), run)


def test_image_reply_with_preview(make_app, snap):
    async def run(pilot):
        await steady(pilot)
        await type_and_send(pilot, "a fox in the snow")
        await settle(pilot)
        await wait_for(pilot, lambda: pilot.app.chat_screen.query(".media-preview"), what="the preview")
        await at_bottom(pilot)

    assert snap(make_app(bot="Demo-Image"), run)
