"""Full-text search: safe MATCH expressions from free text, ranked hits, plain-text snippets.

Users type anything (`foo "bar`, `c++`, `NEAR`, `*`), so their words never reach FTS5 syntax:
each word becomes a quoted phrase, the last one a prefix while it is still being typed.
Highlights come back as character ranges, never markup, so the UI can escape the text itself.
"""

from __future__ import annotations

import re

from .connection import Connection
from .records import SearchHit

# Control characters mark highlights inside FTS5's snippet; parsed out before returning.
_OPEN, _CLOSE = "\x02", "\x03"
_ELLIPSIS = "…"
SNIPPET_TOKENS = 16
_TERM = re.compile(r'"([^"]*)"|(\S+)')


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def build_match(query: str) -> str | None:
    """An FTS5 MATCH expression for free text, or None when there is nothing to look for.

    Words are ANDed; `"two words"` stays a phrase; the last word is a prefix unless the query
    ends in a space, a closing quote or punctuation (`c++`): then the word looks finished.
    """
    terms: list[tuple[str, bool]] = []  # (text, was quoted)
    query = query.replace("\x00", " ")  # FTS5 reads NUL as the end of the string
    for m in _TERM.finditer(query):
        quoted, bare = m.group(1), m.group(2)
        text = quoted if quoted is not None else bare
        if _has_word(text):
            terms.append((text, quoted is not None))
    if not terms:
        return None
    parts = ['"' + text.replace('"', '""') + '"' for text, _ in terms]
    last, last_quoted = terms[-1]
    if not last_quoted and not query[-1:].isspace() and last[-1].isalnum():
        parts[-1] += "*"
    return " ".join(parts)


def parse_marked(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Strip the highlight markers, returning plain text and [start, end) spans."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for ch in text:
        if ch == _OPEN:
            if start is None:
                start = length
        elif ch == _CLOSE:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            plain.append(ch)
            length += 1
    if start is not None and length > start:
        spans.append((start, length))
    return "".join(plain), spans


# Ranking costs ~7 us a matching message (bm25 reads each one's size), so a word found in
# 400,000 messages would take seconds. Past this many matches, show the newest instead.
RANK_AT_MOST = 3000

_MESSAGE_HITS = f"""
    WITH hits AS (
        SELECT rowid, rank,
               snippet(messages_fts, -1, '{_OPEN}', '{_CLOSE}', '{_ELLIPSIS}', {SNIPPET_TOKENS}) AS snip
        FROM messages_fts WHERE messages_fts MATCH ? ORDER BY {{order}} LIMIT ?
    )
    SELECT m.conversation_id, c.title, m.id, m.role, m.bot, hits.snip, hits.rank, m.created_at
    FROM hits
    JOIN messages AS m ON m.seq = hits.rowid
    JOIN conversations AS c ON c.id = m.conversation_id
    ORDER BY hits.{{order}}
"""
_RANKED = _MESSAGE_HITS.format(order="rank")
_NEWEST = _MESSAGE_HITS.format(order="rowid DESC")
# Cheap: walks the newest end of the doclists, never ranks.
_MORE_THAN = "SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?"
_TITLE_HITS = f"""
    WITH hits AS (
        SELECT rowid, rank, highlight(conversations_fts, 0, '{_OPEN}', '{_CLOSE}') AS snip
        FROM conversations_fts WHERE conversations_fts MATCH ? ORDER BY rank LIMIT ?
    )
    SELECT c.id, c.title, NULL, NULL, coalesce(c.bot, c.last_bot), hits.snip, hits.rank, c.updated_at
    FROM hits JOIN conversations AS c ON c.seq = hits.rowid
    ORDER BY hits.rank
"""


def _message_rows(conn, match: str, limit: int) -> list[tuple]:
    many = conn.execute(_MORE_THAN, (match, RANK_AT_MOST)).fetchone() is not None
    return conn.execute(_NEWEST if many else _RANKED, (match, limit)).fetchall()


def search(db: Connection, query: str, limit: int = 50) -> list[SearchHit]:
    """Conversation titles, then messages, matching every word; each group best (lowest bm25)
    first. When more than `RANK_AT_MOST` messages match, messages come newest first instead.

    While the last word may still be being typed it is a prefix, but whole-word matches come
    first and the (costlier, broader) prefix search only fills what is left of the page.
    """
    match = build_match(query)
    if match is None or limit <= 0:
        return []
    with db.snapshot() as conn:
        rows = conn.execute(_TITLE_HITS, (match, limit)).fetchall()
        if len(rows) < limit and match.endswith("*"):
            rows += _message_rows(conn, match[:-1], limit - len(rows))
        if len(rows) < limit:
            seen = {r[2] for r in rows if r[2] is not None}
            more = _message_rows(conn, match, limit - len(rows) + len(seen))
            rows += [r for r in more if r[2] not in seen][: limit - len(rows)]
    hits = []
    for conv_id, title, msg_id, role, bot, snip, rank, created in rows:
        text, spans = parse_marked(snip or "")
        hits.append(SearchHit(conv_id, title, msg_id, role, bot, text, spans, rank, created))
    return hits
