"""The trained sentiment model: hashed n-gram TF-IDF + logistic regression, per language.

Why this shape: it trains in seconds on two cores, needs no GPU or model hub, and its
artifact is only the weights of the n-grams seen at least twice (indices, idf, weight in a
compressed ``.npz``), so it ships inside the package. Features:

- zh: character 1-3-grams (negation like 不好 / 没收到 is kept inside the n-gram);
- en: word 1-2-grams with negation marking (words after "not/never/n't" up to the clause end
  get a ``NOT_`` twin) plus character 2-4-grams within words.

zh adds a second stage (:class:`StackedSentimentModel`): a logistic regression over the
n-gram model's log-odds and those of a small network on the multilingual USE sentence
embedding (already a runtime dependency), which reads meaning the n-grams miss; it added
~1.4 points of validation accuracy (docs/reviews.md) for ~0.25 MB and one encoder call.

``kefu train sentiment`` rebuilds the artifacts from the public corpora
(:mod:`kefu.reviews.corpora`); without them :func:`get_model` returns None and
:mod:`kefu.reviews.sentiment` falls back to its lexicon.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from kefu.reviews import _lexicon as lex

N_FEATURES = 2**21
ARTIFACT_DIR = Path(__file__).parent / "data"
_EN_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[!?]")
_CLAUSE_END = re.compile(r"[.,;:!?]")


def _en_tokens(text: str) -> list[str]:
    """Words with negation scope marked until the next punctuation mark."""
    out: list[str] = []
    for clause in _CLAUSE_END.split(text.lower().replace("’", "'")):
        negated = False
        for word in _EN_TOKEN.findall(clause):
            out.append(f"NOT_{word}" if negated else word)
            if word in lex.NEGATORS_EN or word.endswith("n't"):
                negated = True
    return out


def _features(text: str, language: str) -> list[str]:
    if language == "zh":
        chars = re.sub(r"\s+", " ", text.strip())
        return [chars[i : i + n] for n in (1, 2, 3) for i in range(len(chars) - n + 1)]
    words = _en_tokens(text)
    grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    for word in words:
        padded = f" {word.removeprefix('NOT_')} "
        grams += [f"#{padded[i : i + n]}" for n in (3, 4) for i in range(len(padded) - n + 1)]
    return grams


def _hash_matrix(texts: Sequence[str], language: str) -> sparse.csr_matrix:
    """Raw n-gram counts in a hashed space (no vocabulary to store)."""
    from sklearn.feature_extraction import FeatureHasher

    hasher = FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)
    return hasher.transform(_features(t, language) for t in texts).tocsr()


class LinearSentimentModel:
    """TF-IDF weighting + linear weights over hashed n-grams; ``score`` = 2·P(positive) − 1."""

    def __init__(
        self,
        language: str,
        index: NDArray[np.int64],
        idf: NDArray[np.float32],
        coef: NDArray[np.float32],
        intercept: float,
        default_idf: float,
    ) -> None:
        self.language = language
        self._idf = np.full(N_FEATURES, default_idf, dtype=np.float32)
        self._idf[index] = idf
        self._coef = np.zeros(N_FEATURES, dtype=np.float32)
        self._coef[index] = coef
        self._intercept = intercept
        self._index, self._default_idf = index, default_idf

    def _tfidf(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Sublinear tf × idf, rows L2-normalised; works on the sparse data only (a dense
        broadcast over the 2M hashed columns cost ~30 ms per message)."""
        from sklearn.preprocessing import normalize

        weighted = counts.astype(np.float32)
        weighted.data = (1.0 + np.log(weighted.data)) * self._idf[weighted.indices]
        return normalize(weighted, norm="l2", copy=False)

    def decision(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Log-odds of positive for each text."""
        x = self._tfidf(_hash_matrix(texts, self.language))
        return np.asarray(x @ self._coef, dtype=np.float64) + self._intercept

    def scores(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Polarity in [-1, 1] per text."""
        return 2.0 / (1.0 + np.exp(-self.decision(texts))) - 1.0

    def score(self, text: str) -> float:
        return float(self.scores([text])[0])

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[int],
        language: str,
        c: float = 8.0,
        min_df: int = 2,
    ) -> LinearSentimentModel:
        """Train on binary labels (1 = positive)."""
        from sklearn.linear_model import LogisticRegression

        counts = _hash_matrix(texts, language)
        df = np.bincount(counts.indices, minlength=N_FEATURES)
        n_docs = counts.shape[0]
        kept = np.flatnonzero(df >= min_df)
        idf_full = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        default_idf = float(np.log(1.0 + n_docs) + 1.0)
        model = cls(
            language,
            kept.astype(np.int64),
            idf_full[kept].astype(np.float32),
            np.zeros(len(kept), dtype=np.float32),
            0.0,
            default_idf,
        )
        mask = np.zeros(N_FEATURES, dtype=bool)
        mask[kept] = True
        x = model._tfidf(counts)[:, kept]
        clf = LogisticRegression(C=c, max_iter=3000).fit(x, np.asarray(labels))
        model._coef[kept] = clf.coef_[0].astype(np.float32)
        model._intercept = float(clf.intercept_[0])
        return model

    def save(self, path: Path) -> None:
        """Compressed weights of the kept n-grams (float16 is ample for a linear model)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, **self._arrays())

    @classmethod
    def load(cls, path: Path) -> LinearSentimentModel:
        with np.load(path) as data:
            return cls._from_arrays(data)

    @classmethod
    def _from_arrays(cls, data: np.lib.npyio.NpzFile) -> LinearSentimentModel:
        return cls(
            str(data["language"]),
            data["index"].astype(np.int64),
            data["idf"].astype(np.float32),
            data["coef"].astype(np.float32),
            float(data["intercept"]),
            float(data["default_idf"]),
        )

    def _arrays(self) -> dict[str, Any]:
        idx = self._index
        return {
            "language": self.language,
            "index": idx.astype(np.int32),
            "idf": self._idf[idx].astype(np.float16),
            "coef": self._coef[idx].astype(np.float16),
            "intercept": self._intercept,
            "default_idf": self._default_idf,
        }


Embed = Callable[[list[str]], NDArray[np.float32]]


def _default_embed(texts: list[str]) -> NDArray[np.float32]:
    from kefu.nlu.encoder import get_encoder

    return get_encoder().encode(texts)


class EmbeddingHead:
    """One hidden ReLU layer over the sentence embedding, giving log-odds of positive.

    Why non-linear: on the USE embedding alone a linear model reached 0.806 validation
    accuracy and this head 0.835 (docs/reviews.md); its 512×256 weights are ~0.25 MB in float16.
    """

    def __init__(
        self,
        w1: NDArray[np.float32],
        b1: NDArray[np.float32],
        w2: NDArray[np.float32],
        b2: float,
    ) -> None:
        self.w1, self.b1, self.w2, self.b2 = w1, b1, w2, b2

    def decision(self, embeddings: NDArray[np.float32]) -> NDArray[np.float64]:
        hidden = np.maximum(embeddings @ self.w1 + self.b1, 0.0)
        return np.asarray(hidden @ self.w2 + self.b2, dtype=np.float64)

    @classmethod
    def fit(cls, embeddings: NDArray[np.float32], labels: NDArray[np.int64]) -> EmbeddingHead:
        from sklearn.neural_network import MLPClassifier

        mlp = MLPClassifier(
            hidden_layer_sizes=(256,), alpha=1e-3, early_stopping=True, random_state=0
        ).fit(embeddings, labels)
        w1, w2 = mlp.coefs_
        b1, b2 = mlp.intercepts_
        f32 = np.float32
        return cls(w1.astype(f32), b1.astype(f32), w2[:, 0].astype(f32), float(b2[0]))


class StackedSentimentModel:
    """Logistic regression over [n-gram log-odds, embedding-head log-odds]; score = 2·P − 1."""

    def __init__(
        self,
        ngram: LinearSentimentModel,
        head: EmbeddingHead,
        weights: tuple[float, float],
        intercept: float,
        embed: Embed | None = None,
    ) -> None:
        self.language = ngram.language
        self.ngram = ngram
        self.head = head
        self._weights = weights
        self._intercept = intercept
        self._embed = embed or _default_embed

    def decision(
        self, texts: Sequence[str], embeddings: NDArray[np.float32] | None = None
    ) -> NDArray[np.float64]:
        """Log-odds of positive; pass ``embeddings`` when they are already computed."""
        emb = self._embed(list(texts)) if embeddings is None else embeddings
        w_ngram, w_head = self._weights
        stacked = w_ngram * self.ngram.decision(texts) + w_head * self.head.decision(emb)
        return stacked + self._intercept

    def scores(
        self, texts: Sequence[str], embeddings: NDArray[np.float32] | None = None
    ) -> NDArray[np.float64]:
        """Polarity in [-1, 1] per text."""
        return 2.0 / (1.0 + np.exp(-self.decision(texts, embeddings))) - 1.0

    def score(self, text: str) -> float:
        return float(self.scores([text])[0])

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[int],
        language: str,
        embeddings: NDArray[np.float32],
        c: float = 0.25,
        folds: int = 5,
        seed: int = 0,
    ) -> StackedSentimentModel:
        """The second stage learns from out-of-fold log-odds of both first-stage models, so
        it weighs them as they behave on unseen text (``c`` was chosen on a validation split
        carved from the train part)."""
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(labels)
        order = np.random.default_rng(seed).permutation(len(texts))
        oof = np.zeros((len(texts), 2))
        for part in np.array_split(order, folds):
            rest = np.setdiff1d(order, part)
            ngram = LinearSentimentModel.fit([texts[i] for i in rest], y[rest].tolist(), language)
            oof[part, 0] = ngram.decision([texts[i] for i in part])
            oof[part, 1] = EmbeddingHead.fit(embeddings[rest], y[rest]).decision(embeddings[part])
        clf = LogisticRegression(C=c, max_iter=3000).fit(oof, y)
        return cls(
            LinearSentimentModel.fit(texts, labels, language),
            EmbeddingHead.fit(embeddings, y),
            (float(clf.coef_[0][0]), float(clf.coef_[0][1])),
            float(clf.intercept_[0]),
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            **self.ngram._arrays(),
            stack_weights=np.asarray(self._weights),
            stack_intercept=self._intercept,
            head_w1=self.head.w1.astype(np.float16),
            head_b1=self.head.b1,
            head_w2=self.head.w2,
            head_b2=self.head.b2,
        )


def load_model(path: Path) -> LinearSentimentModel | StackedSentimentModel:
    """The model stored at ``path`` (stacked when the file carries a second stage)."""
    with np.load(path) as data:
        ngram = LinearSentimentModel._from_arrays(data)
        if "stack_weights" not in data:
            return ngram
        head = EmbeddingHead(
            data["head_w1"].astype(np.float32),
            data["head_b1"].astype(np.float32),
            data["head_w2"].astype(np.float32),
            float(data["head_b2"]),
        )
        w_ngram, w_head = (float(w) for w in data["stack_weights"])
        return StackedSentimentModel(ngram, head, (w_ngram, w_head), float(data["stack_intercept"]))


def artifact_path(language: str) -> Path:
    """Where the shipped model for ``language`` lives."""
    return ARTIFACT_DIR / f"sentiment_{language}.npz"


@lru_cache(maxsize=4)
def get_model(language: str) -> LinearSentimentModel | StackedSentimentModel | None:
    """The shipped model for ``language``, or None (lexicon fallback)."""
    path = artifact_path(language)
    return load_model(path) if path.exists() else None
