"""The chat session against the emulator and a real SQLite file: nothing is ever lost."""

import asyncio

import pytest

from poe_tui.chat import (
    BalanceUpdated,
    ChatInputError,
    ChatSession,
    ReplyFailed,
    ReplyFinished,
    ReplyStarted,
    UserSaved,
    make_title,
    parse_mention,
)
from poe_tui.client import PoeClient, RetryPolicy, TextDelta
from poe_tui.emulator.faults import Fault
from poe_tui.store import Store


@pytest.fixture
def db(tmp_path):
    return tmp_path / "chat.db"


@pytest.fixture
async def session(emulator, api_key, db):
    store = Store(db)
    async with PoeClient(api_key, base_url=emulator.base_url, retry=RetryPolicy(max_retries=0), read_timeout=5) as client:
        yield ChatSession(store, client, bot="Demo-Echo", flush_interval=0.1)
    store.close()


async def run(gen):
    return [e async for e in gen]


async def test_send_saves_both_turns_and_records_the_bot(session):
    events = await run(session.send("What is the capital of France?"))
    kinds = [type(e) for e in events]
    assert kinds[0] is UserSaved and ReplyStarted in kinds and ReplyFinished in kinds
    assert kinds.index(UserSaved) < kinds.index(ReplyStarted) < kinds.index(ReplyFinished)
    msgs = (await session.messages())
    assert [m.role for m in msgs] == ["user", "assistant"]
    reply = msgs[1]
    assert reply.bot == "Demo-Echo" and reply.status == "complete" and reply.finish_reason == "stop"
    assert reply.content == "".join(e.text for e in events if isinstance(e, TextDelta))
    assert reply.completion_tokens and reply.total_tokens and reply.parent_id == msgs[0].id
    conv = session.store.get_conversation(session.conversation_id)
    assert conv.title == "What is the capital of France?"


async def test_points_are_recorded_per_reply(session):
    events = await run(session.send("hello"))
    update = next(e for e in events if isinstance(e, BalanceUpdated))
    assert update.cost and update.cost > 0
    assert (await session.messages())[-1].points == update.cost
    assert session.store.cached_balance()[0] == update.points


async def test_user_message_is_on_disk_before_the_request_and_reply_flushes_while_streaming(session, emulator, db):
    emulator.state.tokens_per_second = 40
    seen = {}

    async def watch():
        other = Store(db)
        try:
            while not emulator.state.chat_requests:
                await asyncio.sleep(0.005)
            # the request has arrived: the user's words must already be committed
            conv_id = other.latest_conversation_id()
            seen["user"] = [m.content for m in other.get_messages(conv_id) if m.role == "user"]
            await asyncio.sleep(0.8)
            seen["partial"] = [(m.status, m.content) for m in other.get_messages(conv_id) if m.role == "assistant"]
        finally:
            other.close()

    watcher = asyncio.create_task(watch())
    await run(session.send("Demo-Long please tokens=200", bot="Demo-Long"))
    await watcher
    assert seen["user"] == ["Demo-Long please tokens=200"]
    status, content = seen["partial"][0]
    assert status == "streaming" and len(content) > 0


async def test_cancel_keeps_the_partial_reply_marked_interrupted(session, emulator):
    emulator.state.tokens_per_second = 50
    got = asyncio.Event()

    async def consume():
        async for e in session.send("go tokens=3000", bot="Demo-Long"):
            if isinstance(e, TextDelta):
                got.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got.wait(), 5)
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    reply = (await session.messages())[-1]
    assert reply.role == "assistant" and reply.status == "interrupted" and reply.content
    assert reply.bot == "Demo-Long"


async def test_broken_stream_keeps_what_arrived(session, emulator):
    emulator.state.inject(Fault(reply="alpha beta gamma delta epsilon zeta eta theta", break_after=3))
    events = await run(session.send("hi"))
    failed = events[-2] if isinstance(events[-1], BalanceUpdated) else events[-1]
    assert isinstance(failed, ReplyFailed)
    assert failed.message.status == "interrupted" and failed.message.content and failed.message.error
    assert "alpha beta gamma delta".startswith(failed.message.content.strip()) or failed.message.content.startswith("alpha")


async def test_error_before_any_token_is_recorded_as_error(session, emulator):
    emulator.state.inject(Fault(status=402, error_type="insufficient_credits", message="You are out of points"))
    events = await run(session.send("hi"))
    failed = next(e for e in events if isinstance(e, ReplyFailed))
    assert failed.message.status == "error" and failed.message.error == "You are out of points"
    assert [m.role for m in (await session.messages())] == ["user", "assistant"]


async def test_switching_bots_sends_the_whole_history(session, emulator):
    await run(session.send("first question"))
    session.bot = "Demo-Markdown"
    await run(session.send("second question"))
    req = emulator.state.chat_requests[-1]
    assert req.model == "Demo-Markdown"
    sent = req.body["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert sent[0]["content"] == "first question" and sent[2]["content"] == "second question"
    assert sent[1]["content"] == (await session.messages())[1].content
    bots = [m.bot for m in (await session.messages()) if m.role == "assistant"]
    assert bots == ["Demo-Echo", "Demo-Markdown"]


async def test_mention_routes_one_message(session, emulator):
    await run(session.send("@Demo-Markdown tell me something"))
    assert emulator.state.chat_requests[-1].model == "Demo-Markdown"
    assert (await session.messages())[0].content == "tell me something"
    assert session.bot == "Demo-Echo"
    await run(session.send("and now?"))
    assert emulator.state.chat_requests[-1].model == "Demo-Echo"


async def test_retry_resends_the_last_user_turn_as_a_branch(session, emulator):
    emulator.state.inject(Fault(status=500, error_type="provider_error", message="boom"))
    await run(session.send("please answer"))
    failed = (await session.messages())[-1]
    assert failed.status == "error"
    await run(session.retry())
    thread = (await session.messages())
    assert [m.role for m in thread] == ["user", "assistant"]
    assert thread[-1].status == "complete" and thread[-1].parent_id == thread[0].id
    assert session.store.get_message(failed.id) is not None, "the failed attempt is kept as a sibling"
    assert emulator.state.chat_requests[-1].body["messages"] == [{"role": "user", "content": "please answer"}]


async def test_system_prompt_is_sent_first(session, emulator):
    await session.set_system_prompt("Answer in French.")
    await run(session.send("hello"))
    assert emulator.state.chat_requests[-1].body["messages"][0] == {"role": "system", "content": "Answer in French."}


async def test_unknown_bot_fails_with_suggestions(emulator, api_key, db):
    store = Store(db)
    async with PoeClient(api_key, base_url=emulator.base_url) as client:
        session = ChatSession(store, client, bot="Demo-Markdwn", known_bots=lambda: ["Demo-Markdown", "Demo-Echo", "GPT-5"])
        events = await run(session.send("hi"))
    failed = next(e for e in events if isinstance(e, ReplyFailed))
    assert failed.suggestions[0] == "Demo-Markdown"
    assert failed.message.status == "error"


async def test_empty_input_is_refused_before_anything_is_saved(session):
    with pytest.raises(ChatInputError):
        await run(session.send("   "))
    with pytest.raises(ChatInputError):
        await run(session.send("@Demo-Echo   "))
    assert session.conversation_id is None
    with pytest.raises(ChatInputError):
        await run(session.retry())


def test_parse_mention_and_title():
    assert parse_mention("@GPT-5 hi there") == ("GPT-5", "hi there")
    assert parse_mention("email me@x.com") == (None, "email me@x.com")
    assert parse_mention("@Claude-Sonnet-4.6\nline") == ("Claude-Sonnet-4.6", "line")
    assert make_title("  a\n b  ") == "a b"
    assert len(make_title("x" * 200)) == 60


async def test_only_bots_that_answered_become_recents(session, emulator):
    await run(session.send("@No-Such-Bot-zz hi"))
    assert "No-Such-Bot-zz" not in session.store.recent_bots()
    await run(session.send("hello"))
    assert session.store.recent_bots()[0] == "Demo-Echo"


async def test_a_mention_never_becomes_the_conversations_bot(session, emulator):
    await run(session.send("hello"))  # Demo-Echo, the bot chosen
    await run(session.send("@Demo-Markdown what is 2+2"))
    conv_id = session.conversation_id
    summary = session.store.list_conversations(10, 0)[0]
    assert summary.shown_bot == "Demo-Echo" and summary.last_bot == "Demo-Markdown"
    session.new_conversation()
    session.bot = "GPT-5"
    await session.open(conv_id)
    assert session.bot == "Demo-Echo"
    await run(session.send("and now?"))
    assert emulator.state.chat_requests[-1].model == "Demo-Echo"


async def test_cancel_while_waiting_for_the_first_token_ends_the_reply_at_once(session, emulator):
    emulator.state.inject(Fault(stall_after=0, stall_seconds=30))
    events = []

    async def consume():
        async for e in session.send("anyone there?"):
            events.append(e)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.5)
    assert session.cancel()
    await asyncio.wait_for(task, 3)  # not the 30 s stall, nor a balance call's timeout
    failed = next(e for e in events if isinstance(e, ReplyFailed))
    assert failed.error is None and failed.message.status == "interrupted" and failed.message.content == ""
    assert (await session.messages())[-1].status == "interrupted"


async def test_a_disk_that_refuses_the_reply_row_does_not_stop_the_reply(session, monkeypatch):
    from poe_tui.store import DiskFullError

    store = session.store
    real = store.add_message
    state = {"full": True}

    def add(conversation_id, role, content, **fields):
        if role == "assistant" and state["full"]:
            raise DiskFullError("the disk is full: chat.db cannot grow")
        return real(conversation_id, role, content, **fields)

    monkeypatch.setattr(store, "add_message", add)
    events = await run(session.send("hello there"))
    done = next(e for e in events if isinstance(e, ReplyFinished))
    assert "hello there" in done.message.content and done.save_error and done.saved_chars == 0
    assert [m.role for m in store.get_messages(session.conversation_id)] == ["user"]
    state["full"] = False
    assert await session.save_unsaved() == len(done.message.content)
    saved = store.get_messages(session.conversation_id)[-1]
    assert saved.content == done.message.content and saved.status == "complete"


async def test_a_failed_first_turn_leaves_no_empty_conversation(session, monkeypatch):
    from poe_tui.store import DiskFullError

    def refuse(*args, **kwargs):
        raise DiskFullError("the disk is full: chat.db cannot grow")

    monkeypatch.setattr(session.store, "add_message", refuse)
    with pytest.raises(DiskFullError):
        await run(session.send("hello"))
    assert session.conversation_id is None
    assert session.store.list_conversations(10, 0) == []
