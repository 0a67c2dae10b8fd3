"""Every recommender on the same small, clearly structured data, through the shared interface."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from kefu.recommend import Recommender, make_recommender
from tests.recommend.conftest import clustered

COLLABORATIVE = ["itemknn", "ease", "als", "bpr"]


def _fitted(name: str, train: sparse.csr_matrix) -> Recommender:
    params = {"iterations": 200, "learning_rate": 0.05} if name == "bpr" else {}
    if name == "ease":
        params = {"l2": 5.0}
    return make_recommender(name, **params).fit(train)


@pytest.mark.parametrize("name", COLLABORATIVE)
def test_known_user_gets_items_from_their_taste_group(name: str) -> None:
    train = clustered()
    model = _fitted(name, train)
    ids, _ = model.recommend(np.array([0, 150]), train[[0, 150]], n=3)
    assert set(ids[0]) <= set(range(10))
    assert set(ids[1]) <= set(range(10, 20))


@pytest.mark.parametrize("name", COLLABORATIVE)
def test_new_user_is_scored_from_history_alone(name: str) -> None:
    model = _fitted(name, clustered())
    history = sparse.csr_matrix(
        ([1.0, 1.0, 1.0], ([0, 0, 0], [11, 12, 13])), shape=(1, 20), dtype=np.float32
    )
    ids, _ = model.recommend(np.array([-1]), history, n=3)
    assert set(ids[0]) <= set(range(10, 20)) - {11, 12, 13}


@pytest.mark.parametrize("name", [*COLLABORATIVE, "popularity"])
def test_seen_and_disallowed_items_are_never_recommended(name: str) -> None:
    train = clustered()
    model = _fitted(name, train)
    allowed = np.ones(20, dtype=bool)
    allowed[[0, 1, 2, 3, 4]] = False
    ids, scores = model.recommend(np.arange(100), train[:100], n=10, allowed=allowed)
    for user in range(100):
        shown = set(ids[user][ids[user] >= 0])
        assert not shown & set(train[user].indices)
        assert not shown & {0, 1, 2, 3, 4}
    assert np.all(np.diff(scores, axis=1)[np.isfinite(scores[:, 1:])] <= 0)


@pytest.mark.parametrize("name", [*COLLABORATIVE, "popularity", "content", "hybrid"])
def test_saved_model_reloads_with_identical_scores(name: str, tmp_path: Path) -> None:
    train = clustered()
    vectors = np.random.default_rng(1).normal(size=(20, 8)).astype(np.float32)
    if name == "content":
        model = make_recommender("content", item_vectors=vectors).fit(train)
    elif name == "hybrid":
        model = make_recommender("hybrid", cf="ease", item_vectors=vectors).fit(train)
    else:
        model = _fitted(name, train)
    model.save(tmp_path / name)
    loaded = Recommender.load(tmp_path / name)
    users = np.array([0, 5, -1])
    rows = sparse.vstack([train[0], train[5], train[7]]).tocsr()
    assert type(loaded) is type(model)
    np.testing.assert_allclose(
        loaded.score(users, rows), model.score(users, rows), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        loaded.similarity_rows(np.array([3])), model.similarity_rows(np.array([3])), atol=1e-6
    )


def test_hybrid_without_history_ranks_by_popularity() -> None:
    train = clustered()
    train = sparse.vstack(
        [train, sparse.csr_matrix(([1.0] * 30, ([0] * 30, [19] * 30)), shape=(1, 20))]
    ).tocsr()
    train = sparse.csr_matrix(train)
    train.sum_duplicates()
    model = make_recommender("hybrid", cf="ease").fit(train)
    popularity = np.asarray((train > 0).sum(axis=0)).ravel()
    ids, _ = model.recommend(np.array([-1]), sparse.csr_matrix((1, 20), dtype=np.float32), n=1)
    assert ids[0, 0] == int(np.argmax(popularity))


def test_content_model_finds_a_never_bought_item_by_its_text() -> None:
    keep = np.ones(20, dtype=np.float32)
    keep[19] = 0.0  # nobody bought item 19 ...
    train = sparse.csr_matrix(clustered() @ sparse.diags(keep))
    train.eliminate_zeros()
    vectors = np.eye(20, dtype=np.float32)
    vectors[19] = vectors[3]  # ... but it is described like item 3
    model = make_recommender("content", item_vectors=vectors).fit(train)
    history = sparse.csr_matrix(([1.0], ([0], [3])), shape=(1, 20), dtype=np.float32)
    ids, _ = model.recommend(np.array([-1]), history, n=1)
    assert ids[0, 0] == 19


def test_unknown_model_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown recommender 'bivae'"):
        make_recommender("bivae")


def test_ease_refuses_catalogues_beyond_its_memory_budget() -> None:
    with pytest.raises(ValueError, match="max_items"):
        make_recommender("ease", max_items=10).fit(clustered())
