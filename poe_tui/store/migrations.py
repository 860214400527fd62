"""Numbered schema migrations, recorded in `_migrations` and mirrored in `PRAGMA user_version`.

`user_version` is the fast path: an up-to-date file costs one pragma on open. When it lags, the
runner takes the write lock, re-reads `_migrations` (another process may have just migrated) and
applies what is missing, all in one transaction. Never edit a shipped migration: files in the
wild were built by it. Fix things in a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .connection import Connection
from .errors import StoreError

# 1: the first schema. Frozen.
V1_CORE = (
    """
    CREATE TABLE conversations (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT,
        system_prompt TEXT,
        pinned INTEGER NOT NULL DEFAULT 0,
        archived INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        last_bot TEXT,
        message_count INTEGER NOT NULL DEFAULT 0,
        last_message_at REAL
    )
    """,
    "CREATE INDEX conversations_list ON conversations (archived, pinned, updated_at)",
    "CREATE INDEX conversations_all ON conversations (pinned, updated_at)",
    "CREATE INDEX conversations_updated ON conversations (updated_at)",
    """
    CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        parent_id TEXT REFERENCES messages (id),
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content TEXT NOT NULL DEFAULT '',
        reasoning TEXT NOT NULL DEFAULT '',
        bot TEXT,
        status TEXT NOT NULL DEFAULT 'complete',
        error TEXT,
        finish_reason TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        total_tokens INTEGER,
        points INTEGER,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    )
    """,
    "CREATE INDEX messages_conversation ON messages (conversation_id, seq)",
    "CREATE INDEX messages_parent ON messages (parent_id)",
    "CREATE INDEX messages_streaming ON messages (updated_at) WHERE status = 'streaming'",
    # Aggregates on the conversation row, so listing never reads messages.
    """
    CREATE TRIGGER messages_aggregate_insert AFTER INSERT ON messages BEGIN
        UPDATE conversations SET
            message_count = message_count + 1,
            last_message_at = max(coalesce(last_message_at, new.created_at), new.created_at),
            last_bot = coalesce(new.bot, last_bot),
            updated_at = max(updated_at, new.created_at)
        WHERE id = new.conversation_id;
    END
    """,
    """
    CREATE TRIGGER messages_aggregate_delete AFTER DELETE ON messages BEGIN
        UPDATE conversations SET
            message_count = message_count - 1,
            last_message_at = (SELECT max(created_at) FROM messages
                               WHERE conversation_id = old.conversation_id),
            last_bot = (SELECT bot FROM messages
                        WHERE conversation_id = old.conversation_id AND bot IS NOT NULL
                        ORDER BY seq DESC LIMIT 1)
        WHERE id = old.conversation_id;
    END
    """,
)

_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'"

# 2: full-text search over message content + reasoning and conversation titles.
V2_SEARCH = (
    f"""
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content, reasoning, content = 'messages', content_rowid = 'seq', {_TOKENIZE}
    )
    """,
    # Reasoning counts half as much as the answer.
    "INSERT INTO messages_fts (messages_fts, rank) VALUES ('rank', 'bm25(1.0, 0.5)')",
    """
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, content, reasoning)
        VALUES (new.seq, new.content, new.reasoning);
    END
    """,
    """
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content, reasoning)
        VALUES ('delete', old.seq, old.content, old.reasoning);
    END
    """,
    """
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, reasoning ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content, reasoning)
        VALUES ('delete', old.seq, old.content, old.reasoning);
        INSERT INTO messages_fts (rowid, content, reasoning)
        VALUES (new.seq, new.content, new.reasoning);
    END
    """,
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
    f"""
    CREATE VIRTUAL TABLE conversations_fts USING fts5 (
        title, content = 'conversations', content_rowid = 'seq', {_TOKENIZE}
    )
    """,
    """
    CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
        INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
    END
    """,
    """
    CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
        INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.seq, old.title);
    END
    """,
    """
    CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
        INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.seq, old.title);
        INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
    END
    """,
    "INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild')",
)

# 3: attachments, the cached bot list and balance, recent and favourite bots.
V3_ATTACHMENTS_CACHES = (
    """
    CREATE TABLE attachments (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        filename TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        data BLOB,
        path TEXT,
        created_at REAL NOT NULL,
        CHECK (data IS NOT NULL OR path IS NOT NULL)
    )
    """,
    "CREATE INDEX attachments_message ON attachments (message_id)",
    """
    CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        fetched_at REAL NOT NULL
    )
    """,
    """
    CREATE TABLE recent_bots (
        seq INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        used_at REAL NOT NULL
    )
    """,
    """
    CREATE TABLE favourite_bots (
        seq INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        added_at REAL NOT NULL
    )
    """,
)


# 4: which process is writing a streaming reply, so a reply orphaned by a killed process can be
# told from one a live process is still streaming (see messages.recover_orphans).
V4_WRITER = ("ALTER TABLE messages ADD COLUMN writer TEXT",)

# 5: the bot the user chose for a conversation; `last_bot` is whichever answered last, and an
# @Bot message must not make its bot the conversation's.
V5_CHOSEN_BOT = ("ALTER TABLE conversations ADD COLUMN bot TEXT",)

# 6: the points ledger. Poe's points history keeps 30 days; a copy here keeps every charge the
# app has seen, each joined (where it can be) to the reply that spent it, with how sure the
# match is. Conversations carry their replies' points (kept by triggers, like message_count),
# so the history list shows them without reading messages.
V6_LEDGER = (
    """
    CREATE TABLE ledger (
        query_id TEXT PRIMARY KEY,
        bot_name TEXT NOT NULL,
        created_at REAL NOT NULL,
        usage_type TEXT NOT NULL DEFAULT '',
        cost_points INTEGER NOT NULL,
        cost_usd TEXT,
        breakdown TEXT NOT NULL DEFAULT '{}',
        pending INTEGER NOT NULL DEFAULT 0,
        message_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
        match TEXT CHECK (match IN ('exact', 'likely', 'weak')),
        fetched_at REAL NOT NULL
    )
    """,
    "CREATE INDEX ledger_time ON ledger (created_at)",
    "CREATE INDEX ledger_message ON ledger (message_id)",
    "CREATE INDEX messages_reply_time ON messages (created_at) WHERE role = 'assistant'",
    "ALTER TABLE conversations ADD COLUMN points INTEGER NOT NULL DEFAULT 0",
    """
    UPDATE conversations SET points = (
        SELECT coalesce(sum(points), 0) FROM messages WHERE conversation_id = conversations.id)
    """,
    """
    CREATE TRIGGER messages_points_insert AFTER INSERT ON messages WHEN new.points IS NOT NULL BEGIN
        UPDATE conversations SET points = points + new.points WHERE id = new.conversation_id;
    END
    """,
    """
    CREATE TRIGGER messages_points_update AFTER UPDATE OF points ON messages BEGIN
        UPDATE conversations SET points = points - coalesce(old.points, 0) + coalesce(new.points, 0)
        WHERE id = new.conversation_id;
    END
    """,
    """
    CREATE TRIGGER messages_points_delete AFTER DELETE ON messages WHEN old.points IS NOT NULL BEGIN
        UPDATE conversations SET points = points - old.points WHERE id = old.conversation_id;
    END
    """,
)


# 7: the branch the user was looking at (a message with versions shows one of them), so a
# conversation reopens where it was left, and export writes what was on screen.
V7_CHOSEN_BRANCH = ("ALTER TABLE conversations ADD COLUMN leaf_id TEXT",)

# 8: bot parameters. The values a person set for a bot (`scope` '') and for a bot within one
# conversation (`scope` = its id, gone with it), and the values each reply was sent with, so its
# header shows them after a restart.
V8_PARAMS = (
    """
    CREATE TABLE bot_params (
        scope TEXT NOT NULL,
        bot TEXT NOT NULL COLLATE NOCASE,
        params TEXT NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (scope, bot)
    )
    """,
    """
    CREATE TRIGGER conversations_params_delete AFTER DELETE ON conversations BEGIN
        DELETE FROM bot_params WHERE scope = old.id;
    END
    """,
    """
    CREATE TABLE message_params (
        message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
        params TEXT NOT NULL
    )
    """,
)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "conversations and messages", V1_CORE),
    Migration(2, "full-text search", V2_SEARCH),
    Migration(3, "attachments and caches", V3_ATTACHMENTS_CACHES),
    Migration(4, "streaming reply writer", V4_WRITER),
    Migration(5, "the conversation's chosen bot", V5_CHOSEN_BOT),
    Migration(6, "points ledger", V6_LEDGER),
    Migration(7, "the chosen branch", V7_CHOSEN_BRANCH),
    Migration(8, "bot parameters", V8_PARAMS),
)
LATEST = MIGRATIONS[-1].version


def schema_version(db: Connection) -> int:
    with db.read() as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Connection, clock: Callable[[], float], *, target: int = LATEST) -> list[int]:
    """Bring the file up to `target`; returns the versions applied (empty when up to date)."""
    if not 0 <= target <= LATEST:
        raise ValueError(f"no migration {target}")
    current = schema_version(db)
    if current > LATEST:
        raise StoreError(
            f"{db.path} has schema version {current}, newer than this poe-tui understands "
            f"({LATEST}); upgrade poe-tui"
        )
    if current >= target:
        return []
    applied: list[int] = []
    with db.write() as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
        done = conn.execute("SELECT coalesce(max(version), 0) FROM _migrations").fetchone()[0]
        for migration in MIGRATIONS:
            if done < migration.version <= target:
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO _migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, clock()),
                )
                applied.append(migration.version)
        conn.execute(f"PRAGMA user_version = {int(max(done, target))}")
    return applied
