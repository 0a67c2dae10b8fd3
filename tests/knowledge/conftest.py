"""Fixtures: a real single-thread encoder (shared per session) that counts what it embeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy import Engine

from kefu.knowledge import KnowledgeBase
from kefu.nlu.encoder import UseEncoder


class CountingEncoder:
    """The real USE encoder, recording how many texts each call embeds."""

    dim = 512

    def __init__(self, inner: UseEncoder) -> None:
        self.inner = inner
        self.calls: list[int] = []

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        self.calls.append(len(texts))
        return self.inner.encode(texts)

    @property
    def embedded(self) -> int:
        return sum(self.calls)


@pytest.fixture(scope="session")
def use_encoder() -> UseEncoder:
    return UseEncoder(threads=1)


@pytest.fixture
def encoder(use_encoder: UseEncoder) -> CountingEncoder:
    return CountingEncoder(use_encoder)


@pytest.fixture
def kb(engine: Engine, tmp_path: Path, encoder: CountingEncoder) -> KnowledgeBase:
    return KnowledgeBase(engine, tmp_path / "data", encoder=encoder)


DEMO = Path(__file__).resolve().parents[2] / "kefu" / "demo" / "knowledge"
