"""The library's passage ranking equals rank_bm25.BM25Okapi's on the same tokens, also after changes."""

from __future__ import annotations

import numpy as np
from rank_bm25 import BM25Okapi

from bot.nlp.tokens import query_terms, tokenize

QUERIES = ["Russia withdrawal Syria", "air strikes campaign", "naval base Tartus Latakia",
           "talks positive push", "Putin Putin statement", "unknownword"]


async def _ranking_matches_okapi(library) -> None:
    rows = [r for batch in [b async for b in library.store.iter_passage_rows()] for r in batch]
    okapi = BM25Okapi([tokenize(r.text) for r in rows])
    ids = [r.id for r in rows]
    for q in QUERIES:
        terms = query_terms(q)
        expected_scores = okapi.get_scores(terms)
        order = np.argsort(expected_scores, kind="stable")[::-1]
        expected = [(ids[i], expected_scores[i]) for i in order if expected_scores[i] > 0][:5]
        got = await library.index.search("passages", terms, 5, None)
        assert [i for i, _ in got] == [i for i, _ in expected], q
        assert np.allclose([s for _, s in got], [s for _, s in expected], rtol=0, atol=1e-9)


async def test_ranking_equals_bm25okapi(library) -> None:
    await library.add_text("Harbour news", "The naval base at Tartus stayed open. Russia said the withdrawal would be slow.")
    await _ranking_matches_okapi(library)


async def test_ranking_follows_adds_and_removes(library) -> None:
    added = await library.add_text("Air war", "The air strikes campaign resumed. Strikes hit Latakia.")
    await _ranking_matches_okapi(library)
    await library.remove(added.article.id)
    await _ranking_matches_okapi(library)


async def test_index_rebuilt_from_database_at_start_up(library, settings) -> None:
    from bot.library import Library

    await library.add_text("Extra", "Talks in Geneva gave a positive push, envoys said.")
    reopened = await Library.open(settings)
    try:
        assert reopened.index.size() == library.index.size()
        await _ranking_matches_okapi(reopened)
    finally:
        await reopened.close()


async def test_saved_index_is_loaded_when_current_and_rebuilt_when_stale_or_corrupt(library, settings) -> None:
    from bot.library import Library

    await library.add_text("Extra", "Talks in Geneva gave a positive push, envoys said.")
    await library.save_index()
    directory = settings.index_dir
    assert (directory / "meta.json").is_file()

    current = await Library.open(settings)
    try:
        assert current.index.loaded_from == directory
        await _ranking_matches_okapi(current)
    finally:
        await current.close()

    # Another writer changed the library after the save: the saved index is stale.
    gone = await library.store.remove_article((await library.ask("!articles")).hits[0].article.id)
    assert gone is not None
    stale = await Library.open(settings)
    try:
        assert stale.index.loaded_from is None
        assert stale.index.size() < library.index.size()
    finally:
        await stale.close()

    (directory / "passages.npz").write_bytes(b"not an index")
    (directory / "meta.json").write_text('{"format": 1, "generation": %d}' % await library.store.generation())
    corrupt = await Library.open(settings)
    try:
        assert corrupt.index.loaded_from is None
        await _ranking_matches_okapi(corrupt)
    finally:
        await corrupt.close()


async def test_a_library_of_one_article_answers_from_it(empty_library) -> None:
    """With one or two documents BM25 scores every word they hold at zero or below; a new server's first
    article must still be found by its words."""
    added = await empty_library.add_text(
        "Bridge shuts", "\u201cThe harbour bridge will shut on Monday,\u201d said engineer Mara Lind. "
                        "Repairs take a week.")
    who = await empty_library.ask("!who said the harbour bridge will shut")
    assert who.found and who.answer == "Mara Lind" and who.article.id == added.article.id
    search = await empty_library.ask("!search repairs week")
    assert search.found and search.passage == "Repairs take a week."
    when = await empty_library.ask("!when will the bridge shut")
    assert when.found and when.answer == "Monday"
    assert not (await empty_library.ask("!who said ferries run hourly")).found  # no word of it: still nothing
    assert not (await empty_library.ask("!search ferries hourly")).found
