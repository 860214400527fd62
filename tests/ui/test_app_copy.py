"""Copy: the last reply, message N, a code block; the notice says which clipboard took it."""

from __future__ import annotations

from poe_tui.emulator.faults import Fault
from poe_tui.tui.clipboard import Clipboard, MemoryBackend, OSC52Backend
from poe_tui.tui.copying import code_blocks
from uihelpers import ready, settle, type_and_send

REPLY = "Here you go:\n\n```python\nprint('one')\n```\n\nand\n\n```sh\necho two\n```\n"


async def test_copy_last_reply_message_and_code(make_app, emulator, clipboard):
    emulator.state.inject(Fault(reply=REPLY))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "code please")
        await settle(pilot)
        await type_and_send(pilot, "/copy")
        assert clipboard.last == REPLY
        assert any(n.message == "Copied the last reply to the test clipboard." for n in app._notifications)
        await type_and_send(pilot, "/copy 1")
        assert clipboard.last == "code please"
        await type_and_send(pilot, "/copy code")
        assert clipboard.last == "echo two\n"
        await type_and_send(pilot, "/copy code 1")
        assert clipboard.last == "print('one')\n"
        await pilot.press("f5")
        assert clipboard.last == REPLY
        await pilot.press("ctrl+g")
        assert clipboard.last == "echo two\n"
        messages = [n.message for n in app._notifications]
        assert "Copied code block 1 of 2 to the test clipboard." in messages


async def test_copy_with_no_clipboard_says_so(make_app, emulator, clipboard):
    clipboard.works = False
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hi")
        await settle(pilot)
        await type_and_send(pilot, "/copy")
        assert any("Could not copy" in n.message for n in app._notifications)


def test_clipboard_reports_each_backend():
    sent: list[str] = []
    board = Clipboard([OSC52Backend(sent.append), MemoryBackend("native", works=False)])
    assert board.copy("x") == ["terminal (OSC 52)"]
    assert sent == ["x"]
    assert Clipboard.describe("it", ["a", "b"]) == ("Copied it to the a and the b.", "information")


def test_code_blocks():
    assert code_blocks(REPLY) == ["print('one')\n", "echo two\n"]
    assert code_blocks("no code") == []


async def test_the_readmes_remap_works_while_the_prompt_has_focus(make_app, emulator, clipboard):
    """`[keys] copy_last = "ctrl+y"`: the prompt's own ctrl+y (redo) must not swallow it."""
    app = make_app(bot="Demo-Echo", keys={"copy_last": "ctrl+y"})
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_and_send(pilot, "hi")
        await settle(pilot)
        assert app.focused is app.chat_screen.prompt
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert clipboard.last == app.chat_screen.conversation.last_reply().message.content
