"""The search index's large-corpus path: two-stage dense scoring ranks like the exact one."""

from __future__ import annotations

import numpy as np
import pytest

from kefu.knowledge import KnowledgeBase, _index
from kefu.knowledge._text import detect_language
from kefu.knowledge.evaluation import load_eval_set
from tests.knowledge.conftest import DEMO, CountingEncoder


def test_two_stage_dense_pass_ranks_like_the_exact_product(
    kb: KnowledgeBase, encoder: CountingEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # shrink the thresholds so the demo documents take the path a 100k-chunk store takes
    monkeypatch.setattr(_index, "COARSE_MIN_ROWS", 20)
    monkeypatch.setattr(_index, "COARSE_DIM", 24)
    monkeypatch.setattr(_index, "COARSE_CANDIDATES", 15)
    kb.ingest_paths([DEMO])
    index = kb.refresh()
    assert index.coarse is not None and len(index) > 3 * 15
    assert index.coarse[1].shape == (len(index), 24)

    questions = [q.query for q in load_eval_set().questions][:40]
    vectors = encoder.inner.encode(questions)
    same_top = 0
    for question, vector in zip(questions, vectors, strict=True):
        offsets = index.language_offsets(detect_language(question))
        exact = index.rank(
            "dense", 5, index.bm25_scores(question), index.embeddings @ vector, None, offsets
        )
        fast = index.rank(
            "dense",
            5,
            index.bm25_scores(question),
            index.dense_scores(vector, None, offsets),
            None,
            offsets,
        )
        same_top += exact[0].row == fast[0].row
        # whatever ranked a hit, it reports its exact cosine
        hits = kb.search(question, k=5, mode="hybrid")
        rows = [int(np.flatnonzero(index.chunk_ids == h.chunk_id)[0]) for h in hits]
        assert [h.dense_score for h in hits] == pytest.approx(
            [float(index.embeddings[r] @ vector) for r in rows], abs=1e-4
        )
    assert same_top >= 38  # the projection keeps the best chunk on top for nearly every question

    # a filter is applied before candidates are chosen, so filtered searches still fill up
    zh_only = kb.search("How do I return an item?", k=5, language="zh", mode="dense")
    assert len(zh_only) == 5 and {h.language for h in zh_only} == {"zh"}


def test_projection_survives_reload_and_small_updates(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_index, "COARSE_MIN_ROWS", 20)
    kb.ingest_paths([DEMO / "faq.en.md", DEMO / "faq.zh.md"])
    built = kb.refresh()
    loaded = _index.SearchIndex.load(kb.index_dir)
    assert loaded is not None and loaded.coarse is not None and built.coarse is not None
    np.testing.assert_array_equal(loaded.coarse[1], built.coarse[1])

    # a small change keeps the projection and projects only the new chunks
    kb.ingest_paths([DEMO / "shipping.en.html"])
    updated = kb.refresh()
    assert 0 < updated.embedded <= len(updated) // 2 and updated.coarse is not None
    np.testing.assert_array_equal(updated.coarse[0], built.coarse[0])
    np.testing.assert_allclose(
        updated.coarse[1], updated.embeddings @ updated.coarse[0], rtol=1e-4, atol=1e-5
    )
