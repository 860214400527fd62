"""Failure notices speak the user's language: no exception class names, no doubled full stops."""

from __future__ import annotations

import re

import pytest

from poe_tui.client import PoeError, ServerError, StreamInterrupted
from poe_tui.tui.notices import failure_notice, plain

CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:Error|Exception|Timeout)\b")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("The connection closed mid-reply (RemoteProtocolError).", "The connection closed mid-reply."),
        ("Timed out talking to http://127.0.0.1:9 (ReadTimeout).", "Timed out talking to http://127.0.0.1:9."),
        ("httpx.RemoteProtocolError: peer closed the connection", "peer closed the connection"),
        ("The key could not be checked (unexpected KeyError).", "The key could not be checked (unexpected key error)."),
        ("The provider failed..", "The provider failed."),
        ("Is it down?.", "Is it down?"),
        ("Loading...", "Loading..."),  # an ellipsis is not a doubled stop
        ("Version 3.5. Then more.", "Version 3.5. Then more."),
        ("Error: nothing to fix here", "Error: nothing to fix here"),
    ],
)
def test_plain_takes_out_class_names_and_doubled_stops(raw, shown):
    assert plain(raw) == shown


@pytest.mark.parametrize(
    "error",
    [
        StreamInterrupted("The connection closed mid-reply (RemoteProtocolError)."),
        ServerError("The bot's provider returned an error.", status=500),
        PoeError("Something odd happened.", status=418),
    ],
    ids=["cut-off", "server", "other"],
)
def test_failure_notices_name_no_class_and_end_each_sentence_once(error):
    title, text, severity = failure_notice(error, "GPT-5.4")
    assert severity == "error" and title
    assert not CLASS_NAME.search(title + text), text
    assert ".." not in text.replace("...", "")
    assert text.split("\n")[0]  # what happened, then what to do


def test_a_silent_service_is_told_apart_from_an_unreachable_one():
    from poe_tui.client import ConnectError, FirstByteTimeout, IdleTimeout

    title, text, _ = failure_notice(FirstByteTimeout("No answer from GPT-5.4 in 1 min: nothing arrived."), "GPT-5.4")
    assert title == "No answer" and "nothing arrived" in text and "Could not reach" not in text
    title, text, _ = failure_notice(IdleTimeout("GPT-5.4 went silent for 1 min: 1,234 characters were kept."), "GPT-5.4")
    assert title == "Reply stalled" and "1,234 characters" in text
    title, _, _ = failure_notice(ConnectError("Could not reach http://127.0.0.1:9."), "GPT-5.4")
    assert title == "Network problem"
