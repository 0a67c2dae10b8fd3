"""Store-facing recommendations: train from orders and events, persist, serve with reasons.

The model ranks; this module decides what may be shown. Business rules (only available
variants, no re-recommending what a customer already bought unless its category is a
repeat purchase, category and price filters) are applied here in code, after scoring, so
they hold whatever model is configured.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field
from scipy import sparse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu import clock
from kefu.config import get_settings
from kefu.recommend._base import FloatArray, Recommender, make_recommender
from kefu.recommend._store import (
    History,
    Offer,
    RecommendSettings,
    StoreData,
    load_histories,
    load_offers,
    load_store_data,
    recommend_settings,
)
from kefu.store.models import Product


class Recommendation(BaseModel):
    """One product to show, with the variant to offer and why (in English and Chinese)."""

    product_id: str
    name: str
    name_zh: str | None = None
    variant_id: str
    price: Decimal
    score: float = Field(description="Model score; higher is better, comparable within one list.")
    reason: str
    reason_zh: str


# --------------------------------------------------------------------------- trained model


@dataclass
class TrainedModel:
    """A fitted recommender with the store ids it was trained on."""

    version: str
    created_at: str
    customer_ids: list[str]
    product_ids: list[str]
    matrix: sparse.csr_matrix
    recommender: Recommender

    def __post_init__(self) -> None:
        self.customer_index = {c: i for i, c in enumerate(self.customer_ids)}
        self.product_index = {p: i for i, p in enumerate(self.product_ids)}
        self.popularity = np.asarray((self.matrix > 0).sum(axis=0), dtype=np.float32).ravel()

    def save(self, root: Path) -> Path:
        """Write under ``root/<version>/`` (the folder appears only when complete)."""
        final = root / self.version
        tmp = root / f".{self.version}.tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        meta = {
            "version": self.version,
            "created_at": self.created_at,
            "customer_ids": self.customer_ids,
            "product_ids": self.product_ids,
        }
        (tmp / "meta.json").write_text(json.dumps(meta))
        sparse.save_npz(tmp / "interactions.npz", self.matrix)
        self.recommender.save(tmp / "model")
        tmp.rename(final)
        return final

    @classmethod
    def load(cls, path: Path) -> TrainedModel:
        """Read a model folder written by :meth:`save`."""
        meta = json.loads((path / "meta.json").read_text())
        return cls(
            version=meta["version"],
            created_at=meta["created_at"],
            customer_ids=meta["customer_ids"],
            product_ids=meta["product_ids"],
            matrix=sparse.csr_matrix(sparse.load_npz(path / "interactions.npz")),
            recommender=Recommender.load(path / "model"),
        )

    def history_vector(self, history: History) -> sparse.csr_matrix:
        """A 1 x items row of the customer's current (live) history."""
        cols = [self.product_index[p] for p in history.weights if p in self.product_index]
        vals = [history.weights[self.product_ids[c]] for c in cols]
        return sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (np.zeros(len(cols), dtype=np.int64), cols)),
            shape=(1, len(self.product_ids)),
        )


def model_root() -> Path:
    """Where trained models live: ``<data_dir>/recommend/``."""
    return get_settings().data_dir / "recommend"


def fingerprint(data: StoreData) -> str:
    """A short hash of the training data, so two versions differ iff their data differ."""
    digest = hashlib.sha256()
    digest.update("\n".join(data.customer_ids).encode())
    digest.update("\n".join(data.product_ids).encode())
    coo = data.matrix.tocoo()
    for array in (coo.row, coo.col, coo.data):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:12]


def build_recommender(data: StoreData, settings: RecommendSettings) -> Recommender:
    """The configured model for this data (popularity when there is nothing to learn)."""
    n_items = len(data.product_ids)
    if n_items == 0 or data.matrix.nnz == 0:
        return make_recommender("popularity")
    name = settings.model
    if name == "content" and not settings.use_content:
        name = settings.cf
    if name in {"hybrid", "content"}:
        vectors = None
        if settings.use_content:
            from kefu.nlu.encoder import get_encoder

            vectors = get_encoder().encode(data.product_texts)
        if name == "content":
            return make_recommender("content", item_vectors=vectors)
        return make_recommender(
            "hybrid", cf=settings.cf, cf_params=_cf_params(settings.cf, data), item_vectors=vectors
        )
    return make_recommender(name, **_cf_params(name, data))


def _cf_params(name: str, data: StoreData) -> dict[str, Any]:
    """EASE's regulariser is tuned on a validation split of the store's own data."""
    if name != "ease":
        return {}
    from kefu.recommend.evaluate import tune

    binary = data.matrix.copy()
    binary.data[:] = 1.0
    if binary.shape[0] < 20:
        return {"l2": 10.0}
    return {
        "l2": float(tune(lambda v: make_recommender("ease", l2=v), [1, 5, 20, 50, 200], binary))
    }


def train_from_store(
    session: Session,
    *,
    settings: RecommendSettings | None = None,
    progress: Callable[[float], None] | None = None,
) -> TrainedModel:
    """Fit the configured recommender on the store's orders and events (not saved)."""
    settings = settings or recommend_settings()
    data = load_store_data(session, settings=settings)
    recommender = build_recommender(data, settings)
    recommender.fit(data.matrix, progress)
    now = clock.now()
    return TrainedModel(
        version=f"{now:%Y%m%dT%H%M%S%f}-{fingerprint(data)}",
        created_at=now.isoformat(),
        customer_ids=data.customer_ids,
        product_ids=data.product_ids,
        matrix=data.matrix,
        recommender=recommender,
    )


def latest_version(root: Path) -> Path | None:
    """The newest complete model folder under ``root`` (versions sort by time)."""
    if not root.is_dir():
        return None
    versions = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    return versions[-1] if versions else None


_lock = threading.Lock()
_loaded: dict[Path, TrainedModel] = {}


def get_recommender(session: Session | None = None) -> TrainedModel:
    """The process-wide model: the latest saved one, or a quick one trained now if none.

    A newer version saved by ``kefu train recommend`` in another process is picked up on
    the next call.
    """
    root = model_root().resolve()
    newest = latest_version(root)
    with _lock:
        cached = _loaded.get(root)
        if cached is not None and (newest is None or newest.name == cached.version):
            return cached
        model = TrainedModel.load(newest) if newest is not None else _train_and_save(session, root)
        _loaded[root] = model
        return model


def _train_and_save(session: Session | None, root: Path) -> TrainedModel:
    if session is not None:
        model = train_from_store(session)
    else:
        from kefu.store.db import session_scope

        with session_scope() as own:
            model = train_from_store(own)
    model.save(root)
    return model


def reload_recommender() -> None:
    """Forget loaded models (after retraining in-process, and in tests)."""
    with _lock:
        _loaded.clear()


# --------------------------------------------------------------------------- serving


def _check_k(k: int, settings: RecommendSettings) -> None:
    if not 1 <= k <= settings.max_k:
        raise ValueError(f"k must be between 1 and {settings.max_k}, got {k}")


def _check_prices(min_price: Decimal | None, max_price: Decimal | None) -> None:
    if min_price is not None and min_price < 0:
        raise ValueError("min_price cannot be negative")
    if min_price is not None and max_price is not None and min_price > max_price:
        raise ValueError(f"min_price {min_price} is above max_price {max_price}")


def _pick(
    session: Session,
    model: TrainedModel,
    scores: FloatArray,
    k: int,
    *,
    exclude: set[str],
    category: str | None,
    min_price: Decimal | None,
    max_price: Decimal | None,
) -> list[tuple[Offer, float]]:
    """Best-scoring products that can be sold now and pass the filters."""
    order = np.argsort(-scores, kind="stable")
    chosen: list[tuple[Offer, float]] = []
    start = 0
    window = 2 * k + 10
    while start < len(order) and len(chosen) < k:
        ids = [
            model.product_ids[i]
            for i in order[start : start + window]
            if model.product_ids[i] not in exclude
        ]
        offers = load_offers(
            session, ids, category=category, min_price=min_price, max_price=max_price
        )
        for product_id in ids:
            if product_id in offers and len(chosen) < k:
                chosen.append((offers[product_id], float(scores[model.product_index[product_id]])))
        start += window
        window *= 4
    return chosen


def _names(session: Session, product_ids: list[str]) -> dict[str, tuple[str, str]]:
    """English and Chinese display names (Chinese falls back to the English name)."""
    if not product_ids:
        return {}
    rows = session.execute(
        select(Product.id, Product.name, Product.name_zh).where(Product.id.in_(product_ids))
    )
    return {pid: (name, name_zh or name) for pid, name, name_zh in rows}


def recommend_for_customer(
    session: Session,
    customer_id: str,
    k: int = 10,
    *,
    category: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
) -> list[Recommendation]:
    """Products for one customer, best first, each with a reason.

    Unknown customers and customers without history get popular products. Raises
    ``ValueError`` for a ``k`` outside 1..max_k or an inverted price range.
    """
    settings = recommend_settings()
    _check_k(k, settings)
    _check_prices(min_price, max_price)
    model = get_recommender(session)
    history = load_histories(session, customer_ids=[customer_id], settings=settings).get(
        customer_id, History()
    )
    row = model.history_vector(history)
    if row.nnz:
        user = np.array([model.customer_index.get(customer_id, -1)], dtype=np.int64)
        scores = model.recommender.score(user, row)[0]
    else:
        scores = model.popularity.copy()
    repeat = set(settings.repeat_categories)
    exclude = set(history.bought)
    if repeat:
        exclude = {p for p in exclude if _category(session, p) not in repeat}
    picks = _pick(
        session,
        model,
        scores,
        k,
        exclude=exclude,
        category=category,
        min_price=min_price,
        max_price=max_price,
    )
    return _explain(session, model, history, picks)


def _category(session: Session, product_id: str) -> str | None:
    return session.scalar(select(Product.category).where(Product.id == product_id))


def _explain(
    session: Session, model: TrainedModel, history: History, picks: list[tuple[Offer, float]]
) -> list[Recommendation]:
    """Attach "because you bought X": the history product most similar to each pick."""
    known = [p for p in history.weights if p in model.product_index]
    sims = None
    if known and picks:
        rows = np.array([model.product_index[p] for p in known], dtype=np.int64)
        cols = np.array([model.product_index[o.product_id] for o, _ in picks], dtype=np.int64)
        sims = model.recommender.similarity_rows(rows)[:, cols]
    names = _names(session, known)
    out = []
    for j, (offer, score) in enumerate(picks):
        reason, reason_zh = "Popular with customers", "深受顾客欢迎"
        if sims is not None and sims.shape[0] and float(sims[:, j].max()) > 0:
            source = known[int(np.argmax(sims[:, j]))]
            en, zh = names.get(source, (source, source))
            if source in history.bought:
                reason, reason_zh = f"Because you bought {en}", f"因为您购买过{zh}"
            else:
                reason, reason_zh = f"Because you looked at {en}", f"因为您浏览过{zh}"
        out.append(_recommendation(offer, score, reason, reason_zh))
    return out


def _recommendation(offer: Offer, score: float, reason: str, reason_zh: str) -> Recommendation:
    return Recommendation(
        product_id=offer.product_id,
        name=offer.name,
        name_zh=offer.name_zh,
        variant_id=offer.variant_id,
        price=offer.price,
        score=round(score, 6),
        reason=reason,
        reason_zh=reason_zh,
    )


def _popular(
    session: Session,
    model: TrainedModel,
    k: int,
    exclude: set[str],
    category: str | None,
    min_price: Decimal | None,
    max_price: Decimal | None,
) -> list[Recommendation]:
    picks = _pick(
        session,
        model,
        model.popularity.copy(),
        k,
        exclude=exclude,
        category=category,
        min_price=min_price,
        max_price=max_price,
    )
    return [_recommendation(o, s, "Popular with customers", "深受顾客欢迎") for o, s in picks]


def similar_products(
    session: Session,
    product_id: str,
    k: int = 10,
    *,
    category: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
) -> list[Recommendation]:
    """Products like ``product_id`` ("similar to X"); popular products if it is unknown."""
    settings = recommend_settings()
    _check_k(k, settings)
    _check_prices(min_price, max_price)
    model = get_recommender(session)
    index = model.product_index.get(product_id)
    if index is None:
        return _popular(session, model, k, {product_id}, category, min_price, max_price)
    sims = model.recommender.similarity_rows(np.array([index], dtype=np.int64))[0]
    picks = _pick(
        session,
        model,
        sims,
        k,
        exclude={product_id},
        category=category,
        min_price=min_price,
        max_price=max_price,
    )
    en, zh = _names(session, [product_id]).get(product_id, (product_id, product_id))
    return [_recommendation(o, s, f"Similar to {en}", f"与{zh}相似") for o, s in picks]


def also_bought(
    session: Session,
    product_id: str,
    k: int = 10,
    *,
    category: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
) -> list[Recommendation]:
    """ "Customers who bought X also bought": co-purchase counts from the training data."""
    settings = recommend_settings()
    _check_k(k, settings)
    _check_prices(min_price, max_price)
    model = get_recommender(session)
    index = model.product_index.get(product_id)
    buyers = (
        model.matrix[:, index].nonzero()[0] if index is not None else np.zeros(0, dtype=np.int64)
    )
    if len(buyers) == 0:
        return _popular(session, model, k, {product_id}, category, min_price, max_price)
    counts = np.asarray((model.matrix[buyers] > 0).sum(axis=0), dtype=np.float32).ravel()
    counts[index] = 0.0
    counts[counts == 0] = -1.0  # never-co-bought products only after every co-bought one
    picks = _pick(
        session,
        model,
        counts,
        k,
        exclude={product_id},
        category=category,
        min_price=min_price,
        max_price=max_price,
    )
    en, zh = _names(session, [product_id]).get(product_id, (product_id, product_id))
    out = []
    for offer, score in picks:
        if score > 0:
            out.append(
                _recommendation(
                    offer,
                    score,
                    f"Customers who bought {en} also bought this",
                    f"购买{zh}的顾客也买了",
                )
            )
        else:
            out.append(_recommendation(offer, 0.0, "Popular with customers", "深受顾客欢迎"))
    return out


def format_recommendations(recommendations: list[Recommendation], language: str = "en") -> str:
    """A chat reply listing the picks with prices and reasons (``zh`` or ``en``)."""
    if not recommendations:
        return (
            "暂时没有合适的推荐商品。"
            if language == "zh"
            else "I have no product to suggest right now."
        )
    if language == "zh":
        lines = ["为您推荐："]
        for i, r in enumerate(recommendations, 1):
            lines.append(f"{i}. {r.name_zh or r.name}（¥{r.price}）— {r.reason_zh}")
    else:
        lines = ["Here are some picks for you:"]
        for i, r in enumerate(recommendations, 1):
            lines.append(f"{i}. {r.name} (${r.price}) — {r.reason}")
    return "\n".join(lines)
