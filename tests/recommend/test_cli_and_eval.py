"""``kefu train recommend`` on a store and the MovieLens-100k evaluation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sqlalchemy import Engine
from typer.testing import CliRunner

from kefu.cli.main import app
from kefu.recommend import model_root
from kefu.recommend.evaluate import (
    best_line,
    compare_models,
    load_movielens_100k,
    ranking_metrics,
    stratified_split,
)

ROOT = Path(__file__).resolve().parents[2]


def test_train_command_saves_a_loadable_version(sqlite_tau2_engine: Engine) -> None:
    result = CliRunner().invoke(app, ["train", "recommend"])
    assert result.exit_code == 0, result.output
    assert "438 customers x 50 products" in result.output
    versions = list(model_root().iterdir())
    assert len(versions) == 1 and versions[0].name in result.output


def test_metrics_match_a_hand_worked_example() -> None:
    recommended = np.array([[0, 1, 2], [7, 8, 9]])
    relevant = sparse.csr_matrix(([1.0, 1.0, 1.0], ([0, 0, 1], [1, 5, 3])), shape=(2, 10))
    m = ranking_metrics(recommended, relevant, n_train_items=6)
    # user 0: one hit at rank 2 of 2 relevant; user 1: no hit
    assert m["precision@10"] == pytest.approx((1 / 3) / 2)
    assert m["recall@10"] == pytest.approx((1 / 2) / 2)
    assert m["map"] == pytest.approx((1 / 2 / 2) / 2)
    assert m["ndcg@10"] == pytest.approx((1 / np.log2(3)) / (1 + 1 / np.log2(3)) / 2)
    assert m["hit@10"] == pytest.approx(0.5)
    assert m["coverage"] == pytest.approx(6 / 6)


def test_stratified_split_holds_out_a_quarter_of_every_user() -> None:
    users = np.repeat(np.arange(5), [4, 8, 12, 20, 40])
    train = stratified_split(users, 0.75, seed=3)
    for user, count in enumerate([4, 8, 12, 20, 40]):
        assert train[users == user].sum() == round(0.75 * count)
    assert np.array_equal(train, stratified_split(users, 0.75, seed=3))


@pytest.mark.slow
def test_ease_on_movielens_beats_the_published_bivae_row() -> None:
    data = load_movielens_100k(ROOT / ".cache")
    assert (data.n_users, data.n_items, len(data.users)) == (943, 1682, 100_000)
    results = compare_models(data, ["popularity", "ease"])
    by_name = {r.model: r.metrics for r in results}
    assert by_name["ease"]["ndcg@10"] >= 0.475 and by_name["ease"]["precision@10"] >= 0.412
    assert by_name["popularity"]["ndcg@10"] < by_name["ease"]["ndcg@10"]
    assert best_line(results).startswith("best: ease ndcg@10 ")
