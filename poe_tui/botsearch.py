"""Fuzzy ranking of bots for what the user types in the model picker (no UI here).

A query matches a bot when its characters appear in order in the bot's id or display name,
ignoring case and separators (``-``, ``.``, ``_``, spaces, ``/``): "son46" matches
"Claude-Sonnet-4.6", "gpt 5" matches "GPT-5". Matches fall in tiers, best first:

    exact > prefix > word-boundary (every matched run starts a word) > contiguous > scattered

and within a tier by an alignment score (fzf-style: bonus at word starts and for consecutive
characters, penalty for gaps), favourites and recents as a boost, then the list's own order
(the service lists popular and new bots first). An empty query lists favourites, then recents, then everything else.

`BotIndex` precomputes each bot's compact form, character positions and word starts once per
bot list, and narrows from the previous result when the query grows by typing, so a keystroke
over a few hundred bots costs well under a frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from poe_tui.client.records import Bot

SEPARATORS = frozenset("-._ /:")

TIER_SCATTERED = 1
TIER_CONTIGUOUS = 2
TIER_BOUNDARY = 3
TIER_PREFIX = 4
TIER_EXACT = 5

# Alignment scoring (per query character).
_MATCH = 16.0
_BONUS_START = 10.0  # first character of the name
_BONUS_WORD = 8.0  # after a separator, or a lower->Upper step
_BONUS_DIGIT = 6.0  # a letter<->digit step ("Qwen3", "o3")
_BONUS_CONSECUTIVE = 5.0
_FIRST_CHAR_MULT = 2.0  # the first query character's word bonus counts double
_GAP_START = 3.0
_GAP_EXTEND = 1.0
_LEADING_GAP = 0.25  # per character skipped before the first match (capped)
_LEADING_GAP_MAX = 3.0

_FAVOURITE_BOOST = 12.0
_RECENT_BOOST = 8.0  # the most recent; decays with rank


def compact(text: str) -> str:
    """Lower-case with separators removed: what queries and names are compared as."""
    return "".join(ch for ch in text.lower() if ch not in SEPARATORS)


@dataclass(frozen=True, slots=True)
class _Form:
    """One searchable string (an id or a display name), precomputed."""

    compact: str
    to_original: tuple[int, ...]  # compact index -> index in the original string
    bonus: tuple[float, ...]  # word-start bonus at each compact index
    where: dict[str, tuple[int, ...]]  # character -> its compact indexes, ascending
    chars: frozenset[str]

    @classmethod
    def build(cls, text: str) -> _Form:
        low = text.lower()
        out: list[str] = []
        to_original: list[int] = []
        bonus: list[float] = []
        prev: str | None = None  # previous original character
        for i, ch in enumerate(low):
            orig = text[i]
            if ch in SEPARATORS:
                prev = orig
                continue
            if prev is None:
                b = _BONUS_START
            elif prev in SEPARATORS:
                b = _BONUS_WORD
            elif prev.islower() and orig.isupper():
                b = _BONUS_WORD
            elif prev.isdigit() != orig.isdigit() and (prev.isalnum() and orig.isalnum()):
                b = _BONUS_DIGIT
            else:
                b = 0.0
            out.append(ch)
            to_original.append(i)
            bonus.append(b)
            prev = orig
        where: dict[str, list[int]] = {}
        for j, ch in enumerate(out):
            where.setdefault(ch, []).append(j)
        c = "".join(out)
        return cls(
            compact=c,
            to_original=tuple(to_original),
            bonus=tuple(bonus),
            where={k: tuple(v) for k, v in where.items()},
            chars=frozenset(c),
        )

    def match(self, q: str) -> tuple[int, float, tuple[int, ...]] | None:
        """(tier, score, compact positions) for compact query `q`, or None."""
        if not self.chars.issuperset(q):
            return None
        c = self.compact
        m = len(q)
        if c.startswith(q):
            positions = tuple(range(m))
            tier = TIER_EXACT if len(c) == m else TIER_PREFIX
            return tier, self._score_of(positions), positions
        aligned = self._align(q)
        if aligned is None:
            return None
        score, positions = aligned
        # Runs of consecutive positions: all starting at word starts -> boundary tier.
        bonus = self.bonus
        runs_at_words = True
        runs = 1
        for k in range(m):
            if k and positions[k] != positions[k - 1] + 1:
                runs += 1
                if not bonus[positions[k]]:
                    runs_at_words = False
            elif k == 0 and not bonus[positions[0]]:
                runs_at_words = False
        if runs_at_words:
            tier = TIER_BOUNDARY
        elif runs == 1:
            tier = TIER_CONTIGUOUS
        else:
            # The best-scored alignment may be scattered while the query also occurs whole.
            at = c.find(q)
            if at >= 0:
                positions = tuple(range(at, at + m))
                return TIER_CONTIGUOUS, self._score_of(positions), positions
            tier = TIER_SCATTERED
        return tier, score, positions

    def _score_of(self, positions: Sequence[int]) -> float:
        bonus = self.bonus
        score = 0.0
        for k, p in enumerate(positions):
            if k == 0:
                score += _MATCH + bonus[p] * _FIRST_CHAR_MULT - min(p * _LEADING_GAP, _LEADING_GAP_MAX)
            elif p == positions[k - 1] + 1:
                score += _MATCH + bonus[p] + _BONUS_CONSECUTIVE
            else:
                score += _MATCH + bonus[p] - _GAP_START - _GAP_EXTEND * (p - positions[k - 1] - 2)
        return score

    def _align(self, q: str) -> tuple[float, tuple[int, ...]] | None:
        """Best-scoring subsequence alignment (sparse DP over candidate positions only)."""
        where = self.where
        bonus = self.bonus
        first = where.get(q[0])
        if not first:
            return None
        # Each layer: parallel lists of positions, scores, and back-pointers (index in prev layer).
        prev_pos: Sequence[int] = first
        prev_score = [
            _MATCH + bonus[p] * _FIRST_CHAR_MULT - min(p * _LEADING_GAP, _LEADING_GAP_MAX) for p in first
        ]
        backs: list[list[int]] = []
        layers: list[Sequence[int]] = [first]
        for k in range(1, len(q)):
            cand = where.get(q[k])
            if not cand:
                return None
            cur_pos: list[int] = []
            cur_score: list[float] = []
            cur_back: list[int] = []
            n_prev = len(prev_pos)
            j = 0  # prev entries with position <= p - 2 feed the gap option
            best_gap = -1e18  # max over those of score + GAP_EXTEND * position
            best_gap_at = -1
            # Index of prev entry at exactly p - 1 (consecutive), found by a second pointer.
            i_cons = 0
            for p in cand:
                while j < n_prev and prev_pos[j] <= p - 2:
                    v = prev_score[j] + _GAP_EXTEND * prev_pos[j]
                    if v > best_gap:
                        best_gap = v
                        best_gap_at = j
                    j += 1
                while i_cons < n_prev and prev_pos[i_cons] < p - 1:
                    i_cons += 1
                score = -1e18
                back = -1
                if best_gap_at >= 0:
                    score = best_gap - _GAP_START - _GAP_EXTEND * (p - 2) + _MATCH + bonus[p]
                    back = best_gap_at
                if i_cons < n_prev and prev_pos[i_cons] == p - 1:
                    s = prev_score[i_cons] + _MATCH + bonus[p] + _BONUS_CONSECUTIVE
                    if s >= score:
                        score = s
                        back = i_cons
                if back >= 0:
                    cur_pos.append(p)
                    cur_score.append(score)
                    cur_back.append(back)
            if not cur_pos:
                return None
            layers.append(cur_pos)
            backs.append(cur_back)
            prev_pos, prev_score = cur_pos, cur_score
        best_i = max(range(len(prev_score)), key=prev_score.__getitem__)
        score = prev_score[best_i]
        positions = [0] * len(q)
        i = best_i
        for k in range(len(q) - 1, -1, -1):
            positions[k] = layers[k][i]
            if k:
                i = backs[k - 1][i]
        return score, tuple(positions)


@dataclass(frozen=True, slots=True)
class BotMatch:
    """One ranked bot. `positions` index `bot.display_name` (for highlighting)."""

    bot: Bot
    positions: tuple[int, ...] = ()
    tier: int = 0
    score: float = 0.0
    favourite: bool = False
    recent: bool = False


@dataclass(slots=True)
class _Entry:
    bot: Bot
    order: int
    name: _Form
    id_form: _Form | None  # None when the id compacts to the same string as the name
    keys: frozenset[str]  # lower-case id and display name, for favourites/recents lookup

    @classmethod
    def build(cls, bot: Bot, order: int) -> _Entry:
        name = _Form.build(bot.display_name or bot.id)
        # Usually the id is the name in lower case: index it only when it reads differently.
        id_form = _Form.build(bot.id) if compact(bot.id) != name.compact else None
        keys = frozenset({bot.id.lower(), (bot.display_name or bot.id).lower()})
        return cls(bot, order, name, id_form, keys)


class BotIndex:
    """A bot list prepared for fuzzy search. Build once per list; call `rank` per keystroke."""

    def __init__(self, bots: Iterable[Bot]) -> None:
        self._entries: list[_Entry] = [_Entry.build(bot, order) for order, bot in enumerate(bots)]
        self._base = len(self._entries)
        self._last_query: str | None = None
        self._last_hits: list[int] = []

    def set_extra(self, bots: Iterable[Bot]) -> None:
        """Replace the bots appended after the main list (names the user typed or kept as
        favourites/recents that the service does not list), without re-indexing the list."""
        del self._entries[self._base :]
        self._entries.extend(_Entry.build(bot, self._base + i) for i, bot in enumerate(bots))
        self._last_query, self._last_hits = None, []

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bots(self) -> list[Bot]:
        return [e.bot for e in self._entries]

    def find(self, name: str) -> Bot | None:
        """The bot whose id or display name is `name` (case-insensitive), if any."""
        key = name.strip().lower()
        for e in self._entries:
            if key in e.keys:
                return e.bot
        return None

    def rank(
        self,
        query: str,
        favourites: Sequence[str] = (),
        recents: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[BotMatch]:
        """Bots matching `query`, best first. `recents` is most recent first."""
        fav_rank = {n.lower(): i for i, n in enumerate(favourites)}
        rec_rank: dict[str, int] = {}
        for i, n in enumerate(recents):
            rec_rank.setdefault(n.lower(), i)
        q = compact(query)
        if not q:
            self._last_query, self._last_hits = None, []
            return self._unfiltered(fav_rank, rec_rank, limit)

        # Typing extends the previous query: only its hits can still match.
        if self._last_query is not None and q.startswith(self._last_query):
            pool = self._last_hits
        else:
            pool = range(len(self._entries))
        entries = self._entries
        scored: list[tuple[tuple[float, float, int], BotMatch]] = []
        hits: list[int] = []
        for idx in pool:
            e = entries[idx]
            r = e.name.match(q)
            if e.id_form is not None:
                r_id = e.id_form.match(q)
                if r_id is not None and (r is None or (r_id[0], r_id[1]) > (r[0], r[1])):
                    # Ranked by the id; highlight the name only if it matched too.
                    r = (r_id[0], r_id[1], r[2] if r is not None else None)
            if r is None:
                continue
            hits.append(idx)
            tier, score, cpos = r
            fav = _lookup(e.keys, fav_rank)
            rec = _lookup(e.keys, rec_rank)
            boost = 0.0
            if fav is not None:
                boost += _FAVOURITE_BOOST
            if rec is not None:
                boost += _RECENT_BOOST / (1 + rec)
            positions = tuple(e.name.to_original[p] for p in cpos) if cpos else ()
            match = BotMatch(e.bot, positions, tier, score + boost, fav is not None, rec is not None)
            scored.append(((-tier, -(score + boost), e.order), match))
        self._last_query, self._last_hits = q, hits
        scored.sort(key=lambda t: t[0])
        out = [m for _, m in scored]
        return out if limit is None else out[:limit]

    def _unfiltered(self, fav_rank: dict[str, int], rec_rank: dict[str, int], limit: int | None) -> list[BotMatch]:
        favs: list[tuple[int, BotMatch]] = []
        recs: list[tuple[int, BotMatch]] = []
        rest: list[BotMatch] = []
        for e in self._entries:
            fav = _lookup(e.keys, fav_rank)
            rec = _lookup(e.keys, rec_rank)
            m = BotMatch(e.bot, favourite=fav is not None, recent=rec is not None)
            if fav is not None:
                favs.append((fav, m))
            elif rec is not None:
                recs.append((rec, m))
            else:
                rest.append(m)
        favs.sort(key=lambda t: t[0])
        recs.sort(key=lambda t: t[0])
        out = [m for _, m in favs] + [m for _, m in recs] + rest
        return out if limit is None else out[:limit]


def _lookup(keys: frozenset[str], ranks: dict[str, int]) -> int | None:
    best: int | None = None
    for k in keys:
        r = ranks.get(k)
        if r is not None and (best is None or r < best):
            best = r
    return best


def rank_bots(
    bots: Iterable[Bot],
    query: str,
    favourites: Sequence[str] = (),
    recents: Sequence[str] = (),
    limit: int | None = None,
) -> list[BotMatch]:
    """One-shot ranking (builds an index each call; keep a `BotIndex` when typing)."""
    return BotIndex(bots).rank(query, favourites, recents, limit)
