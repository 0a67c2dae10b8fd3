"""Unsupervised anomaly score of orders (scikit-learn Isolation Forest).

No labelled fraud exists in a new store, so the model learns what the store's ordinary
orders look like and scores how easily an order is isolated from them. The score is the
original paper's ``s`` in (0, 1] (scikit-learn's ``-score_samples``): ~0.5 is ordinary,
towards 1 is unusual. Feature percentiles kept with the model let a reason name which
features are out of the usual range.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kefu.config import get_settings
from kefu.risk.features import MODEL_FEATURES


def _matrix(frame: pd.DataFrame) -> np.ndarray:
    values = frame.loc[:, list(MODEL_FEATURES)].astype(float)
    # undated orders have no account age: give them the typical value rather than an outlier
    return values.fillna(values.median()).fillna(0.0).to_numpy()


@dataclass
class AnomalyModel:
    """A fitted Isolation Forest plus the 1st/99th feature percentiles of its training data."""

    forest: object
    low: np.ndarray
    high: np.ndarray
    n_orders: int

    @classmethod
    def fit(cls, features: pd.DataFrame, seed: int = 0) -> AnomalyModel:
        from sklearn.ensemble import IsolationForest

        x = _matrix(features)
        forest = IsolationForest(n_estimators=200, random_state=seed, n_jobs=1).fit(x)
        return cls(forest, np.percentile(x, 1, axis=0), np.percentile(x, 99, axis=0), len(x))

    def score(self, features: pd.DataFrame) -> np.ndarray:
        """Anomaly score in (0, 1] per row."""
        if features.empty:
            return np.zeros(0)
        return -np.asarray(self.forest.score_samples(_matrix(features)))  # type: ignore[attr-defined]

    def unusual_features(self, row: pd.Series) -> dict[str, float]:
        """Features of one order outside the usual (1st-99th percentile) range."""
        out: dict[str, float] = {}
        for i, name in enumerate(MODEL_FEATURES):
            value = float(row[name]) if pd.notna(row[name]) else None
            if value is not None and (value < self.low[i] or value > self.high[i]):
                out[name] = round(value, 3)
        return out

    def save(self, path: Path) -> Path:
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path)
        return path

    @classmethod
    def load(cls, path: Path) -> AnomalyModel | None:
        """The saved model, or None when none was trained yet or the file is unreadable."""
        import joblib

        if not path.exists():
            return None
        try:
            model = joblib.load(path)
        except (OSError, EOFError, ValueError, AttributeError, ImportError):
            return None
        return model if isinstance(model, cls) else None


def default_model_path() -> Path:
    """Where the batch job keeps the trained model (under the data dir)."""
    return get_settings().data_dir / "risk" / "order_anomaly.joblib"
