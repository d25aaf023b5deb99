"""An incremental BM25 index whose scores equal rank_bm25.BM25Okapi's exactly.

Layout
------
Every document gets a *slot* (its position in insertion order); slots only grow, removed
documents are tombstoned and squeezed out by a lazy compaction that keeps the order.

* Forward index (append-only, amortised growth): per slot its distinct term ids (int32) in
  order of first occurrence, with their frequencies (uint16, widened to uint32 only if a tf
  ever needs it).  It feeds segment builds, df updates on removal, and save().
* Postings: a few immutable *segments*, each covering a contiguous slot range, built from the
  forward index with scipy's CSR -> CSC conversion (a counting sort in C).  A segment keeps
  only the terms it contains (sorted ids + indptr), their slots (int32, ascending) and tfs.
  Segments merge like a binary counter, so each posting is rewritten O(log n) times.
* The newest documents (at most ``_delta_max`` postings) are not in a segment yet; queries
  scan that short tail of the forward index with one vectorised comparison per term.

Exactness (bit-identical to rank_bm25, not merely close)
--------------------------------------------------------
* A document's score is accumulated term by term in query order with the float64 expression
  rank_bm25 evaluates; a document without the term would only add +0.0 there, so scoring only
  posting-list members gives the same sums.  avgdl is ``int / int`` as in rank_bm25.
* idf uses a table ``L[m] = math.log(m + 0.5)`` (grown as N grows), so
  ``L[N - n] - L[n]`` is exactly rank_bm25's ``math.log(N - n + 0.5) - math.log(n + 0.5)``.
* The epsilon floor is ``epsilon * (sum of raw idf over live terms) / (number of live terms)``;
  rank_bm25 sums in its vocabulary order (first occurrence in the corpus), and float addition
  is not associative, so we keep the live terms in that order (new terms are appended; a removal
  only re-places the terms whose first occurrence it deleted) and sum with ``np.cumsum``, which
  adds left to right like rank_bm25's loop.  That is an O(vocabulary) numpy pass, done lazily
  once per published state and only when a query meets a floored term.  (A histogram of df
  values would make it O(distinct df), but sums in a different order, and at mean idf ~ 0 that
  flips the sign of scores and so changes which documents have score > 0.)

Ties
----
``get_top_n`` uses ``np.argsort(scores)[::-1]``, whose default sort is not stable (numpy's SIMD
sort), so its order among equal scores depends on the data, not on position.  We define it as
``np.argsort(scores, kind="stable")[::-1]``: among equal scores, later-inserted document first.

Thread-safety
-------------
Mutations are serialised by a lock and publish a new immutable ``_State`` with one attribute
assignment; queries read ``self._state`` once and never lock, so they see either the old or the
new state and are never blocked by a long bulk add or merge.  Appends write past the end of the
arrays an older state can see, and arrays that change in place (alive flags, df, term order)
are copied on write.  Each query thread keeps its own scratch score buffer.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, count, islice
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

FORMAT_VERSION = 1
_MAGIC = "newsbot-bm25-index"
_NO_KEY = np.iinfo(np.int64).max


class IndexFileError(Exception):
    """The index file is missing, unreadable, corrupt or of another format version; rebuild it."""


class _Buffer:
    """A numpy array with amortised (geometric) growth for appends."""

    __slots__ = ("data", "size")

    def __init__(self, dtype: Any, capacity: int = 16) -> None:
        self.data = np.zeros(max(capacity, 1), dtype=dtype)
        self.size = 0

    @classmethod
    def wrap(cls, arr: np.ndarray) -> _Buffer:
        buf = cls(arr.dtype, 1)
        buf.data = np.ascontiguousarray(arr)
        buf.size = len(arr)
        return buf

    def extend(self, values: np.ndarray | Sequence[Any]) -> None:
        values = np.asarray(values)
        end = self.size + len(values)
        if end > len(self.data):
            # Readers may still hold views of the old array, so grow into a fresh one.
            new = np.zeros(max(end, len(self.data) + len(self.data) // 2 + 16), dtype=self.data.dtype)
            new[: self.size] = self.data[: self.size]
            self.data = new
        self.data[self.size : end] = values
        self.size = end

    def view(self) -> np.ndarray:
        return self.data[: self.size]


@dataclass(frozen=True, slots=True)
class _Segment:
    """Immutable postings of the documents in slots [lo, hi)."""

    lo: int
    hi: int
    terms: np.ndarray  # sorted distinct term ids present in the segment
    indptr: np.ndarray  # postings of terms[i] are [indptr[i], indptr[i+1])
    slots: np.ndarray  # int32 slot numbers, ascending within a term
    tfs: np.ndarray

    @property
    def nnz(self) -> int:
        return len(self.slots)

    def postings(self, tid: int) -> tuple[np.ndarray, np.ndarray] | None:
        i = int(np.searchsorted(self.terms, tid))
        if i == len(self.terms) or self.terms[i] != tid:
            return None
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        return self.slots[a:b], self.tfs[a:b]


@dataclass(frozen=True, slots=True)
class _State:
    """One published, read-only version of the index."""

    epsilon: float
    n_slots: int
    n_live: int
    total_len: int
    slot_ids: np.ndarray
    slot_len: np.ndarray
    slot_group: np.ndarray
    alive: np.ndarray
    fwd_indptr: np.ndarray  # n_slots + 1 entries
    fwd_terms: np.ndarray
    fwd_tfs: np.ndarray
    segments: tuple[_Segment, ...]
    delta_lo: int  # first slot not covered by a segment
    df: np.ndarray
    term_order: np.ndarray  # live term ids in rank_bm25's vocabulary order
    log_table: np.ndarray  # log_table[m] == math.log(m + 0.5)
    vocab: dict[str, int]  # shared and append-only; ids >= len(df) are unknown to this state
    _cache: dict[str, Any] = field(default_factory=dict)

    def live_slots(self) -> np.ndarray:
        # Computing it twice in a race is harmless, so no lock.
        cached = self._cache.get("live")
        if cached is None:
            cached = np.flatnonzero(self.alive)
            self._cache["live"] = cached
        return cached

    def eps(self) -> float:
        """epsilon * average raw idf, summed in rank_bm25's order so it is bit-identical."""
        cached = self._cache.get("eps")
        if cached is None:
            order = self.term_order
            if len(order) == 0:
                cached = 0.0
            else:
                n = self.df[order]
                raw = self.log_table[self.n_live - n] - self.log_table[n]
                # cumsum adds strictly left to right, like rank_bm25's `idf_sum += idf` loop.
                idf_sum = float(np.cumsum(raw)[-1])
                cached = self.epsilon * (idf_sum / len(order))
            self._cache["eps"] = cached
        return cached

    def idf(self, tid: int) -> float:
        n = int(self.df[tid])
        if n == 0:
            return 0.0
        value = float(self.log_table[self.n_live - n] - self.log_table[n])
        return self.eps() if value < 0 else value


_EMPTY_I32 = np.zeros(0, dtype=np.int32)


class BM25Index:
    """Postings per term; add/remove documents in place; scores only documents that hold a query term."""

    # Tunables (instance attributes so tests can shrink them to exercise merges/compaction).
    _delta_max_default = 1 << 15  # postings left unindexed in the scanned tail
    _compact_min_default = 1024  # dead slots before compaction is considered
    _compact_frac_default = 0.25  # ... and at least this fraction of all slots

    def __init__(self, k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25) -> None:
        self.k1 = k1
        self.b = b
        self.epsilon = epsilon
        self._delta_max = self._delta_max_default
        self._compact_min = self._compact_min_default
        self._compact_frac = self._compact_frac_default
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._log_table = _Buffer(np.float64)
        self._reset_storage([])
        self._state = self._snapshot()

    # ------------------------------------------------------------------ storage (writer side)

    def _reset_storage(self, terms: list[str]) -> None:
        self._terms = terms  # term id -> token
        # A missing token gets the next id inside the C lookup loop, so mapping tokens is one pass.
        self._vocab: defaultdict[str, int] = defaultdict(count(len(terms)).__next__)
        self._vocab.update(zip(terms, range(len(terms))))
        self._ids = _Buffer(np.int64)
        self._len = _Buffer(np.int32)
        self._group = _Buffer(np.int64)
        self._alive = _Buffer(np.bool_)
        self._fwd_indptr = _Buffer(np.int64)
        self._fwd_indptr.extend([0])
        self._fwd_terms = _Buffer(np.int32)
        self._fwd_tfs = _Buffer(np.uint16)
        self._segments: list[_Segment] = []
        self._delta_lo = 0
        self._df = np.zeros(len(terms), dtype=np.int64)
        # Forward-index position of each live term's first live occurrence (writer-only).
        self._first_key = np.full(len(terms), _NO_KEY, dtype=np.int64)
        self._term_order = _Buffer(np.int32)
        self._slot_of: dict[int, int] = {}
        self._n_live = 0
        self._total_len = 0

    def _snapshot(self) -> _State:
        return _State(
            epsilon=self.epsilon,
            n_slots=self._ids.size,
            n_live=self._n_live,
            total_len=self._total_len,
            slot_ids=self._ids.view(),
            slot_len=self._len.view(),
            slot_group=self._group.view(),
            alive=self._alive.view(),
            fwd_indptr=self._fwd_indptr.view(),
            fwd_terms=self._fwd_terms.view(),
            fwd_tfs=self._fwd_tfs.view(),
            segments=tuple(self._segments),
            delta_lo=self._delta_lo,
            df=self._df,
            term_order=self._term_order.view(),
            log_table=self._log_table.view(),
            vocab=self._vocab,
        )

    def _sync_terms(self, tokens: list[str] | None = None, tids: np.ndarray | None = None) -> None:
        """Bring the term list and per-term arrays up to the ids the vocabulary has handed out."""
        vocab, terms = self._vocab, self._terms
        if len(vocab) > len(terms):
            if tids is not None and tokens is not None:
                # New ids are the ones >= len(terms); take each one's token from its first use,
                # which costs O(new tokens) instead of walking the whole vocabulary.
                at = np.flatnonzero(tids >= len(terms))
                _, first = np.unique(tids[at], return_index=True)
                terms.extend(tokens[i] for i in at[first].tolist())
            else:
                terms.extend(islice(vocab, len(terms), None))
        if len(self._df) < len(terms):
            grow = len(terms) - len(self._df)
            self._df = np.concatenate([self._df, np.zeros(grow, dtype=np.int64)])
            self._first_key = np.concatenate([self._first_key, np.full(grow, _NO_KEY, dtype=np.int64)])

    def _grow_log_table(self, n: int) -> None:
        have = self._log_table.size
        if have <= n:
            # math.log, not np.log: numpy's may differ in the last bit.  Fixed-size headroom
            # keeps the cost per add bounded (a doubling would stall one add at 1M passages).
            self._log_table.extend([math.log(m + 0.5) for m in range(have, n + 1 + 8192)])

    def _distinct(self, tids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distinct term ids with their counts and first index in tids."""
        if len(tids) > len(self._terms) // 8:
            counts = np.bincount(tids, minlength=len(self._terms))
            uniq = np.flatnonzero(counts)
            first = np.full(len(self._terms), _NO_KEY, dtype=np.int64)
            np.minimum.at(first, tids, np.arange(len(tids), dtype=np.int64))
            return uniq, counts[uniq], first[uniq]
        uniq, first, counts = np.unique(tids, return_index=True, return_counts=True)
        return uniq, counts, first

    def _set_df(self, tids: np.ndarray, new: np.ndarray) -> None:
        df = self._df.copy()  # copy-on-write: published states hold the old array
        df[tids] = new
        self._df = df

    def _build_segment(self, lo: int, hi: int) -> _Segment | None:
        """Postings for live documents in slots [lo, hi) via scipy's CSR -> CSC counting sort."""
        indptr = self._fwd_indptr.data
        p0, p1 = int(indptr[lo]), int(indptr[hi])
        alive = self._alive.data[lo:hi]
        if p1 == p0 or not alive.any():
            return None
        csr = sp.csr_matrix(
            (self._fwd_tfs.data[p0:p1], self._fwd_terms.data[p0:p1], indptr[lo : hi + 1] - p0),
            shape=(hi - lo, len(self._terms)),
        )
        rows = np.arange(lo, hi, dtype=np.int32)
        if not alive.all():
            # Drop tombstoned documents' postings while we are rewriting anyway.
            keep = np.flatnonzero(alive)
            csr = csr[keep]
            rows = rows[keep]
        csc = csr.tocsc()  # iterates rows in order, so slots come out ascending per term
        terms = np.flatnonzero(np.diff(csc.indptr)).astype(np.int32)
        seg_indptr = np.append(csc.indptr[terms], csc.indptr[-1]).astype(np.int64)
        slots = rows[csc.indices]
        return _Segment(lo, hi, terms, seg_indptr, slots, np.asarray(csc.data, dtype=self._fwd_tfs.data.dtype))

    def _flush_delta(self, force: bool = False) -> None:
        """Turn the scanned tail into a segment once it is big enough; merge like a binary counter."""
        n = self._ids.size
        tail = int(self._fwd_indptr.data[n] - self._fwd_indptr.data[self._delta_lo])
        if self._delta_lo == n or (tail < self._delta_max and not force):
            return
        lo = self._delta_lo
        self._delta_lo = n
        # Absorb newest segments that are no bigger than what is being merged, so every posting
        # is rewritten O(log n) times.
        while self._segments and self._segments[-1].nnz <= max(tail, 1):
            last = self._segments.pop()
            tail += last.nnz
            lo = last.lo
        seg = self._build_segment(lo, n)
        if seg is not None:
            self._segments.append(seg)

    def _install_live_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        """Fill freshly reset storage from a compacted forward index; derive df, order, segments."""
        n = len(arrays["ids"])
        self._ids = _Buffer.wrap(arrays["ids"].astype(np.int64, copy=True))
        self._len = _Buffer.wrap(arrays["lens"].astype(np.int32, copy=True))
        self._group = _Buffer.wrap(arrays["groups"].astype(np.int64, copy=True))
        self._alive = _Buffer.wrap(np.ones(n, dtype=np.bool_))
        self._fwd_indptr = _Buffer.wrap(arrays["fwd_indptr"].astype(np.int64, copy=True))
        self._fwd_terms = _Buffer.wrap(arrays["fwd_terms"].astype(np.int32, copy=True))
        self._fwd_tfs = _Buffer.wrap(arrays["fwd_tfs"].copy())
        self._slot_of = dict(zip(self._ids.view().tolist(), range(n)))
        self._n_live = n
        self._total_len = int(self._len.view().astype(np.int64).sum())
        self._grow_log_table(n)
        self._sync_terms()
        uniq, counts, first = self._distinct(self._fwd_terms.view())
        self._set_df(uniq, counts)
        self._first_key[uniq] = first
        order = uniq[np.argsort(first, kind="stable")]
        self._term_order = _Buffer.wrap(order.astype(np.int32))
        self._delta_lo = 0
        self._segments = []
        self._flush_delta(force=True)

    @staticmethod
    def _live_arrays(st: _State) -> dict[str, np.ndarray]:
        """Forward index of the live documents only, in insertion order."""
        live = st.live_slots()
        row_nnz = np.diff(st.fwd_indptr)
        indptr = np.zeros(len(live) + 1, dtype=np.int64)
        np.cumsum(row_nnz[live], out=indptr[1:])
        if len(live) == st.n_slots:
            terms, tfs = st.fwd_terms, st.fwd_tfs
        else:
            keep = np.repeat(st.alive, row_nnz)
            terms, tfs = st.fwd_terms[keep], st.fwd_tfs[keep]
        return {
            "ids": st.slot_ids[live],
            "lens": st.slot_len[live],
            "groups": st.slot_group[live],
            "fwd_indptr": indptr,
            "fwd_terms": terms,
            "fwd_tfs": tfs,
        }

    def _maybe_compact(self) -> None:
        dead = self._ids.size - self._n_live
        if dead >= max(self._compact_min, self._compact_frac * self._ids.size):
            arrays = self._live_arrays(self._snapshot())
            terms = self._terms
            self._reset_storage(terms)
            self._install_live_arrays(arrays)

    @staticmethod
    def _doc_terms(tids: np.ndarray, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per document: distinct term ids in order of first occurrence, their tfs, and row sizes."""
        n_docs, n_tok = len(lens), len(tids)
        row = np.repeat(np.arange(n_docs, dtype=np.int64), lens)
        key = row * (int(tids.max(initial=0)) + 1) + tids
        # Stable sort: in each (doc, term) run the first entry is the first occurrence.
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]]) if n_tok else _EMPTY_I32
        counts = np.diff(np.r_[starts, n_tok])
        first_pos = order[starts]
        # Scatter back to token positions to keep each document's first-occurrence order.
        is_first = np.zeros(n_tok, dtype=np.bool_)
        is_first[first_pos] = True
        tf_at = np.zeros(n_tok, dtype=np.int64)
        tf_at[first_pos] = counts
        row_nnz = np.bincount(row[is_first], minlength=n_docs)
        return tids[is_first], tf_at[is_first], row_nnz

    # ------------------------------------------------------------------ mutation

    def add(self, doc_ids: Sequence[int], docs: Sequence[Sequence[str]], groups: Sequence[int] | None = None) -> None:
        """Add documents (token lists) under caller-chosen unique int ids, each in a group (default 0)."""
        ids = [int(i) for i in doc_ids]
        if len(ids) != len(docs):
            raise ValueError("doc_ids and docs differ in length")
        grp = [0] * len(ids) if groups is None else [int(g) for g in groups]
        if len(grp) != len(ids):
            raise ValueError("groups and docs differ in length")
        if not ids:
            return
        with self._write_lock:
            if len(set(ids)) != len(ids) or any(i in self._slot_of for i in ids):
                raise ValueError("doc ids must be unique and not already in the index")
            lens = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
            tokens = list(chain.from_iterable(docs))
            try:
                tids = np.fromiter(map(self._vocab.__getitem__, tokens), dtype=np.int32, count=len(tokens))
            except BaseException:
                self._sync_terms()  # ids handed out before the failure stay valid (df 0)
                raise
            self._sync_terms(tokens, tids)
            new_terms, new_tfs, row_nnz = self._doc_terms(tids, lens)
            if len(new_tfs) and int(new_tfs.max()) > np.iinfo(self._fwd_tfs.data.dtype).max:
                self._fwd_tfs = _Buffer.wrap(self._fwd_tfs.view().astype(np.uint32))

            n_new = len(ids)
            base_slot, base_pos = self._ids.size, self._fwd_terms.size
            self._ids.extend(np.asarray(ids, dtype=np.int64))
            self._len.extend(lens.astype(np.int32))
            self._group.extend(np.asarray(grp, dtype=np.int64))
            self._alive.extend(np.ones(n_new, dtype=np.bool_))
            self._fwd_terms.extend(new_terms)
            self._fwd_tfs.extend(new_tfs.astype(self._fwd_tfs.data.dtype))
            self._fwd_indptr.extend(base_pos + np.cumsum(row_nnz))
            self._slot_of.update(zip(ids, range(base_slot, base_slot + n_new)))

            uniq, counts, first = self._distinct(new_terms)
            old = self._df[uniq]
            self._set_df(uniq, old + counts)
            # Terms that were not live get their first occurrence here, after every live term's.
            born = old == 0
            born_tids, born_keys = uniq[born], first[born] + base_pos
            self._first_key[born_tids] = born_keys
            self._term_order.extend(born_tids[np.argsort(born_keys, kind="stable")])
            self._n_live += n_new
            self._total_len += int(lens.sum())
            self._grow_log_table(self._n_live)
            self._flush_delta()
            self._state = self._snapshot()

    def remove(self, doc_ids: Iterable[int]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        with self._write_lock:
            slots = sorted({s for s in (self._slot_of.get(int(i)) for i in doc_ids) if s is not None})
            if not slots:
                return
            for s in slots:
                del self._slot_of[int(self._ids.data[s])]
            slot_arr = np.asarray(slots, dtype=np.int64)
            alive = self._alive.data.copy()  # copy-on-write for readers of the current state
            alive[slot_arr] = False
            self._alive.data = alive
            indptr = self._fwd_indptr.data
            removed_terms = np.concatenate([self._fwd_terms.data[indptr[s] : indptr[s + 1]] for s in slots])
            uniq, counts, _ = self._distinct(removed_terms)
            new_df = self._df[uniq] - counts
            self._set_df(uniq, new_df)
            self._n_live -= len(slots)
            self._total_len -= int(self._len.data[slot_arr].astype(np.int64).sum())

            # Terms whose first live occurrence was removed move later in rank_bm25's vocabulary
            # order (or leave it when no live document holds them any more).
            key_slot = np.searchsorted(indptr[: self._ids.size + 1], self._first_key[uniq], side="right") - 1
            moved = uniq[~alive[key_slot]]
            if len(moved):
                gone = self._df[moved] == 0
                self._first_key[moved[gone]] = _NO_KEY
                still = moved[~gone]
                for tid in still.tolist():
                    self._first_key[tid] = self._next_first_key(tid, int(self._first_key[tid]))
                order = self._term_order.view()
                order = order[~np.isin(order, moved)]
                still = still[np.argsort(self._first_key[still], kind="stable")]
                at = np.searchsorted(self._first_key[order], self._first_key[still])
                self._term_order = _Buffer.wrap(np.insert(order, at, still).astype(np.int32))
            self._maybe_compact()
            self._state = self._snapshot()

    def _next_first_key(self, tid: int, old_key: int) -> int:
        """Forward position of tid's first occurrence in a live document after position old_key."""
        indptr, alive = self._fwd_indptr.data, self._alive.data
        after = int(np.searchsorted(indptr[: self._ids.size + 1], old_key, side="right")) - 1
        slot = -1
        for seg in self._segments:
            if seg.hi <= after:
                continue
            post = seg.postings(tid)
            if post is None:
                continue
            cand = post[0][np.searchsorted(post[0], after, side="right") :]
            hit = np.flatnonzero(alive[cand])
            if len(hit):
                slot = int(cand[hit[0]])
                break
        if slot < 0:
            lo = max(self._delta_lo, after + 1)
            p0 = int(indptr[lo])
            pos = np.flatnonzero(self._fwd_terms.data[p0 : self._fwd_terms.size] == tid) + p0
            slots = np.searchsorted(indptr[: self._ids.size + 1], pos, side="right") - 1
            hit = np.flatnonzero(alive[slots])
            return int(pos[hit[0]])  # df > 0 guarantees a live occurrence
        row = self._fwd_terms.data[indptr[slot] : indptr[slot + 1]]
        return int(indptr[slot]) + int(np.flatnonzero(row == tid)[0])

    # ------------------------------------------------------------------ queries

    def __len__(self) -> int:
        return self._state.n_live

    def doc_ids(self) -> list[int]:
        """Live document ids in the order BM25Okapi would see them (insertion order)."""
        st = self._state
        return st.slot_ids[st.live_slots()].tolist()

    def idf(self, term: str) -> float:
        """The term's idf as BM25Okapi computes it (0.0 for unknown terms)."""
        st = self._state
        tid = st.vocab.get(term)
        if tid is None or tid >= len(st.df):
            return 0.0
        return st.idf(tid)

    def _scratch(self, n: int) -> np.ndarray:
        buf = getattr(self._local, "scores", None)
        if buf is None or len(buf) < n:
            buf = np.zeros(max(n, 1024), dtype=np.float64)
            self._local.scores = buf
        return buf

    @staticmethod
    def _postings(st: _State, tid: int) -> tuple[np.ndarray, np.ndarray]:
        parts = [p for p in (seg.postings(tid) for seg in st.segments) if p is not None]
        lo = st.delta_lo
        if lo < st.n_slots:
            p0 = int(st.fwd_indptr[lo])
            pos = np.flatnonzero(st.fwd_terms[p0:] == tid)
            if len(pos):
                slots = np.searchsorted(st.fwd_indptr[lo:], pos + p0, side="right") - 1 + lo
                parts.append((slots.astype(np.int32), st.fwd_tfs[pos + p0]))
        if not parts:
            return _EMPTY_I32, _EMPTY_I32
        if len(parts) == 1:
            return parts[0]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _accumulate(self, st: _State, query: Sequence[str], scores: np.ndarray) -> list[np.ndarray]:
        """Add each query term's BM25 contribution into scores; returns the touched slot arrays."""
        k1, b = self.k1, self.b
        avgdl = st.total_len / st.n_live
        touched = []
        for q in query:
            tid = st.vocab.get(q)
            if tid is None or tid >= len(st.df) or st.df[tid] == 0:
                continue
            slots, tfs = self._postings(st, tid)
            idf = st.idf(tid)
            tf = tfs.astype(np.float64)
            doc_len = st.slot_len[slots]
            # rank_bm25's exact expression and operation order, so every rounding step matches.
            scores[slots] += idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avgdl)))
            touched.append(slots)
        return touched

    @staticmethod
    def _clear(scores: np.ndarray, touched: list[np.ndarray], n: int) -> None:
        if sum(len(t) for t in touched) > n // 4:
            scores[:n] = 0.0
        else:
            for t in touched:
                scores[t] = 0.0

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25Okapi.get_scores over the live documents, in doc_ids() order."""
        st = self._state
        if st.n_live == 0:
            return np.zeros(0, dtype=np.float64)
        scores = self._scratch(st.n_slots)
        touched: list[np.ndarray] = []
        try:
            touched = self._accumulate(st, query, scores)
            return scores[st.live_slots()]
        finally:
            self._clear(scores, touched, st.n_slots)

    def top_k(self, query: Sequence[str], k: int, groups: Iterable[int] | None = None) -> list[tuple[int, float]]:
        """Best k (doc_id, score) with score > 0, optionally only in the given groups; ties as BM25Okapi.get_top_n."""
        st = self._state
        if k <= 0 or st.n_live == 0:
            return []
        scores = self._scratch(st.n_slots)
        touched: list[np.ndarray] = []
        try:
            touched = self._accumulate(st, query, scores)
            if not touched:
                return []
            if sum(len(t) for t in touched) > st.n_slots // 16:
                cand = np.flatnonzero(scores[: st.n_slots] > 0)
            else:
                cand = np.unique(np.concatenate(touched)) if len(touched) > 1 else touched[0]
            vals = scores[cand]
            keep = (vals > 0) & st.alive[cand]
            if groups is not None:
                group_arr = np.fromiter((int(g) for g in groups), dtype=np.int64)
                keep &= np.isin(st.slot_group[cand], group_arr)
            cand, vals = cand[keep], vals[keep]
        finally:
            self._clear(scores, touched, st.n_slots)
        if len(cand) > k:
            # Everything above the k-th best score, plus the latest-inserted among those equal to it.
            thr = -np.partition(-vals, k - 1)[k - 1]
            above = vals > thr
            eq = cand[vals == thr]
            need = k - int(np.count_nonzero(above))
            if len(eq) > need:
                eq = np.partition(eq, len(eq) - need)[len(eq) - need :]
            cand = np.concatenate([cand[above], eq])
            vals = np.concatenate([vals[above], np.full(len(eq), thr)])
        order = np.lexsort((-cand.astype(np.int64), -vals))[:k]
        return list(zip(st.slot_ids[cand[order]].tolist(), vals[order].tolist()))

    # ------------------------------------------------------------------ introspection

    def stats(self) -> dict[str, Any]:
        """Counts and sizes useful for logs and benchmarks."""
        st = self._state
        return {
            "docs": st.n_live,
            "slots": st.n_slots,
            "terms": len(st.term_order),
            "postings": len(st.fwd_terms),
            "segments": len(st.segments),
            "unindexed_tail_docs": st.n_slots - st.delta_lo,
            "avgdl": st.total_len / st.n_live if st.n_live else 0.0,
            "memory_bytes": self.memory_bytes(),
        }

    def memory_bytes(self) -> int:
        """Approximate bytes held by the index (arrays at capacity, vocabulary dict and strings)."""
        buffers = (self._ids, self._len, self._group, self._alive, self._fwd_indptr, self._fwd_terms,
                   self._fwd_tfs, self._term_order, self._log_table)
        total = sum(buf.data.nbytes for buf in buffers) + self._df.nbytes + self._first_key.nbytes
        total += sum(s.terms.nbytes + s.indptr.nbytes + s.slots.nbytes + s.tfs.nbytes for s in self._segments)
        total += sys.getsizeof(self._vocab) + sys.getsizeof(self._terms) + sys.getsizeof(self._slot_of)
        total += sum(sys.getsizeof(t) for t in self._terms)
        total += 32 * len(self._slot_of) + 32 * len(self._terms)  # int objects behind the dicts
        return total

    # ------------------------------------------------------------------ persistence

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the live documents to one .npz file (atomically replaced); load() rebuilds postings."""
        st = self._state
        arrays = self._live_arrays(st)
        # Renumber terms densely so terms whose documents were all removed are not persisted.
        used = np.flatnonzero(st.df > 0)
        remap = np.full(len(st.df), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        arrays["fwd_terms"] = remap[arrays["fwd_terms"]].astype(np.int32)
        terms = self._terms
        encoded = [terms[i].encode("utf-8", "surrogatepass") for i in used.tolist()]
        term_offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=term_offsets[1:])
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(
                fh,
                magic=np.array(_MAGIC),
                format_version=np.array(FORMAT_VERSION, dtype=np.int64),
                params=np.array([self.k1, self.b, self.epsilon], dtype=np.float64),
                term_bytes=np.frombuffer(b"".join(encoded), dtype=np.uint8),
                term_offsets=term_offsets,
                **arrays,
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> BM25Index:
        """Read a file written by save(); raises IndexFileError if missing, corrupt or another version."""
        try:
            with np.load(path, allow_pickle=False) as npz:
                data = {name: npz[name] for name in npz.files}
        except FileNotFoundError as exc:
            raise IndexFileError(f"index file not found: {path}") from exc
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, RuntimeError) as exc:
            raise IndexFileError(f"unreadable index file {path}: {exc}") from exc
        try:
            if str(data["magic"]) != _MAGIC:
                raise IndexFileError(f"{path} is not a BM25 index file")
            version = int(data["format_version"])
            if version != FORMAT_VERSION:
                raise IndexFileError(f"{path} has format version {version}, expected {FORMAT_VERSION}")
            return cls._from_arrays(data)
        except IndexFileError:
            raise
        except (KeyError, ValueError, TypeError, IndexError, UnicodeDecodeError) as exc:
            raise IndexFileError(f"corrupt index file {path}: {exc}") from exc

    @classmethod
    def _from_arrays(cls, data: dict[str, np.ndarray]) -> BM25Index:
        k1, b, epsilon = (float(x) for x in data["params"])
        blob = data["term_bytes"].tobytes()
        offsets = data["term_offsets"].astype(np.int64)
        ids, lens, groups = data["ids"], data["lens"], data["groups"]
        indptr, fwd_terms, fwd_tfs = data["fwd_indptr"], data["fwd_terms"], data["fwd_tfs"]
        n, n_terms = len(ids), len(offsets) - 1
        # Validate enough that a damaged file fails here rather than giving wrong answers later.
        ok = (
            n_terms >= 0
            and offsets[0] == 0
            and offsets[-1] == len(blob)
            and bool(np.all(np.diff(offsets) >= 0))
            and len(lens) == n
            and len(groups) == n
            and len(indptr) == n + 1
            and indptr[0] == 0
            and indptr[-1] == len(fwd_terms) == len(fwd_tfs)
            and bool(np.all(np.diff(indptr) >= 0))
            and bool(np.all(lens >= 0))
            and len(np.unique(ids)) == n
            and fwd_tfs.dtype in (np.uint16, np.uint32)
            and (len(fwd_terms) == 0 or (int(fwd_terms.min()) >= 0 and int(fwd_terms.max()) < n_terms))
            and (len(fwd_tfs) == 0 or int(fwd_tfs.min()) >= 1)
        )
        if not ok:
            raise IndexFileError("corrupt index file: inconsistent arrays")
        cum = np.concatenate([[0], np.cumsum(fwd_tfs, dtype=np.int64)])
        if not np.array_equal(cum[indptr[1:]] - cum[indptr[:-1]], lens.astype(np.int64)):
            raise IndexFileError("corrupt index file: term frequencies do not match lengths")
        terms = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogatepass") for i in range(n_terms)]
        if len(set(terms)) != n_terms:
            raise IndexFileError("corrupt index file: duplicate terms")

        index = cls(k1=k1, b=b, epsilon=epsilon)
        with index._write_lock:
            index._reset_storage(terms)
            index._install_live_arrays(data)
            index._state = index._snapshot()
        return index
