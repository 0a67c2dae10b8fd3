"""Trainable intent classifier with calibrated confidence and out-of-scope rejection.

Features are sentence embeddings from the package-shipped multilingual encoder (so a model
trained on English examples still understands Chinese paraphrases), optionally joined by
character n-gram TF-IDF, which catches the short, literal messages embeddings blur
("不" vs "不是", "y", typos). A multinomial logistic regression sits on top: it trains in
seconds on CPU and its probabilities are close to calibrated; temperature scaling fitted on
held-out predictions (a validation set, or cross-validation) makes ``confidence`` mean what
it says. Out-of-scope is a threshold on the energy score chosen on the same held-out
predictions, plus an ``out_of_scope`` class when the data has one.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from kefu.nlu.encoder import SentenceEncoder, get_encoder
from kefu.nlu.training_data import DEFAULT_INTENTS_FILE, load_examples

OUT_OF_SCOPE = "out_of_scope"
FORMAT_VERSION = 2
Progress = Callable[[str, int, int], None]


class IntentScore(BaseModel):
    """One candidate intent and its calibrated probability."""

    intent: str
    confidence: float = Field(ge=0.0, le=1.0)


class IntentPrediction(BaseModel):
    """The decided intent, its confidence and the ranked alternatives."""

    intent: str
    confidence: float = Field(ge=0.0, le=1.0)
    alternatives: list[IntentScore]


class IntentClassifier:
    """Embeddings (+ char n-grams) -> logistic regression -> temperature -> OOS threshold."""

    def __init__(
        self,
        encoder: SentenceEncoder | None = None,
        *,
        c: float = 10.0,
        char_ngrams: bool = False,
        oos_label: str = OUT_OF_SCOPE,
    ) -> None:
        self._encoder = encoder
        self.c = c
        self.char_ngrams = char_ngrams
        self.oos_label = oos_label
        self.labels: list[str] = []
        self.temperature = 1.0
        self.threshold = float("inf")
        self._model: Any = None
        self._vectorizer: Any = None

    @property
    def encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            self._encoder = get_encoder()
        return self._encoder

    # ---- training -------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        val_texts: Sequence[str] | None = None,
        val_labels: Sequence[str] | None = None,
        embeddings: NDArray[np.float32] | None = None,
        val_embeddings: NDArray[np.float32] | None = None,
        progress: Progress | None = None,
    ) -> IntentClassifier:
        """Train; calibrate on ``val_*`` if given, else on 5-fold cross-validation.

        ``val_labels`` may contain labels unseen in training (e.g. CLINC's ``oos``): they
        count as out-of-scope when the rejection threshold is chosen.
        """
        if len(texts) != len(labels) or not texts:
            raise ValueError("texts and labels must be non-empty and of equal length")
        report = progress or (lambda stage, done, total: None)
        x_emb = embeddings if embeddings is not None else self._encode(list(texts), report)
        y_names = [str(label) for label in labels]
        self.labels = sorted(set(y_names))
        y = np.array([self.labels.index(label) for label in y_names])
        report("fit", 0, 1)
        self._model, self._vectorizer = self._fit_model(list(texts), x_emb, y)
        report("fit", 1, 1)
        if val_texts is not None and val_labels is not None:
            v_emb = (
                val_embeddings
                if val_embeddings is not None
                else self._encode(list(val_texts), report)
            )
            logits = self._logits(list(val_texts), v_emb)
            held_out = [str(label) for label in val_labels]
        else:
            logits, held_out = self._cross_val_logits(list(texts), x_emb, y, report)
        self._calibrate(logits, held_out)
        report("calibrate", 1, 1)
        return self

    def _fit_model(
        self, texts: list[str], x_emb: NDArray[np.float32], y: NDArray[np.int_]
    ) -> tuple[Any, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = None
        if self.char_ngrams:
            vectorizer = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(1, 3),
                sublinear_tf=True,
                min_df=2,
                max_features=3000,
            )
            vectorizer.fit(texts)
        features = self._features(texts, x_emb, vectorizer)
        model = LogisticRegression(C=self.c, max_iter=1000)
        model.fit(features, y)
        return model, vectorizer

    @staticmethod
    def _features(texts: list[str], x_emb: NDArray[np.float32], vectorizer: Any) -> Any:
        if vectorizer is None:
            return x_emb
        from scipy import sparse

        return sparse.hstack([sparse.csr_matrix(x_emb), vectorizer.transform(texts) * 0.6]).tocsr()

    def _cross_val_logits(
        self, texts: list[str], x_emb: NDArray[np.float32], y: NDArray[np.int_], report: Progress
    ) -> tuple[NDArray[np.float64], list[str]]:
        from sklearn.model_selection import StratifiedKFold

        folds = int(min(5, np.bincount(y).min()))
        if folds < 2:
            return self._logits(texts, x_emb), [self.labels[i] for i in y]
        logits = np.zeros((len(texts), len(self.labels)))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        for k, (train_idx, test_idx) in enumerate(splitter.split(x_emb, y)):
            report("calibrate", k, folds + 1)
            model, vectorizer = self._fit_model(
                [texts[i] for i in train_idx], x_emb[train_idx], y[train_idx]
            )
            feats = self._features([texts[i] for i in test_idx], x_emb[test_idx], vectorizer)
            fold_logits = np.full((len(test_idx), len(self.labels)), -1e4)
            fold_logits[:, model.classes_] = model.decision_function(feats)
            logits[test_idx] = fold_logits
        return logits, [self.labels[i] for i in y]

    def _calibrate(self, logits: NDArray[np.float64], truth: list[str]) -> None:
        """Temperature by held-out log-loss; OOS threshold on the held-out energy score.

        Rejection uses the energy score (-logsumexp of in-scope logits), a parameter-free
        score that ranks out-of-scope queries better than max probability (CLINC150 AUROC
        0.969 vs 0.956; see docs/nlu.md). The threshold maximises held-out
        accuracy when the data has an out-of-scope class (it is rare in chat), else the
        mean of in-scope accuracy and OOS recall.
        """
        from scipy.optimize import minimize_scalar

        idx = np.array([self.labels.index(t) if t in self.labels else -1 for t in truth])
        oos_idx = self.labels.index(self.oos_label) if self.oos_label in self.labels else -2
        in_scope = (idx >= 0) & (idx != oos_idx)
        if in_scope.any():

            def nll(temp: float) -> float:
                p = _softmax(logits[idx >= 0] / temp)
                return float(
                    -np.log(p[np.arange(int((idx >= 0).sum())), idx[idx >= 0]] + 1e-12).mean()
                )

            self.temperature = float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)
        is_oos = ~in_scope
        self.threshold = float("inf")
        if not is_oos.any() or not in_scope.any():
            return
        top = logits.argmax(1)
        energy = self._energy(logits)
        candidates = np.r_[np.quantile(energy, np.linspace(0.0, 1.0, 401)), np.inf]
        best_score = -1.0
        for thr in candidates:
            rejected = (energy > thr) | (top == oos_idx)
            correct_in = (top == idx) & ~rejected
            if oos_idx >= 0:
                score = float(np.where(in_scope, correct_in, rejected).mean())
            else:
                score = (float(correct_in[in_scope].mean()) + float(rejected[is_oos].mean())) / 2
            if score > best_score + 1e-9:
                self.threshold, best_score = float(thr), score

    def _energy(self, logits: NDArray[np.float64]) -> NDArray[np.float64]:
        from scipy.special import logsumexp

        if self.oos_label in self.labels:
            logits = np.delete(logits, self.labels.index(self.oos_label), axis=1)
        return np.asarray(-logsumexp(logits, axis=1), dtype=np.float64)

    # ---- inference ------------------------------------------------------------------

    def _encode(self, texts: list[str], report: Progress) -> NDArray[np.float32]:
        parts = []
        step = 256
        for start in range(0, len(texts), step):
            report("encode", start, len(texts))
            parts.append(self.encoder.encode(texts[start : start + step]))
        report("encode", len(texts), len(texts))
        return np.vstack(parts) if parts else np.zeros((0, self.encoder.dim), dtype=np.float32)

    def _logits(self, texts: list[str], x_emb: NDArray[np.float32]) -> NDArray[np.float64]:
        if self._model is None:
            raise RuntimeError("IntentClassifier is not trained: call fit() or load()")
        feats = self._features(texts, x_emb, self._vectorizer)
        out = np.asarray(self._model.decision_function(feats), dtype=np.float64)
        if out.ndim == 1:  # binary problems give one column
            out = np.stack([-out / 2, out / 2], axis=1)
        return out

    def predict_proba(
        self, texts: Sequence[str], *, embeddings: NDArray[np.float32] | None = None
    ) -> NDArray[np.float64]:
        """Calibrated probabilities, columns in ``self.labels`` order."""
        return _softmax(self._raw_logits(texts, embeddings) / self.temperature)

    def _raw_logits(
        self, texts: Sequence[str], embeddings: NDArray[np.float32] | None
    ) -> NDArray[np.float64]:
        x_emb = embeddings if embeddings is not None else self.encoder.encode(list(texts))
        return self._logits(list(texts), x_emb)

    def predict(
        self, texts: Sequence[str], *, top_k: int = 3, embeddings: NDArray[np.float32] | None = None
    ) -> list[IntentPrediction]:
        """The intent of each text; ``out_of_scope`` when the OOS score passes the threshold.

        ``confidence`` is the calibrated probability of the returned intent; for a rejected
        message it is the probability mass not on the best in-scope intent.
        """
        logits = self._raw_logits(texts, embeddings)
        probs = _softmax(logits / self.temperature)
        energy = self._energy(logits)
        results = []
        for row, score in zip(probs, energy, strict=True):
            order = np.argsort(-row)
            alternatives = [
                IntentScore(intent=self.labels[i], confidence=round(float(row[i]), 4))
                for i in order[:top_k]
            ]
            best = self.labels[order[0]]
            confidence = float(row[order[0]])
            if best != self.oos_label and score > self.threshold:
                best, confidence = self.oos_label, 1.0 - confidence
            results.append(
                IntentPrediction(
                    intent=best, confidence=round(confidence, 4), alternatives=alternatives
                )
            )
        return results

    def oos_score(
        self, texts: Sequence[str], *, embeddings: NDArray[np.float32] | None = None
    ) -> NDArray[np.float64]:
        """How out-of-scope each text looks (energy score: higher = further from every intent)."""
        return self._energy(self._raw_logits(texts, embeddings))

    # ---- persistence ----------------------------------------------------------------

    def save(self, path: Path | str) -> None:
        """Write the trained model (not the encoder, which ships in its package)."""
        import joblib

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "format": FORMAT_VERSION,
            "labels": self.labels,
            "c": self.c,
            "char_ngrams": self.char_ngrams,
            "oos_label": self.oos_label,
            "temperature": self.temperature,
            "threshold": self.threshold,
            "model": self._model,
            "vectorizer": self._vectorizer,
        }
        tmp = path.with_suffix(path.suffix + ".tmp")
        joblib.dump(state, tmp)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path | str, encoder: SentenceEncoder | None = None) -> IntentClassifier:
        """Read a model written by :meth:`save` (a file this deployment wrote: it is a pickle)."""
        import joblib

        state = joblib.load(Path(path))
        if not isinstance(state, dict) or state.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: not a kefu intent model of format {FORMAT_VERSION}")
        clf = cls(
            encoder, c=state["c"], char_ngrams=state["char_ngrams"], oos_label=state["oos_label"]
        )
        clf.labels = list(state["labels"])
        clf.temperature = float(state["temperature"])
        clf.threshold = float(state["threshold"])
        clf._model = state["model"]
        clf._vectorizer = state["vectorizer"]
        return clf


def _softmax(logits: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)


def train_from_file(path: Path | str, *, progress: Progress | None = None) -> IntentClassifier:
    """Train a classifier on every example of a YAML/CSV file (embeddings cached on disk)."""
    from kefu.nlu.embedding_cache import cached_encode

    examples = load_examples(path)
    texts = [e.text for e in examples]
    clf = IntentClassifier()
    report = progress or (lambda stage, done, total: None)
    emb = cached_encode(clf.encoder, texts, progress=lambda d, n: report("encode", d, n))
    return clf.fit(texts, [e.intent for e in examples], embeddings=emb, progress=progress)


def default_model_path(data_file: Path = DEFAULT_INTENTS_FILE) -> Path:
    """Where the default model for ``data_file`` is cached: keyed by the file's content."""
    from kefu.config import get_settings

    return (
        get_settings().data_dir
        / "models"
        / "nlu"
        / f"intents-v{FORMAT_VERSION}-{_digest(data_file)}.joblib"
    )


def _digest(data_file: Path) -> str:
    return hashlib.sha256(data_file.read_bytes()).hexdigest()[:16]


_lock = threading.Lock()
_loaded: dict[str, IntentClassifier] = {}


def get_intent_classifier(data_file: Path | None = None) -> IntentClassifier:
    """The process-wide default model, trained on first use (a few seconds) and cached.

    The cache lives under ``Settings.data_dir`` keyed by a hash of the data file, so editing
    the intents file retrains automatically and never serves a stale model; within a
    process the model is kept in memory by the same key.
    """
    source = data_file or DEFAULT_INTENTS_FILE
    key = _digest(source)
    with _lock:
        if key in _loaded:
            return _loaded[key]
        path = default_model_path(source)
        clf: IntentClassifier | None = None
        if path.is_file():
            try:
                clf = IntentClassifier.load(path)
            except Exception:  # a corrupt or foreign cache file: retrain rather than fail
                path.unlink(missing_ok=True)
        if clf is None:
            clf = train_from_file(source)
            clf.save(path)
        _loaded[key] = clf
        return clf


def reset_intent_classifier() -> None:
    """Forget the in-memory default model (the next call reloads or retrains it)."""
    with _lock:
        _loaded.clear()
