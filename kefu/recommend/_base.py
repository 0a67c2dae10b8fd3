"""The one interface every recommender implements, and the factory that builds them.

Shaped like the ``implicit`` library: ``fit`` on a users x items CSR matrix, then
``recommend`` and ``similar_items``. Each model only has to say how it *scores* items for a
batch of user histories (``score``) and how similar items are (``similarity_rows``); top-n
selection, filtering and persistence live here once.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.int64]
Progress = Callable[[float], None]
"""Called with the fraction of training done (0..1), for progress bars."""

_MODELS: dict[str, type[Recommender]] = {}


class Recommender(ABC):
    """A model that ranks items for users from implicit feedback.

    ``user_items`` is always a CSR matrix with one row per user and one column per item;
    ``users`` are the rows those users had in the training matrix (``-1`` for a user the
    model never saw, who is then scored from ``user_items`` alone).
    """

    name: ClassVar[str]
    n_items: int = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            _MODELS[cls.name] = cls

    @abstractmethod
    def fit(self, user_items: sparse.csr_matrix, progress: Progress | None = None) -> Self:
        """Learn from a users x items matrix of interaction weights."""

    @abstractmethod
    def score(self, users: IntArray, user_items: sparse.csr_matrix) -> FloatArray:
        """A dense ``(len(users), n_items)`` array; higher means more relevant."""

    @abstractmethod
    def similarity_rows(self, items: IntArray) -> FloatArray:
        """Similarity of each of ``items`` to every item, shape ``(len(items), n_items)``."""

    def params(self) -> dict[str, Any]:
        """Constructor arguments, saved with the model."""
        return {}

    def arrays(self) -> dict[str, Any]:
        """The learned state (numpy arrays or scipy sparse matrices)."""
        return {}

    def restore(self, arrays: dict[str, Any]) -> None:  # noqa: B027  (stateless models keep it)
        """Put back the state returned by :meth:`arrays`."""

    # ------------------------------------------------------------------ shared behaviour

    def recommend(
        self,
        users: IntArray,
        user_items: sparse.csr_matrix,
        n: int = 10,
        *,
        filter_seen: bool = True,
        allowed: NDArray[np.bool_] | None = None,
    ) -> tuple[IntArray, FloatArray]:
        """Top-``n`` item ids and scores per user, best first.

        Items the user already interacted with are dropped when ``filter_seen``; items where
        ``allowed`` is False are always dropped. Rows with fewer candidates are padded with
        id ``-1`` and score ``-inf``.
        """
        scores = self.score(np.asarray(users, dtype=np.int64), user_items).astype(
            np.float32, copy=True
        )
        if filter_seen:
            rows, cols = user_items.nonzero()
            scores[rows, cols] = -np.inf
        if allowed is not None:
            scores[:, ~allowed] = -np.inf
        return top_n(scores, n)

    def similar_items(self, item: int, n: int = 10) -> tuple[IntArray, FloatArray]:
        """The ``n`` items most similar to ``item`` (excluding itself)."""
        sims = self.similarity_rows(np.array([item], dtype=np.int64)).astype(np.float32, copy=True)
        sims[0, item] = -np.inf
        ids, scores = top_n(sims, n)
        return ids[0], scores[0]

    def save(self, path: Path) -> None:
        """Write the model into folder ``path`` (created if missing)."""
        path.mkdir(parents=True, exist_ok=True)
        meta = {"name": self.name, "n_items": self.n_items, "params": self.params()}
        (path / "model.json").write_text(json.dumps(meta, indent=2))
        flat: dict[str, Any] = {}
        for key, value in self.arrays().items():
            if sparse.issparse(value):
                csr = sparse.csr_matrix(value)
                flat[f"{key}__data"] = csr.data
                flat[f"{key}__indices"] = csr.indices
                flat[f"{key}__indptr"] = csr.indptr
                flat[f"{key}__shape"] = np.array(csr.shape)
            else:
                flat[key] = np.asarray(value)
        np.savez(path / "arrays.npz", **flat)

    @classmethod
    def load(cls, path: Path) -> Recommender:
        """Read a model written by :meth:`save` (whatever its concrete class)."""
        from kefu.recommend import _models  # noqa: F401  (registers the implementations)

        meta = json.loads((path / "model.json").read_text())
        model = _MODELS[meta["name"]]._from_params(meta["params"], path)
        model.n_items = int(meta["n_items"])
        arrays: dict[str, Any] = {}
        with np.load(path / "arrays.npz") as npz:
            keys = set(npz.files)
            for key in keys:
                if key.endswith("__data"):
                    base = key.removesuffix("__data")
                    arrays[base] = sparse.csr_matrix(
                        (npz[key], npz[f"{base}__indices"], npz[f"{base}__indptr"]),
                        shape=tuple(npz[f"{base}__shape"]),
                    )
                elif "__" not in key:
                    arrays[key] = npz[key]
        model.restore(arrays)
        return model

    @classmethod
    def _from_params(cls, params: dict[str, Any], path: Path) -> Recommender:
        return cls(**params)


def top_n(scores: FloatArray, n: int) -> tuple[IntArray, FloatArray]:
    """Indices and values of the ``n`` largest entries per row, best first (``-inf`` → id -1)."""
    n_rows, n_cols = scores.shape
    n = max(0, min(n, n_cols))
    if n == 0:
        return np.zeros((n_rows, 0), dtype=np.int64), np.zeros((n_rows, 0), dtype=np.float32)
    if n < n_cols:
        part = np.argpartition(-scores, n - 1, axis=1)[:, :n]
    else:
        part = np.tile(np.arange(n_cols), (n_rows, 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    ids = np.take_along_axis(part, order, axis=1).astype(np.int64)
    vals = np.take_along_axis(part_scores, order, axis=1).astype(np.float32)
    ids[~np.isfinite(vals)] = -1
    return ids, vals


def make_recommender(name: str, **params: Any) -> Recommender:
    """Build the recommender registered as ``name`` (see :func:`available_models`)."""
    from kefu.recommend import _models  # noqa: F401  (registers the implementations)

    try:
        cls = _MODELS[name]
    except KeyError:
        raise ValueError(f"unknown recommender {name!r}; choose one of {sorted(_MODELS)}") from None
    return cls(**params)


def available_models() -> list[str]:
    """Names accepted by :func:`make_recommender`."""
    from kefu.recommend import _models  # noqa: F401

    return sorted(_MODELS)


def row_minmax(scores: FloatArray) -> FloatArray:
    """Scale each row to [0, 1] so scores from different models can be blended."""
    if scores.shape[1] == 0:
        return scores.astype(np.float32)
    lo = scores.min(axis=1, keepdims=True)
    span = scores.max(axis=1, keepdims=True) - lo
    span[span < 1e-12] = 1.0
    return ((scores - lo) / span).astype(np.float32)
