"""Disk cache for sentence embeddings of fixed corpora (evaluation sets, intent files).

Encoding CLINC150's 23,700 sentences takes minutes on a busy 2-core machine and the
result never changes for the same texts and encoder, so it is stored once under
``.cache/nlu/`` (git-ignored), keyed by a hash of the encoder name and every text.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kefu.nlu.encoder import SentenceEncoder


def cache_dir() -> Path:
    """``$KEFU_CACHE_DIR/nlu`` or ``.cache/nlu`` under the working directory."""
    return Path(os.environ.get("KEFU_CACHE_DIR", ".cache")) / "nlu"


def cached_encode(
    encoder: SentenceEncoder,
    texts: Sequence[str],
    *,
    name: str = "use-v3",
    batch: int = 512,
    progress: Callable[[int, int], None] | None = None,
) -> NDArray[np.float32]:
    """``encoder.encode(texts)``, read from or written to the cache."""
    digest = hashlib.sha256(name.encode())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\x00")
    path = cache_dir() / f"emb-{name}-{digest.hexdigest()[:20]}.npy"
    if path.is_file():
        cached = np.load(path)
        if cached.shape == (len(texts), encoder.dim):
            return np.asarray(cached, dtype=np.float32)
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(encoder.encode(list(texts[start : start + batch])))
        if progress:
            progress(min(start + batch, len(texts)), len(texts))
    out = np.vstack(parts) if parts else np.zeros((0, encoder.dim), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.npy")
    np.save(tmp, out)
    tmp.replace(path)
    return out
