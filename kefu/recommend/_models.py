"""The recommenders: popularity, item-kNN, EASE, ALS, BPR, content-based, and a hybrid.

Each plugs into :class:`~kefu.recommend._base.Recommender`; ALS and BPR are the
``implicit`` library's, the rest are a few lines of numpy/scipy each.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Self

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from scipy import sparse

from kefu.recommend._base import (
    FloatArray,
    IntArray,
    Progress,
    Recommender,
    make_recommender,
    row_minmax,
)


def _unit_rows(matrix: FloatArray) -> FloatArray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


class Popularity(Recommender):
    """Most-interacted items first: the cold-start answer and the baseline to beat."""

    name = "popularity"

    def __init__(self) -> None:
        self.counts = np.zeros(0, dtype=np.float32)

    def fit(self, user_items: sparse.csr_matrix, progress: Progress | None = None) -> Self:
        self.n_items = user_items.shape[1]
        # distinct users per item, so one heavy buyer cannot make an item "popular"
        self.counts = np.asarray((user_items > 0).sum(axis=0), dtype=np.float32).ravel()
        if progress:
            progress(1.0)
        return self

    def score(self, users: IntArray, user_items: sparse.csr_matrix) -> FloatArray:
        return np.tile(self.counts, (len(users), 1))

    def similarity_rows(self, items: IntArray) -> FloatArray:
        return np.tile(self.counts / max(float(self.counts.max(initial=0.0)), 1.0), (len(items), 1))

    def arrays(self) -> dict[str, Any]:
        return {"counts": self.counts}

    def restore(self, arrays: dict[str, Any]) -> None:
        self.counts = arrays["counts"].astype(np.float32)


class ItemKNN(Recommender):
    """Item-item cosine similarity with shrinkage, keeping each item's ``neighbours`` best.

    Shrinkage damps similarities that rest on a handful of shared users; pruning keeps the
    model sparse, and the co-occurrence is computed in blocks so memory stays bounded.
    """

    name = "itemknn"

    def __init__(self, neighbours: int = 100, shrink: float = 10.0, block: int = 512) -> None:
        self.neighbours = neighbours
        self.shrink = shrink
        self.block = block
        self.sim = sparse.csr_matrix((0, 0), dtype=np.float32)

    def params(self) -> dict[str, Any]:
        return {"neighbours": self.neighbours, "shrink": self.shrink, "block": self.block}

    def fit(self, user_items: sparse.csr_matrix, progress: Progress | None = None) -> Self:
        x = sparse.csc_matrix(user_items, dtype=np.float32)
        n = x.shape[1]
        self.n_items = n
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel())
        xt = sparse.csr_matrix(x.T)
        blocks = []
        keep = min(self.neighbours, max(n - 1, 0))
        for start in range(0, n, self.block):
            stop = min(start + self.block, n)
            co = np.asarray((xt[start:stop] @ x).todense(), dtype=np.float32)
            co /= norms[start:stop, None] * norms[None, :] + self.shrink + 1e-12
            co[np.arange(stop - start), np.arange(start, stop)] = 0.0
            if 0 < keep < n:
                cut = np.argpartition(-co, keep - 1, axis=1)[:, keep:]
                np.put_along_axis(co, cut, 0.0, axis=1)
            blocks.append(sparse.csr_matrix(co))
            if progress:
                progress(stop / n)
        self.sim = sparse.csr_matrix(sparse.vstack(blocks)) if blocks else sparse.csr_matrix((0, 0))
        return self

    def score(self, users: IntArray, user_items: sparse.csr_matrix) -> FloatArray:
        return np.asarray((user_items @ self.sim).todense(), dtype=np.float32)

    def similarity_rows(self, items: IntArray) -> FloatArray:
        return np.asarray(self.sim[items].todense(), dtype=np.float32)

    def arrays(self) -> dict[str, Any]:
        return {"sim": self.sim}

    def restore(self, arrays: dict[str, Any]) -> None:
        self.sim = sparse.csr_matrix(arrays["sim"], dtype=np.float32)


class EASE(Recommender):
    """Embarrassingly Shallow Autoencoder (Steck 2019): one closed-form item-item matrix.

    ``B = I - P / diag(P)`` with ``P = (XᵀX + λI)⁻¹`` and a zero diagonal. Exact and fast for
    catalogues up to a few tens of thousands of items (memory grows with items²).
    """

    name = "ease"

    def __init__(self, l2: float = 300.0, max_items: int = 25_000) -> None:
        self.l2 = l2
        self.max_items = max_items
        self.weights = np.zeros((0, 0), dtype=np.float32)

    def params(self) -> dict[str, Any]:
        return {"l2": self.l2, "max_items": self.max_items}

    def fit(self, user_items: sparse.csr_matrix, progress: Progress | None = None) -> Self:
        n = user_items.shape[1]
        if n > self.max_items:
            raise ValueError(
                f"EASE needs an items x items matrix; {n} items exceeds max_items={self.max_items}"
            )
        self.n_items = n
        x = sparse.csr_matrix(user_items, dtype=np.float64)
        gram = np.asarray((x.T @ x).todense(), dtype=np.float64)
        gram[np.diag_indices(n)] += self.l2
        if progress:
            progress(0.3)
        p = np.linalg.inv(gram)
        b = -p / np.diag(p)[None, :]
        b[np.diag_indices(n)] = 0.0
        self.weights = b.astype(np.float32)
        if progress:
            progress(1.0)
        return self

    def score(self, users: IntArray, user_items: sparse.csr_matrix) -> FloatArray:
        return np.asarray(user_items @ self.weights, dtype=np.float32)

    def similarity_rows(self, items: IntArray) -> FloatArray:
        return self.weights[items]

    def arrays(self) -> dict[str, Any]:
        return {"weights": self.weights}

    def restore(self, arrays: dict[str, Any]) -> None:
        self.weights = arrays["weights"].astype(np.float32)


class _ImplicitMF(Recommender):
    """Shared wrapper for the ``implicit`` library's matrix factorisation models."""

    def __init__(self, **params: Any) -> None:
        self._params = params
        self.user_factors = np.zeros((0, 0), dtype=np.float32)
        self.item_factors = np.zeros((0, 0), dtype=np.float32)

    def _model(self) -> Any:
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        return dict(self._params)

    def fit(self, user_items: sparse.csr_matrix, progress: Progress | None = None) -> Self:
        self.n_items = user_items.shape[1]
        model = self._model()
        iterations = int(self._params.get("iterations", 15))
        done = 0

        def callback(*_args: Any) -> None:
            nonlocal done
            done += 1
            if progress:
                progress(min(done / max(iterations, 1), 1.0))

        model.fit(
            sparse.csr_matrix(user_items, dtype=np.float32), show_progress=False, callback=callback
        )
        self.user_factors = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors = np.asarray(model.item_factors, dtype=np.float32)
        return self

    def _fold_in(self, history: sparse.csr_matrix) -> FloatArray:
        """Factors for a user the model never saw, from their history alone."""
        idx = history.indices
        if len(idx) == 0:
            return np.zeros(self.item_factors.shape[1], dtype=np.float32)
        weights = history.data / history.data.sum()
        return np.asarray(weights @ self.item_factors[idx], dtype=np.float32)

    def score(self, users: IntArray, user_items: sparse.csr_matrix) -> FloatArray:
        vectors = np.empty((len(users), self.item_factors.shape[1]), dtype=np.float32)
        known = (users >= 0) & (users < len(self.user_factors))
        vectors[known] = self.user_factors[users[known]]
        for row in np.flatnonzero(~known):
            vectors[row] = self._fold_in(user_items[row])
        return vectors @ self.item_factors.T

    def similarity_rows(self, items: IntArray) -> FloatArray:
        unit = _unit_rows(self.item_factors)
        return unit[items] @ unit.T

    def arrays(self) -> dict[str, Any]:
        return {"user_factors": self.user_factors, "item_factors": self.item_factors}

    def restore(self, arrays: dict[str, Any]) -> None:
        self.user_factors = arrays["user_factors"].astype(np.float32)
        self.item_factors = arrays["item_factors"].astype(np.float32)


class ALS(_ImplicitMF):
    """Implicit-feedback ALS (Hu, Koren, Volinsky 2008) from ``implicit``."""

    name = "als"

    def __init__(
        self,
        factors: int = 64,
        regularization: float = 0.05,
        alpha: float = 2.0,
        iterations: int = 15,
        random_state: int = 42,
    ) -> None:
        super().__init__(
            factors=factors,
            regularization=regularization,
            alpha=alpha,
            iterations=iterations,
            random_state=random_state,
        )

    def _model(self) -> Any:
        from implicit.cpu.als import AlternatingLeastSquares

        return AlternatingLeastSquares(num_threads=1, **self._params)

    def _fold_in(self, history: sparse.csr_matrix) -> FloatArray:
        """One exact ALS least-squares step for the user, with the item factors fixed."""
        idx = history.indices
        if len(idx) == 0:
            return np.zeros(self.item_factors.shape[1], dtype=np.float32)
        y = self.item_factors.astype(np.float64)
        conf = 1.0 + float(self._params["alpha"]) * history.data.astype(np.float64)
        yi = y[idx]
        a = (
            y.T @ y
            + (yi.T * (conf - 1.0)) @ yi
            + float(self._params["regularization"]) * np.eye(y.shape[1])
        )
        return np.linalg.solve(a, yi.T @ conf).astype(np.float32)


class BPR(_ImplicitMF):
    """Bayesian Personalised Ranking (Rendle et al. 2009) from ``implicit``."""

    name = "bpr"

    def __init__(
        self,
        factors: int = 64,
        learning_rate: float = 0.05,
        regularization: float = 0.01,
        iterations: int = 100,
        random_state: int = 42,
    ) -> None:
        super().__init__(
            factors=factors,
            learning_rate=learning_rate,
            regularization=regularization,
            iterations=iterations,
            random_state=random_state,
        )

    def _model(self) -> Any:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        return BayesianPersonalizedRanking(num_threads=1, **self._params)

    def _fold_in(self, history: sparse.csr_matrix) -> FloatArray:
        vector = super()._fold_in(history)
        if len(history.indices):
            vector[-1] = 1.0  # implicit's BPR keeps the item bias in the last factor
        return vector


class Content(Recommender):
    """Items close in text-embedding space to what the user interacted with.

    Works for products nobody has bought yet, which collaborative models cannot rank.
    """

    name = "content"

    def __init__(self, item_vectors: FloatArray | None = None) -> None:
        self.vectors = (
            _unit_rows(np.asarray(item_vectors, dtype=np.float32))
            if item_vectors is not None
            else None
        )
        if self.vectors is not None:
            self.n_items = len(self.vectors)

    def _v(self) -> FloatArray:
        if self.vectors is None:
            raise ValueError("content recommender needs item_vectors")
        return self.vectors

    def fit(self, user_items: sparse.csr_matrix, progress: Progress | None = None) -> Self:
        if user_items.shape[1] != len(self._v()):
            raise ValueError(
                f"{user_items.shape[1]} items in the matrix but {len(self._v())} item vectors"
            )
        if progress:
            progress(1.0)
        return self

    def score(self, users: IntArray, user_items: sparse.csr_matrix) -> FloatArray:
        profiles = _unit_rows(np.asarray(user_items @ self._v(), dtype=np.float32))
        return profiles @ self._v().T

    def similarity_rows(self, items: IntArray) -> FloatArray:
        return self._v()[items] @ self._v().T

    def arrays(self) -> dict[str, Any]:
        return {"vectors": self._v()}

    def restore(self, arrays: dict[str, Any]) -> None:
        self.vectors = arrays["vectors"].astype(np.float32)


class Hybrid(Recommender):
    """Blends a collaborative model with content and popularity by history length.

    A user with ``n`` interactions gets weight ``n / (n + half_life)`` on the collaborative
    scores; the rest goes to content similarity (share ``content_share``) and popularity. With
    no history only popularity is left, so a brand-new customer still gets an answer.
    """

    name = "hybrid"

    def __init__(
        self,
        cf: str | Recommender = "ease",
        item_vectors: FloatArray | None = None,
        half_life: float = 3.0,
        content_share: float = 0.5,
        cf_params: dict[str, Any] | None = None,
    ) -> None:
        self.cf = cf if isinstance(cf, Recommender) else make_recommender(cf, **(cf_params or {}))
        self.content: Content | None = Content(item_vectors) if item_vectors is not None else None
        self.popularity = Popularity()
        self.half_life = half_life
        self.content_share = content_share

    def params(self) -> dict[str, Any]:
        return {"half_life": self.half_life, "content_share": self.content_share}

    def _parts(self) -> dict[str, Recommender]:
        parts: dict[str, Recommender] = {"cf": self.cf, "popularity": self.popularity}
        if self.content is not None:
            parts["content"] = self.content
        return parts

    def fit(self, user_items: sparse.csr_matrix, progress: Progress | None = None) -> Self:
        self.n_items = user_items.shape[1]
        parts = list(self._parts().values())
        for i, part in enumerate(parts):

            def step(fraction: float, i: int = i) -> None:
                if progress:
                    progress((i + fraction) / len(parts))

            part.fit(user_items, step)
        return self

    def weights(self, history_lengths: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Per-user weights of (collaborative, content, popularity)."""
        n = np.asarray(history_lengths, dtype=np.float32)
        cf = n / (n + self.half_life)
        rest = 1.0 - cf
        content = (
            np.where(n > 0, rest * self.content_share, 0.0)
            if self.content is not None
            else np.zeros_like(n)
        )
        return (
            cf.astype(np.float32),
            content.astype(np.float32),
            (rest - content).astype(np.float32),
        )

    def score(self, users: IntArray, user_items: sparse.csr_matrix) -> FloatArray:
        w_cf, w_content, w_pop = self.weights(np.diff(user_items.indptr).astype(np.float32))
        out = w_pop[:, None] * row_minmax(self.popularity.score(users, user_items))
        if w_cf.any():
            out += w_cf[:, None] * row_minmax(self.cf.score(users, user_items))
        if self.content is not None and w_content.any():
            out += w_content[:, None] * row_minmax(self.content.score(users, user_items))
        return out.astype(np.float32)

    def similarity_rows(self, items: IntArray) -> FloatArray:
        """Collaborative similarity blended with text similarity; text alone for new items.

        An item's collaborative weight grows with its buyers, like a user's with history.
        """
        sims = row_minmax(self.cf.similarity_rows(items))
        if self.content is None:
            return sims
        counts = self.popularity.counts[items]
        w_cf = ((1.0 - self.content_share) * counts / (counts + self.half_life)).astype(np.float32)
        content = row_minmax(self.content.similarity_rows(items))
        return w_cf[:, None] * sims + (1.0 - w_cf[:, None]) * content

    def save(self, path: Path) -> None:
        super().save(path)
        for key, part in self._parts().items():
            part.save(path / key)

    @classmethod
    def _from_params(cls, params: dict[str, Any], path: Path) -> Recommender:
        model = cls(cf=Recommender.load(path / "cf"), **params)
        model.popularity = Recommender.load(path / "popularity")  # type: ignore[assignment]
        if (path / "content").exists():
            model.content = Recommender.load(path / "content")  # type: ignore[assignment]
        return model
