"""`ask -p/-a/--save-media` and `models BOT` against the emulator: checked before any chat
request (exit 8 with the allowed names or values), and the saved file is what was served."""

import json

import httpx
import pytest

from poe_tui.emulator.media import png
from clihelpers import env, invoke  # noqa: F401  (fixture)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "fox.png").write_bytes(png("0badc0ffee00"))
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return tmp_path


def test_models_bot_prints_its_parameters_and_modalities(env):
    result = invoke("models", "gpt-5.4")
    assert result.exit_code == 0
    assert "takes: text, image; gives: text, image" in result.output
    assert "reasoning_effort: none, low, medium, high, xhigh (default none)" in result.output
    missing = invoke("models", "GPT-5.9")
    assert missing.exit_code == 4 and "no bot named" in missing.output


def test_ask_p_sends_exactly_the_declared_parameters(env):
    result = invoke("ask", "-m", "GPT-5.4", "-p", "reasoning_effort=high", "-p", "web_search=true", "hi")
    assert result.exit_code == 0, result.output
    body = env.state.chat_requests[-1].body
    assert body["reasoning_effort"] == "high" and body["web_search"] is True
    assert set(body) == {"model", "messages", "stream", "stream_options", "reasoning_effort", "web_search"}


@pytest.mark.parametrize("item,words", [
    ("reasoning_effort=max", "it takes none, low, medium, high, xhigh"),
    ("temperature=1", "Its parameters: web_search, reasoning_effort, verbosity"),
])
def test_ask_p_bad_name_or_value_exits_8_and_sends_nothing(env, item, words):
    result = invoke("ask", "-m", "GPT-5.4", "-p", item, "hi")
    assert result.exit_code == 8 and words in result.output
    assert env.state.chat_requests == []


def test_ask_a_sends_content_parts(env, files):
    result = invoke("ask", "-m", "Demo-Echo", "-a", str(files / "fox.png"), "-a", str(files / "doc.pdf"), "what?")
    assert result.exit_code == 0, result.output
    parts = env.state.chat_requests[-1].body["messages"][-1]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url", "file"]
    assert "[image data:image/png] [file doc.pdf]" in result.output


def test_ask_a_file_the_bot_cannot_read_exits_8_and_sends_nothing(env, files):
    result = invoke("ask", "-m", "GLM-5", "-a", str(files / "fox.png"), "hi")
    assert result.exit_code == 8
    assert "GLM-5 reads text only: pick a bot marked V for fox.png (image)." in result.output
    missing = invoke("ask", "-m", "Demo-Echo", "-a", str(files / "nope.png"), "hi")
    assert missing.exit_code == 8 and "There is no file" in missing.output
    assert env.state.chat_requests == []


def test_save_media_writes_what_the_emulator_served(env, tmp_path):
    out = tmp_path / "out"
    result = invoke("ask", "-m", "Demo-Image", "--json", "--save-media", str(out), "a red fox")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["media"]) == 1 and data["media"][0].endswith("a-red-fox-demo-image.png")
    url = data["content"].split("(", 1)[1].split(")", 1)[0]
    with open(data["media"][0], "rb") as fh:
        assert fh.read() == httpx.get(url).content
    again = invoke("ask", "-m", "Demo-Image", "--save-media", str(out), "a red fox")
    assert again.output.strip().endswith("a-red-fox-demo-image-2.png")


def test_continuing_with_a_text_only_bot_names_the_file_it_cannot_read(env, files):
    assert invoke("ask", "-m", "Demo-Echo", "-a", str(files / "fox.png"), "look").exit_code == 0
    result = invoke("ask", "-c", "-m", "GLM-5", "and you?")
    assert result.exit_code == 0, result.output
    first = env.state.chat_requests[-1].body["messages"][0]["content"]
    assert first == "look\n\n[GLM-5 reads text only: pick a bot marked V for fox.png (image).]"
