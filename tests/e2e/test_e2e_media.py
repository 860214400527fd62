"""`/params` and `/attach` in a real terminal, typed as a person types them: the panel set with
keys changes what the request carries and what the reply's header says; an attached file is a
chip above the prompt, then content parts in the request, then a line under the message."""

from __future__ import annotations

from e2ehelpers import ask, footer_bot, reply_headers, send

from poe_tui.emulator.media import png


def last_body(emu) -> dict:
    chats = emu.chat_requests()
    assert chats, "no chat request reached the emulator"
    return chats[-1]["body"]


def test_params_panel_with_keys_then_the_request_and_the_header(standalone_emulator, tui_on):
    emu = standalone_emulator
    term = tui_on(emu)
    send(term, "/model GPT-5.4", delay=0.03)
    term.wait_for(lambda t: footer_bot(t) == "GPT-5.4", timeout=5)
    send(term, "/params", delay=0.03)
    term.wait_for("Parameters of GPT-5.4", timeout=5)
    term.settle()
    term.press(" ")  # web_search, focused first: on
    term.press("tab")  # reasoning_effort
    term.press("enter")  # open the list: none, low, medium, high, xhigh
    term.settle()
    term.press("down", "down", "down", "enter")
    term.settle()
    term.press("ctrl+s")  # keep
    term.wait_for(lambda t: "Parameters of GPT-5.4" not in t.text, timeout=5)
    ask(term, "think hard")
    body = last_body(emu)
    assert body["reasoning_effort"] == "high" and body["web_search"] is True
    assert "verbosity" not in body
    assert "effort high · web" in reply_headers(term)[-1]
    assert term.quit() == 0


def test_attach_typed_with_its_path_then_sent_as_content_parts(standalone_emulator, tui_on, tmp_path):
    emu = standalone_emulator
    (tmp_path / "fox.png").write_bytes(png("facade012345"))
    term = tui_on(emu)  # Claude-Sonnet-4.6 reads images
    send(term, f"/attach {tmp_path / 'fox.png'}", delay=0.01)
    term.wait_for("fox.png · image", timeout=5)
    ask(term, "what is in it?")
    parts = last_body(emu)["messages"][-1]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url"]
    assert parts[1]["image_url"]["url"].startswith("data:image/png;base64,")
    term.wait_for(lambda t: any("fox.png · image" in line and "✕" not in line for line in t.lines), timeout=5)
    assert term.quit() == 0
