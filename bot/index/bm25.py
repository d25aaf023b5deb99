"""An incremental BM25 index whose scores equal rank_bm25.BM25Okapi's exactly.

Layout
------
Every document gets a *slot* (its position in insertion order); slots only grow, removed
documents are tombstoned and squeezed out by a lazy compaction that keeps the order.

* Postings live in a few immutable *segments*, each covering a contiguous slot range: the
  sorted term ids it contains, an indptr, and per posting the slot (int32), the term frequency
  and the term's rank among the document's distinct terms in order of first occurrence (both
  uint8, widened to uint16/uint32 only if a value ever needs it).  ~6 bytes per posting.
  Segments merge like a binary counter (each posting is rewritten O(log n) times); the
  reordering by term is a stable counting sort done by scipy's CSR -> CSC conversion.
* The newest documents (at most ``_delta_max`` postings) are kept only as a small forward index
  (the *tail*); queries scan it with one vectorised comparison per term.
* Per slot: doc id (int64), length (int32), group (int32), alive flag.  doc id -> slot is a
  sorted numpy index plus a dict of recent additions (a dict of 1M ints would cost ~100 MB).
* Removing a document finds its terms by scanning the segments' slot arrays for it (vectorised,
  O(postings)); dropping the forward index is what brings memory under a third of BM25Okapi's.

Exactness (bit-identical to rank_bm25, not merely close)
--------------------------------------------------------
* A document's score is accumulated term by term in query order with the float64 expression
  rank_bm25 evaluates; a document without the term would only add +0.0 there, so scoring only
  posting-list members gives the same sums.  avgdl is ``int / int`` as in rank_bm25.
* idf uses a table ``L[m] = math.log(m + 0.5)`` (grown as N grows), so
  ``L[N - n] - L[n]`` is exactly rank_bm25's ``math.log(N - n + 0.5) - math.log(n + 0.5)``.
* The epsilon floor is ``epsilon * (sum of raw idf over live terms) / (number of live terms)``.
  rank_bm25 sums in its vocabulary order (first occurrence in the corpus) and float addition is
  not associative, so we keep the live terms in that order -- new terms are appended; a removal
  re-places only the terms whose first live occurrence it deleted, found from the postings'
  (slot, rank) -- and sum with ``np.cumsum``, which adds left to right like rank_bm25's loop.
  That is an O(vocabulary) numpy pass, done lazily once per published state and only when a
  query meets a floored term.  (A histogram of df values would make it O(distinct df) but sums
  in another order; when the mean idf is ~0 that flips the sign of floored scores and so changes
  which documents have score > 0.)

Queries
-------
Per call numpy costs microseconds, so ``top_k`` picks by the query's total postings: few (up to
~n/16) are scored in one vectorised pass over all its terms, with the per-posting idf; more go
term by term in cache-sized chunks into a score buffer, and a strided sample of it bounds the
k-th best score so only documents above the bound are gathered.  Both add a document's terms in
query order (``ufunc.at`` adds in array order) with the same float64 operations.

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
are copied on write.  Each query thread keeps its own scratch score buffer (8 bytes per slot).
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
_RANK_BITS = 32  # first-occurrence key = slot << 32 | rank
_SMALL = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.uint32))
_EMPTY_I32 = np.zeros(0, dtype=np.int32)
_EMPTY_U8 = np.zeros(0, dtype=np.uint8)
_CHECK_CHUNK = 1 << 20  # postings validated at a time when loading a file
_TINY = float(np.nextafter(0.0, 1.0))  # `>= _TINY` is `> 0`


class IndexFileError(Exception):
    """The index file is missing, unreadable, corrupt or of another format version; rebuild it."""


def _fit(dtype: np.dtype, value: int) -> np.dtype:
    """The smallest unsigned dtype, no narrower than dtype, that holds value."""
    for cand in _SMALL:
        if cand.itemsize >= dtype.itemsize and value <= np.iinfo(cand).max:
            return cand
    raise ValueError(f"value {value} too large")


def _ascending_lists(slots: np.ndarray, indptr: np.ndarray) -> bool:
    """Slots ascend within every posting list (indptr already checked), a chunk at a time."""
    starts = np.zeros(len(slots), dtype=np.bool_)
    starts[indptr[:-1]] = True
    for lo in range(0, len(slots), _CHECK_CHUNK):
        hi = min(len(slots), lo + _CHECK_CHUNK + 1)
        if not bool(np.all((slots[lo + 1:hi] > slots[lo:hi - 1]) | starts[lo + 1:hi])):
            return False
    return True


def _all_distinct(values: np.ndarray) -> bool:
    """No value twice (sorting: np.unique's hashing took a second at a million ids)."""
    ordered = np.sort(values)
    return bool(np.all(ordered[1:] != ordered[:-1]))


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

    def reserve(self, extra: int) -> None:
        """Make room for extra more values in one step (no growth slack left behind)."""
        if self.size + extra > len(self.data):
            new = np.zeros(self.size + extra, dtype=self.data.dtype)
            new[: self.size] = self.data[: self.size]
            self.data = new

    def view(self) -> np.ndarray:
        return self.data[: self.size]


class _IdIndex:
    """doc id -> slot of live documents: a sorted numpy base plus a dict of recent additions."""

    def __init__(self, ids: np.ndarray, slots: np.ndarray) -> None:
        order = np.argsort(ids, kind="stable")
        self.keys = ids[order].astype(np.int64)
        self.vals = slots[order].astype(np.int32)  # -1 marks a removed entry
        self.pending: dict[int, int] = {}

    def lookup(self, ids: np.ndarray) -> np.ndarray:
        """Slots of ids (-1 where absent)."""
        out = np.full(len(ids), -1, dtype=np.int64)
        if len(self.keys):
            i = np.minimum(np.searchsorted(self.keys, ids), len(self.keys) - 1)
            hit = self.keys[i] == ids
            out[hit] = self.vals[i[hit]]
        if self.pending:
            for j, doc_id in enumerate(ids.tolist()):
                if out[j] < 0:
                    out[j] = self.pending.get(doc_id, -1)
        return out

    def add(self, ids: np.ndarray, slots: np.ndarray) -> None:
        if len(ids) < 4096:
            self.pending.update(zip(ids.tolist(), slots.tolist()))
        if len(ids) >= 4096 or len(self.pending) > max(4096, len(self.keys) // 8):
            # Fold into the sorted base; amortised O(1) per id.
            keep = self.vals >= 0
            p_ids = np.fromiter(self.pending.keys(), dtype=np.int64, count=len(self.pending))
            p_slots = np.fromiter(self.pending.values(), dtype=np.int64, count=len(self.pending))
            big = len(ids) >= 4096
            all_ids = np.concatenate([self.keys[keep], p_ids] + ([ids] if big else []))
            all_slots = np.concatenate([self.vals[keep], p_slots] + ([slots] if big else []))
            self.__init__(all_ids, all_slots)  # type: ignore[misc]

    def remove(self, ids: np.ndarray) -> None:
        if len(self.keys):
            i = np.minimum(np.searchsorted(self.keys, ids), len(self.keys) - 1)
            hit = self.keys[i] == ids
            self.vals[i[hit]] = -1
        for doc_id in ids.tolist():
            self.pending.pop(doc_id, None)

    def nbytes(self) -> int:
        return self.keys.nbytes + self.vals.nbytes + sys.getsizeof(self.pending) + 64 * len(self.pending)


@dataclass(frozen=True, slots=True)
class _Segment:
    """Immutable postings of the documents in slots [lo, hi)."""

    lo: int
    hi: int
    terms: np.ndarray  # sorted distinct term ids present in the segment
    indptr: np.ndarray  # postings of terms[i] are [indptr[i], indptr[i+1])
    slots: np.ndarray  # int32, ascending within a term
    tfs: np.ndarray
    ranks: np.ndarray  # the term's index among the document's distinct terms, first occurrence order

    @property
    def nnz(self) -> int:
        return len(self.slots)

    @property
    def nbytes(self) -> int:
        return self.terms.nbytes + self.indptr.nbytes + self.slots.nbytes + self.tfs.nbytes + self.ranks.nbytes

    def span(self, tid: int) -> tuple[int, int]:
        i = int(self.terms.searchsorted(np.int32(tid)))
        if i == len(self.terms) or self.terms.item(i) != tid:
            return 0, 0
        return self.indptr.item(i), self.indptr.item(i + 1)

    def posting_terms(self) -> np.ndarray:
        return np.repeat(self.terms, np.diff(self.indptr))


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
    segments: tuple[_Segment, ...]
    delta_lo: int  # slots >= delta_lo are in the tail, not in a segment
    tail_indptr: np.ndarray  # n_slots - delta_lo + 1 entries, relative to the tail
    tail_terms: np.ndarray  # per document distinct term ids, first-occurrence order
    tail_tfs: np.ndarray
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

    def dead_slots(self) -> np.ndarray:
        cached = self._cache.get("dead")
        if cached is None:
            cached = np.flatnonzero(~self.alive)
            self._cache["dead"] = cached
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

    def tail_postings(self, tid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Tail slots holding tid, their tfs and ranks."""
        pos = (self.tail_terms == tid).nonzero()[0]  # the method: np.flatnonzero's wrapper costs µs
        if len(pos) == 0:
            return _EMPTY_I32, _EMPTY_U8, _EMPTY_I32
        rows = self.tail_indptr.searchsorted(pos, side="right") - 1
        return (rows + self.delta_lo).astype(np.int32), self.tail_tfs[pos], pos - self.tail_indptr[rows]

    def query_postings(self, query: Sequence[str]) -> tuple[list[int], dict[int, list[tuple[np.ndarray, np.ndarray]]]]:
        """Ids of the query's live terms in query order, and per distinct id its (slots, tfs) pieces."""
        vocab, df = self.vocab, self.df
        n_terms = len(df)
        tids = []
        for q in query:
            tid = vocab.get(q)
            if tid is not None and tid < n_terms and df.item(tid) > 0:
                tids.append(tid)
        pieces: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {tid: [] for tid in tids}
        if not pieces:
            return tids, pieces
        keys = list(pieces)
        # One searchsorted per segment for all terms, called as a method with an array of the
        # segment's dtype: np.searchsorted with a Python int cost ~6 µs per call, this ~0.4 µs.
        want = np.array(keys, dtype=np.int32)
        for seg in self.segments:
            terms, indptr = seg.terms, seg.indptr
            n_seg = len(terms)
            for tid, i in zip(keys, terms.searchsorted(want).tolist()):
                if i < n_seg and terms.item(i) == tid:
                    a, b = indptr.item(i), indptr.item(i + 1)
                    pieces[tid].append((seg.slots[a:b], seg.tfs[a:b]))
        if len(self.tail_terms):
            for tid in keys:
                slots, tfs, _ = self.tail_postings(tid)
                if len(slots):
                    pieces[tid].append((slots, tfs))
        return tids, pieces

    def sources(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """(term, slot, tf, rank) per posting of every segment and the tail, in slot-range order."""
        out = [(s.posting_terms(), s.slots, s.tfs, s.ranks) for s in self.segments]
        if len(self.tail_terms):
            rows = np.repeat(np.arange(self.n_slots - self.delta_lo), np.diff(self.tail_indptr))
            ranks = np.arange(len(self.tail_terms)) - self.tail_indptr[rows]
            out.append((self.tail_terms, (rows + self.delta_lo).astype(np.int32), self.tail_tfs, ranks))
        return out


def _merge(
    sources: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    alive: np.ndarray,
    n_terms: int,
    small: np.dtype,
    slot_map: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Live postings of the sources regrouped by term (slots stay ascending); optional slot renumbering."""
    terms = np.concatenate([s[0] for s in sources]).astype(np.int32, copy=False)
    slots = np.concatenate([s[1] for s in sources])
    tfs = np.concatenate([s[2] for s in sources]).astype(small, copy=False)
    ranks = np.concatenate([s[3] for s in sources]).astype(small, copy=False)
    keep = alive[slots]
    if not keep.all():
        terms, slots, tfs, ranks = terms[keep], slots[keep], tfs[keep], ranks[keep]
    del keep
    if len(terms) == 0:
        return None
    # Stable counting sort by term: one posting per CSR row, CSC conversion visits rows in order.
    p = len(terms)
    idx_dtype = np.int32 if p < 2**31 - 1 else np.int64
    one_per_row = sp.csr_matrix(
        (np.arange(p, dtype=idx_dtype), terms, np.arange(p + 1, dtype=idx_dtype)), shape=(p, max(n_terms, 1))
    )
    del terms
    csc = one_per_row.tocsc()
    # Temporaries go as soon as they are used: a save at a million passages peaked ~800 MB above the index.
    del one_per_row
    perm, col_ptr = csc.data, csc.indptr
    del csc
    present = np.flatnonzero(np.diff(col_ptr)).astype(np.int32)
    indptr = np.append(col_ptr[present], p).astype(np.int64)
    del col_ptr
    slots = slots[perm]
    if slot_map is not None:
        slots = slot_map[slots]
    return present, indptr, slots.astype(np.int32, copy=False), tfs[perm], ranks[perm]


class BM25Index:
    """Postings per term; add/remove documents in place; scores only documents that hold a query term."""

    # Tunables (instance attributes so tests can shrink them to exercise merges/compaction).
    _delta_max_default = 1 << 15  # postings left unindexed in the scanned tail
    _compact_min_default = 1024  # dead slots before compaction is considered
    _compact_frac_default = 0.25  # ... and at least this fraction of all slots
    _chunk_tokens = 1 << 20  # tokens processed at once by add()
    # top_k scores up to max(_few_postings, _few_share * slots) postings in one pass (_top_k_few);
    # it was faster than the per-term path below ~30k postings at both 200k and 1M passages.
    _few_postings = 4096
    _few_share = 1 / 16
    _sample_stride = 32  # above that, top_k bounds the k-th best score from every 32nd slot
    _chunk = 1 << 16  # postings scored at a time by the per-term path

    def __init__(self, k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25) -> None:
        self.k1 = k1
        self.b = b
        self.epsilon = epsilon
        self._delta_max = self._delta_max_default
        self._compact_min = self._compact_min_default
        self._compact_frac = self._compact_frac_default
        self._chunk_tokens = type(self)._chunk_tokens
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._log_table = _Buffer(np.float64)
        self._terms: list[str] = []  # term id -> token
        self._reset_vocab()
        self._small = _SMALL[0]  # dtype of tfs and ranks
        self._df = np.zeros(0, dtype=np.int64)
        self._first_key = np.zeros(0, dtype=np.int64)  # writer-only: slot << 32 | rank
        self._term_order = _Buffer(np.int32)
        self._install_docs(np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32), [])
        self._state = self._snapshot()

    # ------------------------------------------------------------------ storage (writer side)

    def _reset_vocab(self) -> None:
        # A missing token gets the next id inside the C lookup loop, so mapping tokens is one pass.
        self._vocab: defaultdict[str, int] = defaultdict(count(len(self._terms)).__next__)
        self._vocab.update(zip(self._terms, range(len(self._terms))))

    def _install_docs(self, ids: np.ndarray, lens: np.ndarray, groups: np.ndarray, segments: list[_Segment]) -> None:
        """Replace per-slot storage with live documents only; the tail starts empty."""
        n = len(ids)
        self._ids = _Buffer.wrap(ids.astype(np.int64))
        self._len = _Buffer.wrap(lens.astype(np.int32))
        self._group = _Buffer.wrap(groups.astype(np.int32))
        self._alive = _Buffer.wrap(np.ones(n, dtype=np.bool_))
        self._id_index = _IdIndex(self._ids.view(), np.arange(n))
        self._segments = segments
        self._new_tail(n)
        self._n_live = n
        self._total_len = int(self._len.view().astype(np.int64).sum())
        self._grow_log_table(n)

    def _new_tail(self, lo: int) -> None:
        # Fresh buffers: published states keep viewing the old ones.
        self._delta_lo = lo
        self._tail_indptr = _Buffer(np.int64)
        self._tail_indptr.extend([0])
        self._tail_terms = _Buffer(np.int32)
        self._tail_tfs = _Buffer(self._small)

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
            segments=tuple(self._segments),
            delta_lo=self._delta_lo,
            tail_indptr=self._tail_indptr.view(),
            tail_terms=self._tail_terms.view(),
            tail_tfs=self._tail_tfs.view(),
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

    def _widen(self, value: int) -> None:
        """Make tfs/ranks wide enough for value (rare: a tf or distinct-term count above 255)."""
        small = _fit(self._small, value)
        if small == self._small:
            return
        self._small = small
        self._segments = [
            _Segment(s.lo, s.hi, s.terms, s.indptr, s.slots, s.tfs.astype(small), s.ranks.astype(small))
            for s in self._segments
        ]
        self._tail_tfs = _Buffer.wrap(self._tail_tfs.view().astype(small))

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

    def _flush_tail(self) -> None:
        """Index the tail once it is big enough; merge segments like a binary counter."""
        if self._tail_terms.size < self._delta_max:
            return
        st = self._snapshot()
        sources = st.sources()[len(st.segments) :]
        tail = self._tail_terms.size
        lo = self._delta_lo
        # Absorb newest segments that are no bigger than what is being merged, so every posting
        # is rewritten O(log n) times.
        while self._segments and self._segments[-1].nnz <= tail:
            seg = self._segments.pop()
            sources.insert(0, (seg.posting_terms(), seg.slots, seg.tfs, seg.ranks))
            tail += seg.nnz
            lo = seg.lo
        merged = _merge(sources, self._alive.data, len(self._terms), self._small)
        if merged is not None:
            self._segments.append(_Segment(lo, self._ids.size, *merged))
        self._new_tail(self._ids.size)

    def _maybe_compact(self) -> None:
        dead = self._ids.size - self._n_live
        if dead >= max(self._compact_min, self._compact_frac * self._ids.size):
            live, merged = self._compacted(self._snapshot())
            slot_map = np.full(self._ids.size, -1, dtype=np.int64)
            slot_map[live] = np.arange(len(live))
            self._install_docs(
                self._ids.view()[live], self._len.view()[live], self._group.view()[live],
                [] if merged is None else [_Segment(0, len(live), *merged)],
            )
            # Slots moved, ranks did not; first-occurrence keys keep their order.
            order = self._term_order.view()
            keys = self._first_key[order]
            self._first_key[order] = (slot_map[keys >> _RANK_BITS] << _RANK_BITS) | (keys & ((1 << _RANK_BITS) - 1))

    def _compacted(self, st: _State) -> tuple[np.ndarray, Any]:
        """Live slots and all live postings as one segment with slots renumbered densely."""
        live = st.live_slots()
        slot_map = np.full(st.n_slots, -1, dtype=np.int32 if st.n_slots < 2**31 else np.int64)
        slot_map[live] = np.arange(len(live))
        sources = st.sources()
        merged = _merge(sources, st.alive, len(st.df), self._small, slot_map) if sources else None
        return live, merged

    @staticmethod
    def _doc_terms(tids: np.ndarray, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per document: distinct term ids in order of first occurrence, their tfs, and row sizes."""
        n_docs, n_tok = len(lens), len(tids)
        if n_tok == 0:
            return _EMPTY_I32, np.zeros(0, np.int64), np.zeros(n_docs, np.int64)
        row = np.repeat(np.arange(n_docs, dtype=np.int64), lens)
        key = row * (int(tids.max()) + 1) + tids
        # Stable sort: in each (doc, term) run the first entry is the first occurrence.
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
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
        ids = np.asarray([int(i) for i in doc_ids], dtype=np.int64)
        if len(ids) != len(docs):
            raise ValueError("doc_ids and docs differ in length")
        grp = np.zeros(len(ids), np.int64) if groups is None else np.asarray([int(g) for g in groups], np.int64)
        if len(grp) != len(ids):
            raise ValueError("groups and docs differ in length")
        if len(grp) and (grp.min() < -(2**31) or grp.max() >= 2**31):
            raise ValueError("groups must fit in 32 bits")
        if not len(ids):
            return
        with self._write_lock:
            if len(np.unique(ids)) != len(ids) or (self._id_index.lookup(ids) >= 0).any():
                raise ValueError("doc ids must be unique and not already in the index")
            lens = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
            # Work in chunks of ~1M tokens so a bulk build's temporaries stay bounded.
            bounds = np.searchsorted(np.cumsum(lens), np.arange(self._chunk_tokens, int(lens.sum()), self._chunk_tokens))
            cuts = [0, *sorted(set((bounds + 1).tolist()) - {0, len(ids)}), len(ids)]
            for buf in (self._ids, self._len, self._group, self._alive):
                buf.reserve(len(ids))
            try:
                for lo, hi in zip(cuts[:-1], cuts[1:]):
                    self._append(ids[lo:hi], lens[lo:hi], grp[lo:hi], docs[lo:hi])
                self._flush_tail()
            finally:
                # A token that cannot be hashed fails its chunk before it changes anything, but
                # earlier chunks stay added; publish so readers and writer agree.
                self._state = self._snapshot()

    def _append(self, ids: np.ndarray, lens: np.ndarray, grp: np.ndarray, docs: Sequence[Sequence[str]]) -> None:
        """Append documents to the tail and update df / vocabulary order (writer lock held)."""
        tokens = list(chain.from_iterable(docs))
        try:
            tids = np.fromiter(map(self._vocab.__getitem__, tokens), dtype=np.int32, count=len(tokens))
        except BaseException:
            self._sync_terms()  # ids handed out before the failure stay valid (df 0)
            raise
        self._sync_terms(tokens, tids)
        del tokens
        new_terms, new_tfs, row_nnz = self._doc_terms(tids, lens)
        del tids
        self._widen(max(int(new_tfs.max(initial=0)), int(row_nnz.max(initial=0))))

        n_new = len(ids)
        base_slot, base_pos = self._ids.size, self._tail_terms.size
        self._ids.extend(ids)
        self._len.extend(lens.astype(np.int32))
        self._group.extend(grp.astype(np.int32))
        self._alive.extend(np.ones(n_new, dtype=np.bool_))
        self._id_index.add(ids, np.arange(base_slot, base_slot + n_new))
        self._tail_terms.extend(new_terms)
        self._tail_tfs.extend(new_tfs.astype(self._small))
        row_start = np.zeros(n_new + 1, dtype=np.int64)
        np.cumsum(row_nnz, out=row_start[1:])
        self._tail_indptr.extend(base_pos + row_start[1:])

        uniq, counts, first = self._distinct(new_terms)
        old = self._df[uniq]
        self._set_df(uniq, old + counts)
        # Terms that were not live get their first occurrence here, after every live term's.
        born = old == 0
        born_tids, born_first = uniq[born], first[born]
        row = np.searchsorted(row_start, born_first, side="right") - 1
        born_keys = ((base_slot + row) << _RANK_BITS) | (born_first - row_start[row])
        self._first_key[born_tids] = born_keys
        self._term_order.extend(born_tids[np.argsort(born_keys, kind="stable")])
        self._n_live += n_new
        self._total_len += int(lens.sum())
        self._grow_log_table(self._n_live)

    def remove(self, doc_ids: Iterable[int]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        with self._write_lock:
            ids = np.unique(np.asarray([int(i) for i in doc_ids], dtype=np.int64))
            slots = self._id_index.lookup(ids)
            ids, slots = ids[slots >= 0], np.sort(slots[slots >= 0])
            if not len(slots):
                return
            self._id_index.remove(ids)
            alive = self._alive.data.copy()  # copy-on-write for readers of the current state
            alive[slots] = False
            self._alive.data = alive
            removed_terms = self._terms_of(slots)
            uniq, counts, _ = self._distinct(removed_terms)
            self._set_df(uniq, self._df[uniq] - counts)
            self._n_live -= len(slots)
            self._total_len -= int(self._len.data[slots].astype(np.int64).sum())

            # Terms whose first live occurrence was removed move later in rank_bm25's vocabulary
            # order (or leave it when no live document holds them any more).
            moved = uniq[~alive[self._first_key[uniq] >> _RANK_BITS]]
            if len(moved):
                gone = self._df[moved] == 0
                self._first_key[moved[gone]] = _NO_KEY
                still = moved[~gone]
                for tid in still.tolist():
                    self._first_key[tid] = self._next_first_key(tid, int(self._first_key[tid]) >> _RANK_BITS)
                order = self._term_order.view()
                order = order[~np.isin(order, moved)]
                still = still[np.argsort(self._first_key[still], kind="stable")]
                at = np.searchsorted(self._first_key[order], self._first_key[still])
                self._term_order = _Buffer.wrap(np.insert(order, at, still).astype(np.int32))
            self._maybe_compact()
            self._state = self._snapshot()

    def _terms_of(self, slots: np.ndarray) -> np.ndarray:
        """Distinct terms of each given slot, concatenated (scans the segments' slot arrays)."""
        parts = []
        for seg in self._segments:
            inside = slots[(slots >= seg.lo) & (slots < seg.hi)]
            if len(inside):
                hits = np.flatnonzero(np.isin(seg.slots, inside))
                parts.append(seg.terms[np.searchsorted(seg.indptr, hits, side="right") - 1])
        indptr, lo = self._tail_indptr.data, self._delta_lo
        for s in slots[slots >= lo].tolist():
            parts.append(self._tail_terms.data[indptr[s - lo] : indptr[s - lo + 1]])
        return np.concatenate(parts) if parts else _EMPTY_I32

    def _next_first_key(self, tid: int, after: int) -> int:
        """First-occurrence key of tid in the first live document after slot `after`."""
        alive = self._alive.data
        for seg in self._segments:
            if seg.hi <= after + 1:
                continue
            a, b = seg.span(tid)
            start = a + int(np.searchsorted(seg.slots[a:b], after, side="right"))
            hit = np.flatnonzero(alive[seg.slots[start:b]])
            if len(hit):
                i = start + int(hit[0])
                return (int(seg.slots[i]) << _RANK_BITS) | int(seg.ranks[i])
        slots, _, ranks = self._snapshot().tail_postings(tid)
        ok = np.flatnonzero((slots > after) & alive[slots])
        i = int(ok[0])  # df > 0 guarantees a live occurrence
        return (int(slots[i]) << _RANK_BITS) | int(ranks[i])

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

    def _norms(self, st: _State) -> np.ndarray:
        """Per slot k1 * (1 - b + b * len / avgdl), cached per state for queries with long postings."""
        norm = st._cache.get("norm")
        if norm is None:
            norm = self.k1 * (1 - self.b + self.b * st.slot_len / (st.total_len / st.n_live))
            st._cache["norm"] = norm
        return norm

    def _chunk_buffers(self, n_slots: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """This thread's slot, tf and denominator buffers for one chunk (no list is longer than n_slots)."""
        size = max(1, min(self._chunk, n_slots))
        bufs = getattr(self._local, "chunk", None)
        if bufs is None or len(bufs[0]) != size:
            bufs = (np.empty(size, np.intp), np.empty(size, np.float64), np.empty(size, np.float64))
            self._local.chunk = bufs
        return bufs

    def _accumulate(self, st: _State, tids: list[int], pieces: dict[int, list[tuple[np.ndarray, np.ndarray]]],
                    scores: np.ndarray) -> list[np.ndarray]:
        """Add each query term's BM25 contribution into scores; returns the touched slot arrays."""
        k1, b = self.k1, self.b
        avgdl = st.total_len / st.n_live
        idx_buf, tf_buf, den_buf = self._chunk_buffers(st.n_slots)
        touched = []
        for tid in tids:
            idf = st.idf(tid)
            # Long lists reuse the per-slot denominator part (cached per state).
            norms = self._norms(st) if sum(len(p[0]) for p in pieces[tid]) > st.n_slots // 8 else None
            for slots, tfs in pieces[tid]:
                # Chunks that stay in cache: whole-list temporaries made a 900k-posting term 2x slower.
                for lo in range(0, len(slots), len(idx_buf)):
                    n = min(len(idx_buf), len(slots) - lo)
                    # numpy indexes with intp; casting once beats casting in the gather and the scatter.
                    idx, tf, denom = idx_buf[:n], tf_buf[:n], den_buf[:n]
                    idx[:] = slots[lo : lo + n]
                    tf[:] = tfs[lo : lo + n]
                    # rank_bm25's  idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl))) with the
                    # same operations in the same order (a + b == b + a holds bit for bit), so every
                    # rounding step matches.
                    if norms is not None:
                        norms.take(idx, out=denom)
                    else:
                        np.multiply(st.slot_len[idx], b, out=denom)
                        np.divide(denom, avgdl, out=denom)
                        np.add(denom, 1 - b, out=denom)
                        np.multiply(denom, k1, out=denom)
                    np.add(tf, denom, out=denom)
                    np.multiply(tf, k1 + 1, out=tf)
                    np.divide(tf, denom, out=tf)
                    np.multiply(tf, idf, out=tf)
                    np.add.at(scores, idx, tf)  # slots are distinct; add.at is ~3x faster than `+=` here
                touched.append(slots)
        return touched

    def _top_k_few(self, st: _State, tids: list[int], pieces: dict[int, list[tuple[np.ndarray, np.ndarray]]],
                   k: int, groups: Iterable[int] | None, positive: bool = True) -> list[tuple[int, float]]:
        """top_k over few postings: all terms in one vectorised pass, as numpy's per-call cost dominates."""
        k1, b = self.k1, self.b
        avgdl = st.total_len / st.n_live
        parts, idfs = [], []
        for tid in tids:
            idf = st.idf(tid)
            for part in pieces[tid]:
                parts.append(part)
                idfs.append(idf)
        if len(parts) == 1:
            slots, tfs = parts[0]
        else:
            slots, tfs = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        # _accumulate's float64 operations in its order, on every posting at once (per-posting idf).
        tf = tfs.astype(np.float64)
        denom = k1 * (1 - b + b * st.slot_len[slots] / avgdl)
        np.add(tf, denom, out=denom)
        np.multiply(tf, k1 + 1, out=tf)
        np.divide(tf, denom, out=tf)
        np.multiply(tf, np.array(idfs).repeat([len(p[0]) for p in parts]), out=tf)
        scores = self._scratch(st.n_slots)
        try:
            # ufunc.at adds strictly in array order, i.e. term by term in query order per document.
            np.add.at(scores, slots, tf)
            vals = scores[slots]  # a document in several lists appears once per list
        finally:
            scores[slots] = 0.0
        keep = vals > 0 if positive else np.ones(len(vals), dtype=bool)
        if st.n_live < st.n_slots:
            keep &= st.alive[slots]
        if groups is not None:
            wanted = [int(g) for g in groups]
            if not wanted:
                return []
            of = st.slot_group[slots]
            if len(wanted) > 8:
                keep &= np.isin(of, wanted)
            else:
                hit = of == wanted[0]
                for g in wanted[1:]:
                    hit |= of == g
                keep &= hit
        slots, vals = slots[keep], vals[keep]
        # A slot has at most one row per list, so the best m rows hold k distinct slots (if there
        # are k); rows tied with the m-th best stay, so the order below sees every tie.
        m = k * len(tids)
        if len(vals) > 4 * m:
            thr = np.partition(vals, len(vals) - m)[len(vals) - m]
            keep = vals >= thr
            slots, vals = slots[keep], vals[keep]
        # Descending (score, slot) is "later-inserted first among ties"; a slot's copies are adjacent.
        top = np.lexsort((slots, vals))[::-1][:m]
        out: list[tuple[int, float]] = []
        last = None
        for doc_id, v in zip(st.slot_ids[slots[top]].tolist(), vals[top].tolist()):
            if doc_id != last:
                out.append((doc_id, v))
                last = doc_id
                if len(out) == k:
                    break
        return out

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
            touched = self._accumulate(st, *st.query_postings(query), scores)
            return scores[st.live_slots()]
        finally:
            self._clear(scores, touched, st.n_slots)

    def _floor(self, st: _State, dense: np.ndarray, k: int, group_arr: np.ndarray | None) -> float:
        """A positive score no higher than the k-th best eligible one, to skip most of dense.

        The k-th best of a strided sample of eligible documents; the least positive float if the
        sample has fewer than k positive scores."""
        stride = self._sample_stride
        sample = dense[::stride]
        if group_arr is not None:
            sample = sample[np.isin(st.slot_group[::stride], group_arr)]
        sample = sample[sample > 0]
        if len(sample) < k:
            return _TINY
        return float(np.partition(sample, len(sample) - k)[len(sample) - k])

    def top_k(self, query: Sequence[str], k: int, groups: Iterable[int] | None = None,
              positive: bool = True) -> list[tuple[int, float]]:
        """Best k (doc_id, score) with score > 0, optionally only in the given groups; ties as
        BM25Okapi.get_top_n. positive=False: of the documents holding a query word, whatever their
        score (scoring all their postings in one pass: for small indexes)."""
        st = self._state
        if k <= 0 or st.n_live == 0:
            return []
        tids, pieces = st.query_postings(query)
        if not tids:
            return []
        if not positive or sum(len(p[0]) for tid in tids for p in pieces[tid]) <= max(
                self._few_postings, self._few_share * st.n_slots):
            return self._top_k_few(st, tids, pieces, k, groups, positive)
        scores = self._scratch(st.n_slots)
        touched: list[np.ndarray] = []
        try:
            touched = self._accumulate(st, tids, pieces, scores)
            # Many postings (the one-pass path takes the rest): look at the whole buffer.
            dense = scores[: st.n_slots]
            if st.n_live < st.n_slots:
                dense[st.dead_slots()] = 0.0  # the whole buffer is cleared afterwards anyway
            group_arr = None if groups is None else np.fromiter((int(g) for g in groups), dtype=np.int64)
            cand = np.flatnonzero(dense >= self._floor(st, dense, k, group_arr))
            vals = dense[cand]
            if group_arr is not None:
                keep = np.isin(st.slot_group[cand], group_arr)
                cand, vals = cand[keep], vals[keep]
        finally:
            self._clear(scores, touched, st.n_slots)
        if len(cand) > k:
            # Everything above the k-th best score, plus the latest-inserted among those equal to it.
            thr = np.partition(vals, len(vals) - k)[len(vals) - k]
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
            "postings": sum(s.nnz for s in st.segments) + len(st.tail_terms),
            "segments": len(st.segments),
            "tail_docs": st.n_slots - st.delta_lo,
            "avgdl": st.total_len / st.n_live if st.n_live else 0.0,
            "memory_bytes": self.memory_bytes(),
        }

    def memory_bytes(self) -> int:
        """Approximate bytes held by the index (arrays at capacity, vocabulary dict and strings)."""
        buffers = (self._ids, self._len, self._group, self._alive, self._tail_indptr, self._tail_terms,
                   self._tail_tfs, self._term_order, self._log_table)
        total = sum(buf.data.nbytes for buf in buffers) + self._df.nbytes + self._first_key.nbytes
        total += sum(s.nbytes for s in self._segments) + self._id_index.nbytes()
        total += sys.getsizeof(self._vocab) + sys.getsizeof(self._terms) + 32 * len(self._terms)
        total += sum(sys.getsizeof(t) for t in self._terms)
        return total

    # ------------------------------------------------------------------ persistence

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the live documents and their postings to one .npz file (atomically replaced)."""
        st = self._state
        live, merged = self._compacted(st)
        if merged is None:
            merged = (_EMPTY_I32, np.zeros(1, np.int64), _EMPTY_I32, _EMPTY_U8, _EMPTY_U8)
        terms_present, indptr, slots, tfs, ranks = merged
        terms = self._terms
        encoded = [terms[i].encode("utf-8", "surrogatepass") for i in terms_present.tolist()]
        term_offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=term_offsets[1:])
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            # Terms are stored densely renumbered: posting list i belongs to term i.
            np.savez(
                fh,
                magic=np.array(_MAGIC),
                format_version=np.array(FORMAT_VERSION, dtype=np.int64),
                params=np.array([self.k1, self.b, self.epsilon], dtype=np.float64),
                term_bytes=np.frombuffer(b"".join(encoded), dtype=np.uint8),
                term_offsets=term_offsets,
                ids=st.slot_ids[live],
                lens=st.slot_len[live],
                groups=st.slot_group[live],
                post_indptr=indptr,
                post_slots=slots,
                post_tfs=tfs,
                post_ranks=ranks,
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
        except (KeyError, ValueError, TypeError, IndexError, OverflowError, UnicodeDecodeError) as exc:
            raise IndexFileError(f"corrupt index file {path}: {exc}") from exc

    @classmethod
    def _from_arrays(cls, data: dict[str, np.ndarray]) -> BM25Index:
        k1, b, epsilon = (float(x) for x in data["params"])
        blob = data["term_bytes"].tobytes()
        offsets = data["term_offsets"].astype(np.int64)
        ids, lens, groups = data["ids"].astype(np.int64), data["lens"].astype(np.int64), data["groups"]
        indptr, slots = data["post_indptr"].astype(np.int64), data["post_slots"]
        if slots.dtype != np.int32:  # save() writes int32; checked below in the width it came in
            slots = slots.astype(np.int64)
        tfs, ranks = data["post_tfs"], data["post_ranks"]
        n, n_terms, p = len(ids), len(offsets) - 1, len(slots)
        # Validate enough that a damaged file fails here rather than giving wrong answers later.
        ok = (
            n_terms >= 0
            and offsets[0] == 0
            and offsets[-1] == len(blob)
            and bool(np.all(np.diff(offsets) >= 0))
            and len(lens) == n
            and len(groups) == n
            and len(indptr) == n_terms + 1
            and indptr[0] == 0
            and indptr[-1] == p == len(tfs) == len(ranks)
            and bool(np.all(np.diff(indptr) > 0))
            and bool(np.all(lens >= 0))
            and _all_distinct(ids)
            and tfs.dtype == ranks.dtype
            and tfs.dtype in _SMALL
            and (p == 0 or (int(slots.min()) >= 0 and int(slots.max()) < n and int(tfs.min()) >= 1))
        )
        if not ok or not _ascending_lists(slots, indptr):
            raise IndexFileError("corrupt index file: inconsistent arrays")
        # Checked without a temporary per posting: at a million passages those were ~400 MB of
        # fresh pages and most of the load time. Most tfs are 1, so a document's length is its
        # distinct terms plus what the rest add beyond 1.
        distinct = np.bincount(slots, minlength=n)
        heavy = tfs > 1
        doc_tf = distinct + np.bincount(slots[heavy], weights=tfs[heavy] - 1, minlength=n).astype(np.int64)
        bad_rank = any(bool(np.any(ranks[lo:lo + _CHECK_CHUNK] >= distinct[slots[lo:lo + _CHECK_CHUNK]]))
                       for lo in range(0, p, _CHECK_CHUNK))
        if not np.array_equal(doc_tf, lens) or bad_rank:
            raise IndexFileError("corrupt index file: postings do not match document lengths")
        terms = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogatepass") for i in range(n_terms)]
        if len(set(terms)) != n_terms:
            raise IndexFileError("corrupt index file: duplicate terms")

        index = cls(k1=k1, b=b, epsilon=epsilon)
        with index._write_lock:
            index._terms = terms
            index._reset_vocab()
            index._small = tfs.dtype
            seg_terms = np.arange(n_terms, dtype=np.int32)
            segments = [] if p == 0 else [_Segment(0, n, seg_terms, indptr, slots.astype(np.int32, copy=False), tfs, ranks)]
            index._install_docs(ids, lens, groups.astype(np.int64), segments)
            index._df = np.diff(indptr)
            # Each term's first posting is its first occurrence (slots ascend, then rank).
            first = indptr[:-1]
            index._first_key = (slots[first].astype(np.int64) << _RANK_BITS) | ranks[first].astype(np.int64)
            index._term_order = _Buffer.wrap(np.argsort(index._first_key, kind="stable").astype(np.int32))
            index._state = index._snapshot()
        return index
