"""Offline evaluation: MovieLens-100k with the Microsoft Recommenders protocol, and
leave-last-purchase-out on a store's own orders.

Protocol (MovieLens): every rating is an implicit interaction; per user, a seeded random 75/25
split (stratified by user); top-10 lists exclude the user's training items; metrics are
averaged over test users. MAP divides the summed precision-at-hit by the number of relevant
test items (the Recommenders ``map`` definition, which their README table uses), not by
``min(k, relevant)``. Coverage is distinct recommended items over distinct training items.
"""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from kefu.recommend._base import IntArray, Recommender, make_recommender

RECBOLE_VERSION = "1.2.1"
ML100K_MEMBER = "recbole/dataset_example/ml-100k/ml-100k"


@dataclass
class Dataset:
    """Interactions as parallel arrays of integer user and item codes."""

    users: IntArray
    items: IntArray
    weights: NDArray[np.float32]
    n_users: int
    n_items: int
    item_texts: list[str] = field(default_factory=list)

    def matrix(self, mask: NDArray[np.bool_] | None = None) -> sparse.csr_matrix:
        """The users x items CSR matrix of (optionally a subset of) the interactions."""
        sel = slice(None) if mask is None else mask
        m = sparse.csr_matrix(
            (self.weights[sel], (self.users[sel], self.items[sel])),
            shape=(self.n_users, self.n_items),
            dtype=np.float32,
        )
        m.sum_duplicates()
        return m


@dataclass
class ModelResult:
    """One row of the comparison table."""

    model: str
    metrics: dict[str, float]
    train_seconds: float
    params: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- data


def fetch_movielens_100k(cache_dir: Path) -> Path:
    """Path prefix of the ml-100k atomic files, taken from the recbole wheel into ``cache_dir``.

    The wheel is fetched with pip (never installed) and only the data files are extracted,
    so nothing of the dataset is committed or vendored.
    """
    out = cache_dir / "ml-100k"
    inter = out / "ml-100k.inter"
    if inter.exists():
        return out / "ml-100k"
    wheel_dir = cache_dir / "recbole"
    wheels = sorted(wheel_dir.glob(f"recbole-{RECBOLE_VERSION}-*.whl"))
    if not wheels:
        wheel_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-q",
            f"recbole=={RECBOLE_VERSION}",
        ]
        subprocess.run([*cmd, "-d", str(wheel_dir)], check=True)
        wheels = sorted(wheel_dir.glob(f"recbole-{RECBOLE_VERSION}-*.whl"))
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheels[0]) as wheel:
        for suffix in (".inter", ".item"):
            (out / f"ml-100k{suffix}").write_bytes(wheel.read(ML100K_MEMBER + suffix))
    return out / "ml-100k"


def load_movielens_100k(cache_dir: Path) -> Dataset:
    """MovieLens-100k as implicit feedback (every rating counts as one interaction)."""
    import pandas as pd

    prefix = fetch_movielens_100k(cache_dir)
    inter = pd.read_csv(f"{prefix}.inter", sep="\t")
    inter.columns = [c.split(":")[0] for c in inter.columns]
    user_codes, _ = pd.factorize(inter["user_id"], sort=True)
    item_codes, item_index = pd.factorize(inter["item_id"], sort=True)
    items = pd.read_csv(f"{prefix}.item", sep="\t")
    items.columns = [c.split(":")[0] for c in items.columns]
    by_id = items.set_index("item_id")
    texts = []
    for item_id in item_index:
        if item_id in by_id.index:
            row = by_id.loc[item_id]
            texts.append(f"{row['movie_title']} ({row['release_year']}). {row['class']}")
        else:
            texts.append(str(item_id))
    return Dataset(
        users=np.asarray(user_codes, dtype=np.int64),
        items=np.asarray(item_codes, dtype=np.int64),
        weights=np.ones(len(inter), dtype=np.float32),
        n_users=int(user_codes.max()) + 1,
        n_items=len(item_index),
        item_texts=texts,
    )


def stratified_split(users: IntArray, ratio: float = 0.75, seed: int = 42) -> NDArray[np.bool_]:
    """A train mask: per user, a seeded random ``ratio`` of their interactions."""
    rng = np.random.default_rng(seed)
    train = np.zeros(len(users), dtype=bool)
    order = np.argsort(users, kind="stable")
    bounds = np.flatnonzero(np.diff(users[order])) + 1
    for group in np.split(order, bounds):
        picked = rng.permutation(group)[: round(ratio * len(group))]
        train[picked] = True
    return train


# --------------------------------------------------------------------------- metrics


def ranking_metrics(
    recommended: IntArray, relevant: sparse.csr_matrix, n_train_items: int
) -> dict[str, float]:
    """MAP, nDCG@k, Precision@k, Recall@k over users with relevant items, and coverage."""
    k = recommended.shape[1]
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    totals = {"map": 0.0, "ndcg@10": 0.0, "precision@10": 0.0, "recall@10": 0.0}
    counted = 0
    for user in range(recommended.shape[0]):
        truth = relevant.indices[relevant.indptr[user] : relevant.indptr[user + 1]]
        if len(truth) == 0:
            continue
        counted += 1
        hits = np.isin(recommended[user], truth)
        n_hits = int(hits.sum())
        ranks = np.flatnonzero(hits)
        totals["precision@10"] += n_hits / k
        totals["recall@10"] += n_hits / len(truth)
        totals["map"] += float(np.sum(np.arange(1, n_hits + 1) / (ranks + 1))) / len(truth)
        ideal = discounts[: min(len(truth), k)].sum()
        totals["ndcg@10"] += float(discounts[ranks].sum()) / ideal
    out = {name: float(value) / max(counted, 1) for name, value in totals.items()}
    shown = np.unique(recommended[recommended >= 0])
    out["coverage"] = len(shown) / max(n_train_items, 1)
    return out


def evaluate(
    model: Recommender, train: sparse.csr_matrix, test: sparse.csr_matrix, k: int = 10
) -> dict[str, float]:
    """Metrics of a fitted ``model`` on ``test`` users, excluding their ``train`` items."""
    users = np.flatnonzero(np.diff(test.indptr) > 0)
    recommended = np.full((train.shape[0], k), -1, dtype=np.int64)
    for start in range(0, len(users), 1024):
        batch = users[start : start + 1024]
        ids, _ = model.recommend(batch, train[batch], n=k)
        recommended[batch] = ids
    n_train_items = int((np.diff(train.tocsc().indptr) > 0).sum())
    return ranking_metrics(recommended, test, n_train_items)


def tune(
    build: Callable[[Any], Recommender],
    grid: Sequence[Any],
    train: sparse.csr_matrix,
    seed: int = 7,
) -> Any:
    """The grid value with the best validation nDCG@10, validating inside ``train`` only.

    The test split is never seen: ``train`` itself is split 75/25 per user again.
    """
    coo = train.tocoo()
    inner = Dataset(coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data, *train.shape)
    mask = stratified_split(inner.users, 0.75, seed)
    fit_part, val_part = inner.matrix(mask), inner.matrix(~mask)
    best, best_score = grid[0], -1.0
    for value in grid:
        score = evaluate(build(value).fit(fit_part), fit_part, val_part)["ndcg@10"]
        if score > best_score:
            best, best_score = value, score
    return best


# --------------------------------------------------------------------------- model zoo


def _item_vectors(texts: list[str]) -> NDArray[np.float32]:
    from kefu.nlu.encoder import get_encoder

    return get_encoder().encode(texts)


DEFAULT_MODELS = ("popularity", "itemknn", "als", "bpr", "ease", "content", "hybrid")


def compare_models(
    data: Dataset,
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    seed: int = 42,
    on_model: Callable[[str], None] | None = None,
) -> list[ModelResult]:
    """Split, tune (on validation), fit and score every model; training time includes tuning."""
    mask = stratified_split(data.users, 0.75, seed)
    train, test = data.matrix(mask), data.matrix(~mask)
    binary = train.copy()
    binary.data[:] = 1.0
    vectors = (
        _item_vectors(data.item_texts)
        if {"content", "hybrid"} & set(models) and data.item_texts
        else None
    )
    results = []
    tuned_l2: float | None = None
    for name in models:
        if on_model:
            on_model(name)
        if name in {"content", "hybrid"} and vectors is None:
            continue
        start = time.perf_counter()
        params: dict[str, Any] = {}
        if name == "ease" or (name == "hybrid" and tuned_l2 is None):
            tuned_l2 = float(
                tune(lambda v: make_recommender("ease", l2=v), [100, 200, 400, 700, 1000], binary)
            )
        if name == "ease":
            params = {"l2": tuned_l2}
            model = make_recommender("ease", l2=tuned_l2)
        elif name == "itemknn":
            params = {
                "neighbours": tune(
                    lambda v: make_recommender("itemknn", neighbours=v), [20, 50, 100], binary
                )
            }
            model = make_recommender("itemknn", **params)
        elif name == "content":
            model = make_recommender("content", item_vectors=vectors)
        elif name == "hybrid":
            params = {"cf": "ease", "l2": tuned_l2}
            model = make_recommender(
                "hybrid", cf="ease", cf_params={"l2": tuned_l2}, item_vectors=vectors
            )
        else:
            model = make_recommender(name)
            params = model.params()
        model.fit(binary)
        took = time.perf_counter() - start
        results.append(ModelResult(name, evaluate(model, binary, test), took, params))
    return results


def best_line(results: Sequence[ModelResult]) -> str:
    """``best: MODEL ndcg@10 X.XXX p@10 X.XXX`` for the model with the highest nDCG@10."""
    best = max(results, key=lambda r: r.metrics["ndcg@10"])
    ndcg, precision = best.metrics["ndcg@10"], best.metrics["precision@10"]
    return f"best: {best.model} ndcg@10 {ndcg:.3f} p@10 {precision:.3f}"
