import random

import pytest

from poe_tui.textsafe import StreamSanitizer, one_line, strip_terminal_controls

HOSTILE = [
    ("\x1b[31mred\x1b[0m", "red"),
    ("a\x1b]52;c;aGFja2Vk\x07b", "ab"),  # OSC 52 clipboard write
    ("a\x1b]0;title\x1b\\b", "ab"),  # window title, ST-terminated
    ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
    ("a\x9b2Jb", "ab"),  # 8-bit CSI
    ("a\x1bcb", "ab"),  # full reset
    ("a\x00b\x07c\x08d", "abcd"),
    ("line1\r\nline2\rX", "line1\nline2X"),
    ("tab\tand\nnewline", "tab\tand\nnewline"),
    ("日本語 🎉 é", "日本語 🎉 é"),
]


@pytest.mark.parametrize("raw,clean", HOSTILE)
def test_strip(raw, clean):
    assert strip_terminal_controls(raw) == clean


@pytest.mark.parametrize("raw,clean", HOSTILE)
def test_stream_sanitizer_is_split_proof(raw, clean):
    rng = random.Random(raw)
    for _ in range(30):
        cuts = sorted(rng.sample(range(1, len(raw)), k=min(len(raw) - 1, rng.randint(1, 4)))) if len(raw) > 1 else []
        pieces = [raw[i:j] for i, j in zip([0, *cuts], [*cuts, len(raw)])]
        s = StreamSanitizer()
        assert "".join(s.feed(p) for p in pieces) + s.flush() == clean, pieces


def test_unterminated_sequence_is_dropped_at_the_end():
    s = StreamSanitizer()
    assert s.feed("ok \x1b]52;c;never-ends") == "ok "
    assert s.flush() == ""


def test_one_line():
    assert one_line("a\nb\t\x1b[2Jc", 10) == "a b c"
    assert one_line("x" * 20, 5) == "xxxx…"


def test_names_and_titles_lose_bidi_overrides_bodies_keep_them():
    from poe_tui.textsafe import BIDI_CONTROLS, one_line, strip_bidi_controls

    name = "invoice\u202efdp.exe\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d"
    assert one_line(name) == strip_bidi_controls(name) == "invoicefdp.exe"
    assert len(BIDI_CONTROLS) == 9
    assert strip_terminal_controls("שלום \u202bworld\u202c") == "שלום \u202bworld\u202c"


def test_json_text_escapes_what_a_terminal_would_act_on():
    import json

    from poe_tui.textsafe import escape_unsafe_in_json

    data = {"t": "a\x1b]52;c;x\x07b\x9b2J\x85c\u202ed\x7f", "ok": "é ✓ 日本"}
    text = escape_unsafe_in_json(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data
    assert not [c for c in text if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c == "\u202e"]
    assert "é ✓ 日本" in text
