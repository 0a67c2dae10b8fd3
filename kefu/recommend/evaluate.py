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
from sqlalchemy import select
from sqlalchemy.orm import Session

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
    """MAP, nDCG@k, Precision@k, Recall@k, hit rate over users with relevant items; coverage."""
    k = recommended.shape[1]
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    totals = {"map": 0.0, "ndcg@10": 0.0, "precision@10": 0.0, "recall@10": 0.0, "hit@10": 0.0}
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
        totals["hit@10"] += float(n_hits > 0)
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


def build_model(
    name: str,
    train: sparse.csr_matrix,
    item_vectors: NDArray[np.float32] | None,
    *,
    ease_grid: Sequence[float] = (100, 200, 400, 700, 1000),
    cache: dict[str, Any] | None = None,
) -> tuple[Recommender, dict[str, Any]]:
    """An unfitted model with hyper-parameters tuned on a validation split of ``train``."""
    cache = {} if cache is None else cache
    binary = train.copy()
    binary.data[:] = 1.0
    if name in {"ease", "hybrid"} and "l2" not in cache:
        started = time.perf_counter()
        cache["l2"] = float(tune(lambda v: make_recommender("ease", l2=v), list(ease_grid), binary))
        cache["tune_seconds"] = time.perf_counter() - started
    if name == "ease":
        return make_recommender("ease", l2=cache["l2"]), {"l2": cache["l2"]}
    if name == "itemknn":
        params = {
            "neighbours": tune(
                lambda v: make_recommender("itemknn", neighbours=v), [20, 50, 100], binary
            )
        }
        return make_recommender("itemknn", **params), params
    if name == "content":
        return make_recommender("content", item_vectors=item_vectors), {}
    if name == "hybrid":
        model = make_recommender(
            "hybrid", cf="ease", cf_params={"l2": cache["l2"]}, item_vectors=item_vectors
        )
        return model, {"cf": "ease", "l2": cache["l2"], **model.params()}
    model = make_recommender(name)
    return model, model.params()


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
    train.data[:] = 1.0
    test.data[:] = 1.0
    wants_text = bool({"content", "hybrid"} & set(models)) and bool(data.item_texts)
    vectors = _item_vectors(data.item_texts) if wants_text else None
    results = []
    cache: dict[str, Any] = {}
    for name in models:
        if on_model:
            on_model(name)
        if name in {"content", "hybrid"} and vectors is None:
            continue
        start = time.perf_counter()
        model, params = build_model(name, train, vectors, cache=cache)
        model.fit(train)
        took = time.perf_counter() - start
        if name == "hybrid" and "tune_seconds" in cache:
            took += cache["tune_seconds"] if "ease" in models else 0.0  # shares EASE's tuning
        results.append(ModelResult(name, evaluate(model, train, test), took, params))
    return results


STORE_MODELS = ("popularity", "itemknn", "als", "bpr", "ease", "content", "hybrid")


def leave_last_purchase_out(
    session: Session,
    models: Sequence[str] = STORE_MODELS,
    *,
    k: int = 10,
    on_model: Callable[[str], None] | None = None,
) -> tuple[list[ModelResult], int]:
    """Hold out each repeat customer's last order and ask whether it shows up in the top ``k``.

    "Last" is the latest ``placed_at`` when every order of the customer has one, else the
    highest per-customer order position. Only products new to the customer count as
    targets (a re-bought product is excluded from both the top-k and the targets), and
    cancelled orders never count as purchases. Returns the results and the number of
    customers evaluated.
    """
    from kefu.recommend._store import load_store_data
    from kefu.store.models import Order, OrderItem

    rows = session.execute(
        select(Order.id, Order.customer_id, Order.placed_at, Order.customer_position, Order.status)
    )
    by_customer: dict[str, list[tuple[Any, int, str]]] = {}
    for order_id, customer_id, placed_at, position, status in rows:
        if (status or "").lower() != "cancelled":
            by_customer.setdefault(customer_id, []).append((placed_at, position, order_id))
    held: dict[str, str] = {}
    for customer_id, orders in by_customer.items():
        if len(orders) < 2:
            continue
        if all(o[0] is not None for o in orders):
            last = max(orders, key=lambda o: (o[0], o[1]))
        else:
            last = max(orders, key=lambda o: o[1])
        held[last[2]] = customer_id
    data = load_store_data(session, skip_orders=set(held))
    row_of = {c: i for i, c in enumerate(data.customer_ids)}
    col_of = {p: i for i, p in enumerate(data.product_ids)}
    items = session.execute(
        select(OrderItem.order_id, OrderItem.product_id).where(OrderItem.order_id.in_(list(held)))
    )
    test_rows, test_cols = [], []
    for order_id, product_id in items:
        row, col = row_of.get(held[order_id]), col_of.get(product_id)
        if row is not None and col is not None and data.matrix[row, col] == 0:
            test_rows.append(row)
            test_cols.append(col)
    test = sparse.csr_matrix(
        (np.ones(len(test_rows), dtype=np.float32), (test_rows, test_cols)), shape=data.matrix.shape
    )
    test.data[:] = 1.0
    vectors = _item_vectors(data.product_texts) if {"content", "hybrid"} & set(models) else None
    results = []
    cache: dict[str, Any] = {}
    for name in models:
        if on_model:
            on_model(name)
        start = time.perf_counter()
        model, params = build_model(
            name, data.matrix, vectors, ease_grid=(1, 5, 20, 50, 200), cache=cache
        )
        model.fit(data.matrix)
        took = time.perf_counter() - start
        results.append(ModelResult(name, evaluate(model, data.matrix, test, k), took, params))
    return results, int((np.diff(test.indptr) > 0).sum())


METRIC_COLUMNS = ("map", "ndcg@10", "precision@10", "recall@10", "hit@10", "coverage")


def results_markdown(
    results: Sequence[ModelResult], columns: Sequence[str] = METRIC_COLUMNS
) -> str:
    """A Markdown table of the comparison (one row per model)."""
    head = "| model | " + " | ".join(columns) + " | train s |"
    rule = "|---|" + "---:|" * (len(columns) + 1)
    lines = [head, rule]
    for r in results:
        cells = " | ".join(f"{r.metrics[c]:.3f}" for c in columns)
        lines.append(f"| {r.model} | {cells} | {r.train_seconds:.2f} |")
    return "\n".join(lines)


def best_line(results: Sequence[ModelResult]) -> str:
    """``best: MODEL ndcg@10 X.XXX p@10 X.XXX`` for the model with the highest nDCG@10."""
    best = max(results, key=lambda r: r.metrics["ndcg@10"])
    ndcg, precision = best.metrics["ndcg@10"], best.metrics["precision@10"]
    return f"best: {best.model} ndcg@10 {ndcg:.3f} p@10 {precision:.3f}"
