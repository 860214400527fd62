"""Slash-command parsing and completion: pure functions, plain tests."""

from __future__ import annotations

from poe_tui.tui import commands


def test_parse_splits_name_and_argument():
    assert commands.parse("/model GPT-5") == ("model", "GPT-5")
    assert commands.parse("  /MODEL   gpt-5  ") == ("model", "gpt-5")
    assert commands.parse("/new") == ("new", "")


def test_messages_are_not_commands():
    assert commands.parse("hello") is None
    assert commands.parse("//model is a word") is None  # the escape: a message starting with /
    assert commands.parse("/usr/bin/env python") is None  # a path
    assert commands.parse("/") is None


def test_an_unknown_command_is_still_parsed_so_it_is_not_sent_by_accident():
    assert commands.parse("/modle GPT-5") == ("modle", "GPT-5")


def test_completion_of_names_and_arguments():
    assert [c.name for c in commands.complete("/m")] == ["model"]
    assert commands.complete("/model GPT") == []
    assert commands.complete("//m") == []
    assert commands.argument("/model son") == ("model", "son")
    assert commands.argument("/new x") is None
