"""Branches and comparisons in the chat session: an edit forks, a regenerate adds a sibling,
a comparison streams siblings concurrently; what is sent is exactly the visible branch."""

from __future__ import annotations

import pytest

from poe_tui.chat import ChatInputError, ChatSession, Column, ReplyFailed, ReplyFinished, ReplyStarted, TextDelta
from poe_tui.client import PoeClient, RetryPolicy
from poe_tui.emulator.faults import Fault
from poe_tui.store import Store


@pytest.fixture
def db(tmp_path):
    return tmp_path / "branches.db"


@pytest.fixture
async def client(emulator, api_key):
    async with PoeClient(api_key, base_url=emulator.base_url, retry=RetryPolicy(max_retries=0)) as c:
        yield c


async def run(gen):
    return [e async for e in gen]


def sent_contents(emulator) -> list[str]:
    return [m["content"] for m in emulator.state.chat_requests[-1].body["messages"]]


async def test_an_edit_forks_and_the_old_branch_survives_a_restart(emulator, client, db):
    store = Store(db)
    session = ChatSession(store, client, bot="Demo-Echo")
    await run(session.send("first question"))
    await run(session.send("second question"))
    first_user = (await session.messages())[0]
    await run(session.edit(first_user.id, "first question, better"))
    assert sent_contents(emulator) == ["first question, better"]  # only the new branch is sent
    conv = session.conversation_id
    store.close()

    store = Store(db)  # a restart
    session = ChatSession(store, client, bot="GPT-5")
    await session.open(conv)
    versions = await session.versions(first_user.id)
    assert [v.content for v in versions] == ["first question", "first question, better"]
    thread = await session.show_version(versions[0].id)
    assert [m.content for m in thread if m.role == "user"] == ["first question", "second question"]
    await run(session.send("third"))
    assert [c for c in sent_contents(emulator)][::2] == ["first question", "second question", "third"]
    store.close()


async def test_only_own_messages_can_be_edited(emulator, client, db):
    session = ChatSession(Store(db), client, bot="Demo-Echo")
    await run(session.send("hello"))
    reply = (await session.messages())[-1]
    with pytest.raises(ChatInputError):
        await run(session.edit(reply.id, "changed"))
    with pytest.raises(ChatInputError):
        await run(session.edit((await session.messages())[0].id, "   "))


async def test_regenerating_with_another_bot_keeps_both_replies_reachable(emulator, client, db):
    session = ChatSession(Store(db), client, bot="Demo-Echo")
    await run(session.send("why is the sky blue"))
    await run(session.retry(bot="Demo-Markdown"))
    last = (await session.messages())[-1]
    versions = await session.versions(last.id)
    assert [v.bot for v in versions] == ["Demo-Echo", "Demo-Markdown"]
    assert session.bot == "Demo-Echo"  # another bot for one regenerate does not switch the conversation


async def test_a_compare_streams_three_bots_concurrently_with_identical_messages(emulator, client, db):
    emulator.state.tokens_per_second = 300
    session = ChatSession(Store(db), client, bot="Demo-Echo")
    await run(session.send("context first"))
    bots = ["Demo-Long", "Demo-Markdown", "Demo-Echo"]
    started: set[int] = set()
    all_started_before_any_finished = None
    events = []
    async for event in session.compare("compare this tokens=300", bots):
        events.append(event)
        if isinstance(event, Column) and isinstance(event.event, ReplyStarted):
            started.add(event.index)
        if isinstance(event, Column) and isinstance(event.event, ReplyFinished) and all_started_before_any_finished is None:
            all_started_before_any_finished = started == {0, 1, 2}
    assert all_started_before_any_finished, "the three replies did not stream at the same time"
    requests = emulator.state.chat_requests[-3:]
    assert sorted(r.model for r in requests) == sorted(bots)
    assert len({repr(r.body["messages"]) for r in requests}) == 1  # the same thread to each
    finished = [e.event.message for e in events if isinstance(e, Column) and isinstance(e.event, ReplyFinished)]
    assert len(finished) == 3 and len({m.parent_id for m in finished}) == 1  # siblings
    assert all(m.content for m in finished)
    # The first column is the branch shown until another is chosen.
    assert (await session.messages())[-1].bot == "Demo-Long"


async def test_a_fault_in_one_column_leaves_the_others_complete(emulator, client, db):
    emulator.state.inject(Fault(model="Demo-Markdown", break_after=2))
    session = ChatSession(Store(db), client, bot="Demo-Echo")
    events = await run(session.compare("go", ["Demo-Echo", "Demo-Markdown", "Demo-Reasoner"]))
    ends = {e.bot: e.event for e in events if isinstance(e, Column) and isinstance(e.event, (ReplyFinished, ReplyFailed))}
    assert isinstance(ends["Demo-Markdown"], ReplyFailed) and ends["Demo-Markdown"].message.status == "interrupted"
    assert isinstance(ends["Demo-Echo"], ReplyFinished) and isinstance(ends["Demo-Reasoner"], ReplyFinished)
    assert ends["Demo-Markdown"].message.content  # what arrived is kept


async def test_cancelling_a_compare_cancels_every_column(emulator, client, db):
    emulator.state.tokens_per_second = 40
    session = ChatSession(Store(db), client, bot="Demo-Echo")
    events = []
    async for event in session.compare("long please tokens=2000", ["Demo-Long", "Demo-Markdown"]):
        events.append(event)
        if isinstance(event, Column) and isinstance(event.event, TextDelta) and len(events) > 6:
            session.cancel()
    ends = [e.event for e in events if isinstance(e, Column) and isinstance(e.event, (ReplyFinished, ReplyFailed))]
    assert len(ends) == 2 and all(isinstance(e, ReplyFailed) and e.message.status == "interrupted" for e in ends)


async def test_compare_takes_two_to_four_bots(emulator, client, db):
    session = ChatSession(Store(db), client, bot="Demo-Echo")
    with pytest.raises(ChatInputError):
        await run(session.compare("x", ["Demo-Echo"]))
    with pytest.raises(ChatInputError):
        await run(session.compare("x", ["A", "B", "C", "D", "E"]))
    assert session.conversation_id is None


async def test_the_chosen_branch_is_remembered_across_a_restart_and_exported(emulator, client, db):
    from poe_tui import export

    store = Store(db)
    session = ChatSession(store, client, bot="Demo-Echo")
    await run(session.send("question"))
    first = (await session.messages())[-1]
    await run(session.retry(bot="Demo-Markdown"))
    await session.show_version(first.id)  # back to the first answer
    conv = session.conversation_id
    store.close()

    store = Store(db)  # a restart
    session = ChatSession(store, client, bot="Demo-Echo")
    thread = await session.open(conv)
    assert thread[-1].id == first.id
    markdown = export.to_markdown(store, conv)
    assert first.content.splitlines()[0] in markdown and "Markdown showcase" not in markdown
    await run(session.send("go on"))
    sent = emulator.state.chat_requests[-1].body["messages"]
    assert [m["content"] for m in sent if m["role"] == "assistant"] == [first.content]
    store.close()
