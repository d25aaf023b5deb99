"""BM25Index must reproduce rank_bm25.BM25Okapi: scores to 1e-9 (in fact bit for bit) and the same top-k."""

from __future__ import annotations

import random
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from bot.index.bm25 import FORMAT_VERSION, BM25Index, IndexFileError

VOCAB = ["apple", "bank", "court", "delta", "euro", "fire", "gas", "heat"]
UNKNOWN = ["zebra", "quux"]

words = st.sampled_from(VOCAB)
docs_st = st.lists(words, min_size=0, max_size=8)
query_st = st.lists(st.sampled_from(VOCAB + UNKNOWN), min_size=0, max_size=5)
# Tiny merge/compaction thresholds exercise segments, the scanned tail and compaction;
# the default ones keep everything in the tail for small corpora.
tuning_st = st.sampled_from([(1, 1), (3, 2), (8, 1), (1 << 15, 1024)])

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make_index(tuning: tuple[int, int] = (1 << 15, 1024)) -> BM25Index:
    index = BM25Index()
    index._delta_max, index._compact_min = tuning
    small = tuning[1] < 1024
    index._compact_frac = 0.0 if small else 0.25
    index._chunk_tokens = 5 if small else 1 << 20  # several add() chunks per batch
    return index


PATHS = ("few", "per_term")


@contextmanager
def top_k_path(index: BM25Index, path: str, stride: int = 2, chunk: int = 3) -> Iterator[None]:
    """Force top_k through the one-pass path for few postings or the per-term numpy path; small
    corpora need its score-bound sample stride and posting chunks small to exercise them."""
    index._few_postings, index._few_share = (1 << 62, 0.0) if path == "few" else (-1, 0.0)
    index._sample_stride, index._chunk = stride, chunk
    try:
        yield
    finally:
        del index._few_postings, index._few_share, index._sample_stride, index._chunk  # class defaults


def reference_scores(docs: list[list[str]], query: list[str]) -> np.ndarray:
    """BM25Okapi's scores, or zeros where it cannot be built (no docs, or no terms at all)."""
    try:
        return BM25Okapi(docs).get_scores(query)
    except ZeroDivisionError:
        return np.zeros(len(docs))


def reference_top(ids: list[int], scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[int]:
    # get_top_n's argsort(...)[::-1] with a stable sort: among equal scores, later-inserted first.
    order = np.argsort(scores, kind="stable")[::-1]
    out = [ids[i] for i in order if scores[i] > 0 and (mask is None or mask[i])]
    return out[:k]


def reference_any(ids: list[int], docs: list[list[str]], query: list[str], scores: np.ndarray, k: int,
                  mask: np.ndarray | None = None) -> list[int]:
    """reference_top over the documents holding a query word, whatever their score (top_k(positive=False))."""
    order = np.argsort(scores, kind="stable")[::-1]
    out = [ids[i] for i in order if set(query) & set(docs[i]) and (mask is None or mask[i])]
    return out[:k]


def check(index: BM25Index, model: dict[int, tuple[list[str], int]], queries: list[list[str]], k: int) -> None:
    ids = list(model)
    docs = [model[i][0] for i in ids]
    assert index.doc_ids() == ids
    assert len(index) == len(ids)
    ref_idf = None
    try:
        ref_idf = BM25Okapi(docs).idf if docs else None
    except ZeroDivisionError:
        pass
    for term in VOCAB + UNKNOWN:
        expected = ref_idf.get(term, 0.0) if ref_idf is not None else 0.0
        assert index.idf(term) == pytest.approx(expected, abs=1e-9)
        assert index.idf(term) == expected  # same operations in the same order: bit-identical
    for query in queries:
        expected = reference_scores(docs, query)
        got = index.get_scores(query)
        assert got.shape == (len(ids),)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
        np.testing.assert_array_equal(got, expected)
        by_id = dict(zip(ids, expected.tolist()))
        for path in PATHS:
            with top_k_path(index, path):
                top = index.top_k(query, k)
                assert [d for d, _ in top] == reference_top(ids, expected, k), path
                assert [s for _, s in top] == [by_id[d] for d, _ in top], path  # bit for bit
                for wanted in ({0}, {1, 2}):
                    mask = np.array([model[i][1] in wanted for i in ids], dtype=bool)
                    top = index.top_k(query, k, groups=wanted)
                    assert [d for d, _ in top] == reference_top(ids, expected, k, mask), path
                    top = index.top_k(query, k, groups=wanted, positive=False)
                    assert [d for d, _ in top] == reference_any(ids, docs, query, expected, k, mask), path
        anything = index.top_k(query, k, positive=False)
        assert [d for d, _ in anything] == reference_any(ids, docs, query, expected, k)
        assert [s for _, s in anything] == [by_id[d] for d, _ in anything]  # zero and below too, bit for bit


@SETTINGS
@given(corpus=st.lists(docs_st, min_size=1, max_size=15), queries=st.lists(query_st, min_size=1, max_size=4),
       k=st.integers(1, 6), tuning=tuning_st)
def test_scores_match_bm25okapi(corpus, queries, k, tuning):
    index = make_index(tuning)
    groups = [i % 3 for i in range(len(corpus))]
    index.add(list(range(len(corpus))), corpus, groups)
    model = {i: (doc, g) for i, (doc, g) in enumerate(zip(corpus, groups))}
    check(index, model, queries, k)


add_op = st.tuples(st.just("add"), st.lists(st.tuples(docs_st, st.integers(0, 2)), min_size=1, max_size=6))
remove_op = st.tuples(st.just("remove"), st.lists(st.integers(0, 40), min_size=1, max_size=4))


@SETTINGS
@given(ops=st.lists(st.one_of(add_op, remove_op), min_size=1, max_size=10),
       queries=st.lists(query_st, min_size=1, max_size=3), k=st.integers(1, 5), tuning=tuning_st)
def test_incremental_adds_and_removes_match_rebuild(ops, queries, k, tuning):
    index = make_index(tuning)
    model: dict[int, tuple[list[str], int]] = {}
    next_id = 0
    for op, arg in ops:
        if op == "add":
            new_ids = list(range(next_id, next_id + len(arg)))
            next_id += len(arg)
            index.add(new_ids, [d for d, _ in arg], [g for _, g in arg])
            model.update((i, item) for i, item in zip(new_ids, arg))
        else:
            # Ids may be unknown or already removed; both are ignored.
            index.remove(arg)
            for i in arg:
                model.pop(i, None)
        check(index, model, queries, k)


@settings(max_examples=40, deadline=None)
@given(corpus=st.lists(docs_st, min_size=1, max_size=12), queries=st.lists(query_st, min_size=1, max_size=3),
       removed=st.sets(st.integers(0, 11)), tuning=tuning_st)
def test_save_load_round_trip(tmp_path_factory, corpus, queries, removed, tuning):
    index = make_index(tuning)
    index.add(list(range(len(corpus))), corpus, [i % 3 for i in range(len(corpus))])
    index.remove(removed)
    path = tmp_path_factory.mktemp("idx") / "bm25.npz"
    index.save(path)
    loaded = BM25Index.load(path)
    model = {i: (doc, i % 3) for i, doc in enumerate(corpus) if i not in removed}
    check(loaded, model, queries, 4)
    # The loaded index keeps working incrementally.
    loaded.add([100], [["apple", "bank", "apple"]], [1])
    model[100] = (["apple", "bank", "apple"], 1)
    check(loaded, model, queries, 4)


def test_empty_index():
    index = BM25Index()
    assert len(index) == 0
    assert index.doc_ids() == []
    assert index.get_scores(["apple"]).shape == (0,)
    assert index.top_k(["apple"], 5) == []
    assert index.idf("apple") == 0.0
    index.add([1, 2], [["apple"], ["bank"]])
    index.remove([1, 2])
    assert len(index) == 0
    assert index.top_k(["apple"], 5) == []
    assert index.get_scores(["apple"]).shape == (0,)
    assert index.idf("apple") == 0.0


def test_zero_length_documents_and_edge_queries():
    index = BM25Index()
    docs = [[], ["apple"], [], ["apple", "bank"], []]
    index.add(range(5), docs)
    np.testing.assert_allclose(index.get_scores(["apple", "bank"]), BM25Okapi(docs).get_scores(["apple", "bank"]),
                               rtol=0, atol=1e-12)
    assert index.top_k(["apple"], 0) == []
    assert index.top_k([], 3) == []
    assert index.top_k(["zebra"], 3) == []
    assert [d for d, _ in index.top_k(["bank"], 10)] == [3]
    only_empty = BM25Index()
    only_empty.add([7], [[]])
    assert only_empty.get_scores(["apple"]).tolist() == [0.0]


def test_duplicate_ids_rejected():
    index = BM25Index()
    index.add([1], [["apple"]])
    with pytest.raises(ValueError):
        index.add([1], [["bank"]])
    with pytest.raises(ValueError):
        index.add([2, 2], [["bank"], ["gas"]])
    with pytest.raises(ValueError):
        index.add([3], [["bank"], ["gas"]])
    index.remove([1])
    index.add([1], [["bank"]])  # a removed id may come back, at the end of the order
    assert index.doc_ids() == [1]


def test_large_term_frequency_widens_storage():
    docs = [["apple"] * 70_000 + ["bank"], ["bank", "gas"], ["gas"]]
    index = BM25Index()
    index.add(range(3), docs)
    expected = BM25Okapi(docs).get_scores(["apple", "bank"])
    np.testing.assert_allclose(index.get_scores(["apple", "bank"]), expected, rtol=0, atol=1e-9)


def test_bigger_corpus_exact_bits_and_top_k():
    # Enough documents and rare terms, across segments, for both top_k paths on the same data.
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(400)]
    weights = [1 / (r + 1) for r in range(len(vocab))]
    docs = [rng.choices(vocab, weights, k=rng.randint(0, 25)) for _ in range(3000)]
    index = BM25Index()
    index._delta_max = 500
    for start in range(0, len(docs), 250):
        index.add(range(start, start + 250), docs[start : start + 250], [i % 4 for i in range(250)])
    removed = set(rng.sample(range(len(docs)), 400))
    index.remove(removed)
    live = [i for i in range(len(docs)) if i not in removed]
    ref = BM25Okapi([docs[i] for i in live])
    mask = np.array([i % 250 % 4 == 1 for i in live])
    for _ in range(30):
        query = rng.sample(vocab[50:], 3) + [rng.choice(vocab[:5]), "nope"]
        expected = ref.get_scores(query)
        got = index.get_scores(query)
        np.testing.assert_array_equal(got, expected)
        for path in PATHS:
            with top_k_path(index, path):
                top = index.top_k(query, 10)
                assert [d for d, _ in top] == reference_top(live, expected, 10)
                assert [s for _, s in top] == [expected[live.index(d)] for d, _ in top]
                assert [d for d, _ in index.top_k(query, 10, groups=[1])] == reference_top(live, expected, 10, mask)
        # With the default thresholds (the one-pass path at this size).
        assert [d for d, _ in index.top_k(query, 10)] == reference_top(live, expected, 10)


def test_corrupt_or_missing_files_raise(tmp_path):
    index = BM25Index()
    index.add([1, 2, 3], [["apple", "bank"], ["bank"], ["gas", "gas"]])
    good = tmp_path / "good.npz"
    index.save(good)
    assert BM25Index.load(good).doc_ids() == [1, 2, 3]

    with pytest.raises(IndexFileError):
        BM25Index.load(tmp_path / "missing.npz")

    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not an index at all" * 10)
    with pytest.raises(IndexFileError):
        BM25Index.load(garbage)

    raw = good.read_bytes()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(IndexFileError):
        BM25Index.load(truncated)

    flipped = bytearray(raw)
    flipped[len(raw) // 3] ^= 0xFF
    bad_crc = tmp_path / "flipped.npz"
    bad_crc.write_bytes(bytes(flipped))
    with pytest.raises(IndexFileError):
        BM25Index.load(bad_crc)

    with np.load(good) as npz:
        arrays = {name: npz[name] for name in npz.files}
    other = tmp_path / "other_version.npz"
    np.savez(other, **{**arrays, "format_version": np.array(FORMAT_VERSION + 1)})
    with pytest.raises(IndexFileError, match="version"):
        BM25Index.load(other)

    inconsistent = tmp_path / "inconsistent.npz"
    np.savez(inconsistent, **{**arrays, "lens": arrays["lens"] + 1})
    with pytest.raises(IndexFileError):
        BM25Index.load(inconsistent)

    missing_key = tmp_path / "missing_key.npz"
    np.savez(missing_key, **{k: v for k, v in arrays.items() if k != "post_tfs"})
    with pytest.raises(IndexFileError):
        BM25Index.load(missing_key)

    assert zipfile.is_zipfile(good)


def test_concurrent_queries_see_whole_states():
    rng = random.Random(5)
    docs = [rng.choices(VOCAB, k=rng.randint(1, 6)) for _ in range(40)]
    query = ["apple", "gas", "heat"]
    expected = {n: BM25Okapi(docs[:n]).get_scores(query) for n in range(5, len(docs) + 1)}
    index = BM25Index()
    index._delta_max = 6  # frequent segment merges while readers run
    index.add(range(5), docs[:5])
    seen: list[np.ndarray] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(index.get_scores(query))
            index.top_k(query, 3)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for i in range(5, len(docs)):
            index.add([i], [docs[i]])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert seen
    for scores in seen:
        np.testing.assert_allclose(scores, expected[len(scores)], rtol=0, atol=1e-9)


def test_stats_and_memory():
    index = BM25Index()
    index.add(range(3), [["apple"], ["apple", "bank"], []])
    stats = index.stats()
    assert stats["docs"] == 3 and stats["terms"] == 2 and stats["postings"] == 3
    assert index.memory_bytes() > 0


def test_mean_idf_cancelling_to_zero_keeps_rank_bm25_sign():
    # Raw idfs sum to 0 mathematically; rank_bm25's left-to-right sum leaves ~1.85e-17, so the
    # floored terms score a tiny positive amount and top-k must include those documents too.
    docs = [["apple", "bank", "court"], ["apple", "bank", "delta", "euro", "fire"], ["apple", "court"],
            ["apple", "bank", "court"], ["bank", "court"]]
    index = BM25Index()
    index.add(range(5), docs)
    expected = BM25Okapi(docs).get_scores(["apple"])
    np.testing.assert_array_equal(index.get_scores(["apple"]), expected)
    assert [d for d, _ in index.top_k(["apple"], 2)] == reference_top(list(range(5)), expected, 2)


def test_removal_reorders_vocabulary_like_a_rebuild():
    # After removing doc 0, rank_bm25 meets "bank" before "apple"; the epsilon sum follows that order.
    rng = random.Random(11)
    docs = [["apple"], ["bank", "apple", "court"]] + [rng.choices(VOCAB, k=rng.randint(1, 7)) for _ in range(30)]
    index = BM25Index()
    index.add(range(len(docs)), docs)
    for removed in ([0], [1, 5], [2, 3, 4]):
        index.remove(removed)
        live = index.doc_ids()
        ref = BM25Okapi([docs[i] for i in live])
        for term in VOCAB:
            assert index.idf(term) == ref.idf.get(term, 0.0)
            np.testing.assert_array_equal(index.get_scores([term, "apple"]), ref.get_scores([term, "apple"]))


def test_wide_documents_widen_rank_and_tf_storage(tmp_path):
    # More than 255 distinct terms (ranks) and tfs above 255 arrive after segments already exist.
    rng = random.Random(2)
    docs = [rng.choices(VOCAB, k=rng.randint(1, 6)) for _ in range(40)]
    index = BM25Index()
    index._delta_max = 10
    index.add(range(40), docs)
    wide = [f"t{i}" for i in range(300)] + ["apple"] * 300
    docs.append(wide)
    index.add([40], [wide])
    index.remove([3])
    live = index.doc_ids()
    query = ["apple", "t7", "t299", "gas"]
    expected = BM25Okapi([docs[i] for i in live]).get_scores(query)
    np.testing.assert_array_equal(index.get_scores(query), expected)
    index.save(tmp_path / "wide.npz")
    np.testing.assert_array_equal(BM25Index.load(tmp_path / "wide.npz").get_scores(query), expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_docs=st.integers(1, 150), k=st.integers(1, 12),
       n_groups=st.sampled_from([1, 3, 12]), removed_share=st.sampled_from([0.0, 0.3]), tuning=tuning_st,
       stride=st.sampled_from([1, 2, 3, 32]), chunk=st.sampled_from([1, 4, 1 << 16]))
def test_top_k_paths_agree_with_each_other_and_bm25okapi(seed, n_docs, k, n_groups, removed_share, tuning, stride,
                                                         chunk):
    # Zipf-ish words give long and short lists, many tied scores (same tf and length) and more
    # candidates than k * terms, so the one-pass path's pre-selection by partition is exercised.
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(30)]
    weights = [1 / (r + 1) for r in range(len(vocab))]
    docs = [rng.choices(vocab, weights, k=rng.randint(0, 12)) for _ in range(n_docs)]
    groups = [rng.randrange(n_groups) for _ in range(n_docs)]
    index = make_index(tuning)
    index.add(range(n_docs), docs, groups)
    index.remove([i for i in range(n_docs) if rng.random() < removed_share])
    live = index.doc_ids()
    for _ in range(5):
        query = rng.choices(vocab + ["nope"], k=rng.randint(1, 7))  # repeated words count twice
        expected = reference_scores([docs[i] for i in live], query)
        by_id = dict(zip(live, expected.tolist()))
        wanted = None if rng.random() < 0.3 else set(rng.sample(range(n_groups), rng.randint(0, n_groups)))
        mask = None if wanted is None else np.array([groups[i] in wanted for i in live], dtype=bool)
        tops = {}
        for path in PATHS:
            with top_k_path(index, path, stride, chunk):
                tops[path] = index.top_k(query, k, wanted)
        assert tops["few"] == tops["per_term"]
        assert [d for d, _ in tops["few"]] == reference_top(live, expected, k, mask)
        assert [s for _, s in tops["few"]] == [by_id[d] for d, _ in tops["few"]]


@pytest.mark.parametrize("path", PATHS)
def test_top_k_ties_latest_inserted_first(path):
    docs = [["apple", "bank"]] * 10 + [["court"]] * 40 + [["bank", "gas"]] * 5 + [["apple", "bank"]] * 3
    index = BM25Index()
    index.add(range(len(docs)), docs, [i % 2 for i in range(len(docs))])
    index.remove([56])
    live = index.doc_ids()
    with top_k_path(index, path):
        for query in (["apple"], ["apple", "apple", "bank"], ["gas", "apple"]):
            expected = BM25Okapi([docs[i] for i in live]).get_scores(query)
            assert [d for d, _ in index.top_k(query, 4)] == reference_top(live, expected, 4)
            mask = np.array([i % 2 == 1 for i in live])
            assert [d for d, _ in index.top_k(query, 4, groups=[1])] == reference_top(live, expected, 4, mask)
        assert index.top_k(["apple"], 4, groups=[]) == []
        assert [d for d, _ in index.top_k(["apple"], 2, groups=range(20))] == [57, 55]  # > 8 groups
