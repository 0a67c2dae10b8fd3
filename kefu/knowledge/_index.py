"""The on-disk search index: a bm25s index plus a dense embedding matrix over all chunks.

Stored under ``<data_dir>/knowledge/index/``: ``meta.json`` (fingerprint of the documents
it was built from, per-chunk ids and filter fields), ``embeddings.npy``, ``tokens.json``
and bm25s's own files. Rebuilding reuses the vectors and tokens of every chunk whose text
did not change (keyed by text hash), so an update re-embeds only what changed, and loading
reads the arrays without touching the encoder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kefu.knowledge._text import tokenize
from kefu.nlu.encoder import SentenceEncoder

INDEX_VERSION = 1
# Fusion parameters, chosen on the retrieval eval set (docs/knowledge.md shows the sweep).
# A small RRF k lets a list's top ranks dominate; BM25 votes at half weight because it
# can only ever match chunks in the query's own language.
RRF_K = 5
CANDIDATES = 20
BM25_WEIGHT = 0.5
# multilingual USE scores same-language pairs higher than equally relevant cross-language
# pairs; this offset for chunks in the other language removes most of that bias.
CROSS_LANGUAGE_BONUS = 0.1
# Above COARSE_MIN_ROWS chunks the dense pass is two-stage: a COARSE_DIM-d projection (top
# principal directions of the vectors) scores every chunk with a quarter of the memory
# traffic, then the COARSE_CANDIDATES best are re-scored with their exact cosines. The exact
# pass streams 200 MB per query at 100k chunks, which is what dominates a query there.
COARSE_MIN_ROWS = 20_000
COARSE_DIM = 128
COARSE_CANDIDATES = 1_000
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IndexRecord:
    """What the index needs to know about one chunk."""

    chunk_id: int
    text: str
    language: str | None
    doc_type: str
    product_id: str | None

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32]


@dataclass
class Ranked:
    """One chunk's scores for a query (row = position in the index)."""

    row: int
    score: float
    bm25: float
    dense: float


def text_hash(text: str) -> str:
    """The key under which a chunk's vector and tokens are reused."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class SearchIndex:
    """BM25 + dense vectors over a fixed set of chunks; immutable once built."""

    def __init__(
        self,
        fingerprint: str,
        chunk_ids: NDArray[np.int64],
        hashes: list[str],
        languages: list[str | None],
        doc_types: list[str],
        product_ids: list[str | None],
        embeddings: NDArray[np.float32],
        bm25: Any,
        tokens: list[list[str]] | None = None,
    ) -> None:
        self.fingerprint = fingerprint
        self.chunk_ids = chunk_ids
        self.hashes = hashes
        self.languages = np.array([lang or "" for lang in languages], dtype=object)
        self.doc_types = np.array(doc_types, dtype=object)
        self.product_ids = np.array([p or "" for p in product_ids], dtype=object)
        self.embeddings = embeddings
        self.bm25 = bm25
        self._tokens = tokens
        # Filters and the language offset are computed once per index, not per query:
        # comparing 100k Python strings costs milliseconds, a cached array nothing.
        self._masks: dict[tuple[Any, ...], NDArray[np.bool_]] = {}
        self.coarse: tuple[NDArray[np.float32], NDArray[np.float32]] | None = None
        self.timings: dict[str, float] = {}  # stage -> seconds of the last build/save
        self.embedded = 0  # texts embedded by the build (the rest were reused)
        self._offsets: dict[str, NDArray[np.float32]] = {}

    def __len__(self) -> int:
        return len(self.chunk_ids)

    # ------------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        fingerprint: str,
        records: Sequence[IndexRecord],
        encoder: SentenceEncoder,
        previous: SearchIndex | None = None,
        progress: Progress | None = None,
        batch: int = 512,
    ) -> SearchIndex:
        """Index ``records``, reusing ``previous``'s vectors and tokens for unchanged texts.

        Stage times (seconds) end up in ``index.timings`` for logs and the benchmark.
        """
        import bm25s

        timings: dict[str, float] = {}
        clock = time.perf_counter()
        hashes = [r.text_hash for r in records]
        embeddings = np.zeros((len(records), encoder.dim), dtype=np.float32)
        tokens: list[list[str]] = [[] for _ in records]
        todo: list[int] = []
        dst: list[int] = []  # rows whose vector and tokens come from previous[src]
        src: list[int] = []
        if previous is not None and previous.embeddings.shape[1] == encoder.dim:
            reuse = {h: i for i, h in enumerate(previous.hashes)}
            old_tokens = previous.tokens()
            for i, h in enumerate(hashes):
                j = reuse.get(h)
                if j is None:
                    todo.append(i)
                else:
                    dst.append(i)
                    src.append(j)
                    tokens[i] = old_tokens[j]
            embeddings[dst] = previous.embeddings[src]
        else:
            todo = list(range(len(records)))
        timings["reuse"] = time.perf_counter() - clock
        timings["embed"] = timings["tokenize"] = 0.0
        for start in range(0, len(todo), batch):
            part = todo[start : start + batch]
            clock = time.perf_counter()
            embeddings[part] = encoder.encode([records[i].text for i in part])
            timings["embed"] += time.perf_counter() - clock
            clock = time.perf_counter()
            for i in part:
                tokens[i] = tokenize(records[i].text)
            timings["tokenize"] += time.perf_counter() - clock
            if progress:
                progress("embedding", min(start + batch, len(todo)), len(todo))
        clock = time.perf_counter()
        bm25 = bm25s.BM25()
        if records:  # built once per refresh, over every chunk's cached tokens
            bm25.index([t or [""] for t in tokens], show_progress=False)
        timings["bm25"] = time.perf_counter() - clock
        index = cls(
            fingerprint,
            np.array([r.chunk_id for r in records], dtype=np.int64),
            hashes,
            [r.language for r in records],
            [r.doc_type for r in records],
            [r.product_id for r in records],
            embeddings,
            bm25 if records else None,
            tokens,
        )
        clock = time.perf_counter()
        if (
            previous is not None
            and previous.coarse is not None
            and len(records) >= COARSE_MIN_ROWS
            and len(todo) <= len(records) // 2
            and previous.coarse[0].shape == (encoder.dim, COARSE_DIM)
        ):
            # most vectors are unchanged: keep the projection, project only the new ones
            projection, old_coarse = previous.coarse
            coarse = np.empty((len(records), COARSE_DIM), dtype=np.float32)
            coarse[dst] = old_coarse[src]
            coarse[todo] = embeddings[todo] @ projection
            index.coarse = (projection, coarse)
        else:
            index.coarse = _coarse_projection(embeddings)
        timings["coarse"] = time.perf_counter() - clock
        index.timings = timings
        index.embedded = len(todo)
        return index

    # ------------------------------------------------------------------ persistence

    def save(self, directory: Path) -> None:
        """Write atomically: a half-written index is never visible to readers."""
        clock = time.perf_counter()
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".index-", dir=directory.parent))
        meta = {
            "version": INDEX_VERSION,
            "fingerprint": self.fingerprint,
            "chunk_ids": self.chunk_ids.tolist(),
            "hashes": self.hashes,
            "languages": self.languages.tolist(),
            "doc_types": self.doc_types.tolist(),
            "product_ids": self.product_ids.tolist(),
        }
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        np.save(tmp / "embeddings.npy", self.embeddings)
        if self.coarse is not None:
            np.save(tmp / "projection.npy", self.coarse[0])
            np.save(tmp / "coarse.npy", self.coarse[1])
        (tmp / "tokens.json").write_text(
            json.dumps(self.tokens(), ensure_ascii=False), encoding="utf-8"
        )
        if self.bm25 is not None:
            self.bm25.save(str(tmp / "bm25"), show_progress=False)
        old = directory.with_name(directory.name + ".old")
        if directory.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(directory, old)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)
        self.timings["save"] = time.perf_counter() - clock

    @classmethod
    def load(cls, directory: Path) -> SearchIndex | None:
        """The saved index, or None when absent, unreadable or from another index version."""
        import bm25s

        try:
            meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
            if meta.get("version") != INDEX_VERSION:
                return None
            embeddings = np.load(directory / "embeddings.npy")
            bm25 = (
                bm25s.BM25.load(str(directory / "bm25"), show_progress=False, verbosity=0)
                if (directory / "bm25").exists()
                else None
            )
        except (OSError, ValueError, KeyError):
            return None
        index = cls(
            meta["fingerprint"],
            np.array(meta["chunk_ids"], dtype=np.int64),
            meta["hashes"],
            [x or None for x in meta["languages"]],
            meta["doc_types"],
            [x or None for x in meta["product_ids"]],
            embeddings.astype(np.float32, copy=False),
            bm25,
        )
        index._dir = directory  # type: ignore[attr-defined]
        try:
            projection = np.load(directory / "projection.npy")
            coarse = np.load(directory / "coarse.npy")
            if coarse.shape[0] == len(index):
                index.coarse = (projection, coarse)
        except (OSError, ValueError):
            index.coarse = _coarse_projection(index.embeddings)  # saved by an older kefu
        return index

    def tokens(self) -> list[list[str]]:
        """Per-chunk BM25 tokens (read lazily from disk after a load)."""
        if self._tokens is None:
            directory: Path | None = getattr(self, "_dir", None)
            try:
                assert directory is not None
                self._tokens = json.loads((directory / "tokens.json").read_text(encoding="utf-8"))
            except (AssertionError, OSError, ValueError):
                self._tokens = [[] for _ in range(len(self))]
        return self._tokens

    # ------------------------------------------------------------------ querying

    def mask(
        self,
        language: str | None = None,
        doc_type: str | Sequence[str] | None = None,
        product_id: str | None = None,
    ) -> NDArray[np.bool_] | None:
        """Rows passing the filters (chunks without a language pass any language filter)."""
        if language is None and doc_type is None and product_id is None:
            return None
        types = (
            None
            if doc_type is None
            else (doc_type,)
            if isinstance(doc_type, str)
            else tuple(sorted(doc_type))
        )
        key = (language, types, product_id)
        cached = self._masks.get(key)
        if cached is not None:
            return cached
        keep = np.ones(len(self), dtype=bool)
        if language is not None:
            keep &= (self.languages == language) | (self.languages == "")
        if types is not None:
            keep &= np.isin(self.doc_types, list(types))
        if product_id is not None:
            keep &= self.product_ids == product_id
        if product_id is None and len(self._masks) < 64:
            self._masks[key] = keep  # few distinct language/type filters; products are many
        return keep

    def bm25_scores(self, query: str) -> NDArray[np.float32]:
        """BM25 score of every chunk (0 where no query term occurs)."""
        if self.bm25 is None or not len(self):
            return np.zeros(len(self), dtype=np.float32)
        terms = tokenize(query)
        if not terms:
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(terms), dtype=np.float32)

    def dense_scores(
        self,
        query_vector: NDArray[np.float32],
        mask: NDArray[np.bool_] | None = None,
        offsets: NDArray[np.float32] | None = None,
    ) -> NDArray[np.float32]:
        """Cosine similarity of every chunk to the (unit) query vector.

        On large indexes only the best :data:`COARSE_CANDIDATES` (after ``mask`` and
        ``offsets``, as ranking will apply them) get exact cosines; the rest keep the
        projection's estimate, which only ever matters far below the top ranks.
        """
        if not len(self):
            return np.zeros(0, dtype=np.float32)
        if self.coarse is None:
            return np.asarray(self.embeddings @ query_vector, dtype=np.float32)
        projection, coarse = self.coarse
        approx = np.asarray(coarse @ (query_vector @ projection), dtype=np.float32)
        pick = approx + offsets if offsets is not None else approx
        if mask is not None:
            pick = np.where(mask, pick, np.float32(-np.inf))
        n = min(COARSE_CANDIDATES, len(self))
        rows = np.argpartition(-pick, n - 1)[:n]
        approx[rows] = self.embeddings[rows] @ query_vector
        return approx

    def exact_cosines(
        self, rows: Sequence[int], query_vector: NDArray[np.float32]
    ) -> NDArray[np.float32]:
        """Exact cosines of a few rows (what a hit reports, whatever ranked it)."""
        return np.asarray(self.embeddings[list(rows)] @ query_vector, dtype=np.float32)

    def language_offsets(self, query_language: str) -> NDArray[np.float32]:
        """Per-chunk bonus for chunks in another language than the query (bias correction)."""
        cached = self._offsets.get(query_language)
        if cached is None:
            other = (self.languages != query_language) & (self.languages != "")
            cached = other.astype(np.float32) * np.float32(CROSS_LANGUAGE_BONUS)
            self._offsets[query_language] = cached
        return cached

    def rank(
        self,
        mode: str,
        k: int,
        bm25: NDArray[np.float32],
        dense: NDArray[np.float32],
        mask: NDArray[np.bool_] | None,
        offsets: NDArray[np.float32] | None = None,
    ) -> list[Ranked]:
        """Top ``k`` rows by BM25, (bias-corrected) cosine, or their reciprocal-rank fusion.

        ``dense`` holds raw cosines (reported as is); ``offsets`` only affect the ordering.
        """
        if not len(self):
            return []
        b = bm25 if mask is None else np.where(mask, bm25, np.float32(0.0))
        d = dense + offsets if offsets is not None else dense
        if mask is not None:
            d = np.where(mask, d, np.float32(-np.inf))
        if mode == "bm25":
            rows = [r for r in _top(b, k) if b[r] > 0]
            return [Ranked(r, float(b[r]), float(b[r]), float(dense[r])) for r in rows]
        if mode == "dense":
            rows = [r for r in _top(d, k) if np.isfinite(d[r])]
            return [Ranked(r, float(d[r]), float(bm25[r]), float(d[r])) for r in rows]
        fused: dict[int, float] = {}
        n = max(CANDIDATES, k)
        for rank, r in enumerate(r for r in _top(b, n) if b[r] > 0):
            fused[r] = fused.get(r, 0.0) + BM25_WEIGHT / (RRF_K + rank + 1)
        for rank, r in enumerate(r for r in _top(d, n) if np.isfinite(d[r])):
            fused[r] = fused.get(r, 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused.items(), key=lambda kv: (-kv[1], -d[kv[0]]))[:k]
        return [Ranked(r, s, float(bm25[r]), float(dense[r])) for r, s in best]


def _coarse_projection(
    embeddings: NDArray[np.float32],
) -> tuple[NDArray[np.float32], NDArray[np.float32]] | None:
    """(512×COARSE_DIM projection, projected vectors) for large indexes, else None."""
    if len(embeddings) < COARSE_MIN_ROWS:
        return None
    rng = np.random.default_rng(0)
    sample = embeddings[
        rng.choice(len(embeddings), size=min(20_000, len(embeddings)), replace=False)
    ]
    # top eigenvectors of the (uncentred) second moment keep most of every inner product
    _, vectors = np.linalg.eigh(sample.T @ sample)
    projection = np.ascontiguousarray(vectors[:, ::-1][:, :COARSE_DIM], dtype=np.float32)
    return projection, np.ascontiguousarray(embeddings @ projection, dtype=np.float32)


def _top(scores: NDArray[np.float32], n: int) -> list[int]:
    n = min(n, len(scores))
    if n <= 0:
        return []
    part = np.argpartition(-scores, n - 1)[:n]
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]
