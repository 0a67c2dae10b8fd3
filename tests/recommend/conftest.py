"""Recommender test helpers: clustered synthetic data and per-test recommender settings."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from scipy import sparse

from kefu.recommend import recommend_settings, reload_recommender


def clustered(n_users: int = 200, n_items: int = 20, seed: int = 0) -> sparse.csr_matrix:
    """Two taste groups: the first half of users buys from the first half of items only."""
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    half_items = n_items // 2
    for user in range(n_users):
        offset = 0 if user < n_users // 2 else half_items
        picks = rng.choice(half_items, size=4, replace=False) + offset
        rows += [user] * len(picks)
        cols += list(picks)
    return sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_users, n_items)
    )


@pytest.fixture(autouse=True)
def _fresh_recommender(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No loaded model or cached settings leaks between tests (each has its own data dir)."""
    monkeypatch.setenv("KEFU_RECOMMEND_USE_CONTENT", "false")
    recommend_settings.cache_clear()
    reload_recommender()
    yield
    recommend_settings.cache_clear()
    reload_recommender()
