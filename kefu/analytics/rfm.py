"""RFM scores (recency, frequency, monetary; 1-5 each) and named customer segments.

Scores are quintiles of the store's own customers by default (ties share a score, so a
store where most people bought once does not split identical customers arbitrarily), or fixed
cut points when a store prefers stable thresholds. Segments come from an ordered grid over
the recency score and the combined frequency/monetary score; the first matching rule wins.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray


@dataclass(frozen=True)
class SegmentRule:
    """A named rectangle on the (recency score, frequency-monetary score) grid, inclusive."""

    name: str
    r_min: int
    r_max: int
    fm_min: int
    fm_max: int

    def matches(self, r: NDArray[np.int64], fm: NDArray[np.int64]) -> NDArray[np.bool_]:
        return (r >= self.r_min) & (r <= self.r_max) & (fm >= self.fm_min) & (fm <= self.fm_max)


#: The default grid, rows = recency score 5..1, columns = frequency-monetary score 1..5:
#:
#:      FM=1            2                   3                   4          5
#: R=5  new             potential_loyalist  potential_loyalist  champions  champions
#: R=4  promising       potential_loyalist  potential_loyalist  loyal      champions
#: R=3  about_to_sleep  about_to_sleep      need_attention      loyal      loyal
#: R=2  hibernating     hibernating         at_risk             at_risk    cant_lose_them
#: R=1  lost            lost                at_risk             at_risk    cant_lose_them
DEFAULT_SEGMENTS: tuple[SegmentRule, ...] = (
    SegmentRule("champions", 5, 5, 4, 5),
    SegmentRule("champions", 4, 4, 5, 5),
    SegmentRule("loyal", 3, 4, 4, 5),
    SegmentRule("new", 5, 5, 1, 1),
    SegmentRule("promising", 4, 4, 1, 1),
    SegmentRule("potential_loyalist", 4, 5, 2, 3),
    SegmentRule("need_attention", 3, 3, 3, 3),
    SegmentRule("about_to_sleep", 3, 3, 1, 2),
    SegmentRule("cant_lose_them", 1, 2, 5, 5),
    SegmentRule("at_risk", 1, 2, 3, 4),
    SegmentRule("hibernating", 2, 2, 1, 2),
    SegmentRule("lost", 1, 1, 1, 2),
)

SEGMENT_NAMES: tuple[str, ...] = tuple(dict.fromkeys(rule.name for rule in DEFAULT_SEGMENTS))


@dataclass(frozen=True)
class RfmConfig:
    """How scores and segments are made; defaults need no configuration.

    ``*_edges`` are four ascending cut points giving scores 1..5 (recency in days: a *smaller*
    recency scores higher). ``None`` means quintiles of the current customers.
    """

    recency_edges: Sequence[float] | None = None
    frequency_edges: Sequence[float] | None = None
    monetary_edges: Sequence[float] | None = None
    segments: Sequence[SegmentRule] = field(default=DEFAULT_SEGMENTS)
    fallback_segment: str = "other"

    def __post_init__(self) -> None:
        for name in ("recency_edges", "frequency_edges", "monetary_edges"):
            edges = getattr(self, name)
            if edges is None:
                continue
            if len(edges) != 4 or any(b <= a for a, b in itertools.pairwise(edges)):
                raise ValueError(
                    f"{name} must be four strictly ascending cut points, got {edges!r}"
                )


def _quintile_scores(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """1..5 by average rank, so equal values always get the same score."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    pct = pd.Series(values).rank(method="average", pct=True).to_numpy()
    return np.clip(np.ceil(pct * 5), 1, 5).astype(np.int64)


def _edge_scores(values: NDArray[np.float64], edges: Sequence[float]) -> NDArray[np.int64]:
    return (np.searchsorted(np.asarray(edges, dtype=np.float64), values, side="right") + 1).astype(
        np.int64
    )


def score_rfm(
    recency_days: NDArray[np.float64],
    frequency: NDArray[np.float64],
    monetary: NDArray[np.float64],
    config: RfmConfig | None = None,
) -> pd.DataFrame:
    """Scores and segment per customer (same order as the inputs).

    Returns columns ``r_score``, ``f_score``, ``m_score``, ``fm_score`` and ``segment``.
    """
    cfg = config or RfmConfig()
    recency = np.asarray(recency_days, dtype=np.float64)
    freq = np.asarray(frequency, dtype=np.float64)
    money = np.asarray(monetary, dtype=np.float64)
    if cfg.recency_edges is None:
        r = _quintile_scores(-recency)
    else:
        r = 6 - _edge_scores(recency, cfg.recency_edges)
    f = (
        _quintile_scores(freq)
        if cfg.frequency_edges is None
        else _edge_scores(freq, cfg.frequency_edges)
    )
    m = (
        _quintile_scores(money)
        if cfg.monetary_edges is None
        else _edge_scores(money, cfg.monetary_edges)
    )
    fm = np.floor((f + m) / 2 + 0.5).astype(np.int64)
    segment = np.full(len(r), cfg.fallback_segment, dtype=object)
    unassigned = np.ones(len(r), dtype=bool)
    for rule in cfg.segments:
        hit = unassigned & rule.matches(r, fm)
        segment[hit] = rule.name
        unassigned &= ~hit
    return pd.DataFrame(
        {"r_score": r, "f_score": f, "m_score": m, "fm_score": fm, "segment": segment}
    )
