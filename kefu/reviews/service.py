"""Review ingestion, batch analysis, weekly trends and negative-share alerts (舆情监控).

Review text is data only: it is analysed by the sentiment model and the aspect rules and
stored verbatim; it is never rendered as HTML here, never executed, and never placed in a
language-model prompt as an instruction.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.reviews.aspects import extract_aspects
from kefu.reviews.sentiment import CONFIDENT, analyze_review_sentiment, review_confidence
from kefu.store.models import Product, Review, utcnow

MAX_REVIEW_CHARS = 5000


class ReviewError(ValueError):
    """Bad review input (unknown product, empty body, rating out of range)."""


def analyze_review(review: Review) -> Review:
    """Fill ``sentiment``, ``sentiment_score``, ``aspects`` and ``language`` from title + body."""
    text = f"{review.title}。{review.body}" if review.title else review.body
    result = analyze_review_sentiment(text, review.language)
    review.language = result.language
    review.sentiment = result.label
    review.sentiment_score = result.score
    review.aspects = {a.aspect: a.label for a in extract_aspects(text, result.language)}
    return review


def ingest_review(
    session: Session,
    product_id: str,
    body: str,
    rating: int | None = None,
    *,
    title: str | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    language: str | None = None,
    created_at: datetime | None = None,
) -> Review:
    """Store one review, analysed; raises :class:`ReviewError` on bad input (nothing stored)."""
    if not body or not body.strip():
        raise ReviewError("review body is empty")
    if len(body) > MAX_REVIEW_CHARS:
        raise ReviewError(f"review body is longer than {MAX_REVIEW_CHARS} characters")
    if rating is not None and not 1 <= rating <= 5:
        raise ReviewError("rating must be between 1 and 5")
    if session.get(Product, product_id) is None:
        raise ReviewError(f"unknown product {product_id!r}")
    review = Review(
        product_id=product_id,
        body=body.strip(),
        rating=rating,
        title=title,
        customer_id=customer_id,
        order_id=order_id,
        language=language,
    )
    if created_at is not None:
        review.created_at = created_at
    analyze_review(review)
    session.add(review)
    session.flush()
    return review


def analyze_pending(
    session: Session, *, redo: bool = False, progress: Callable[[int], None] | None = None
) -> int:
    """Analyse reviews without a sentiment (all of them with ``redo``); returns the count."""
    query = select(Review).order_by(Review.id)
    if not redo:
        query = query.where(Review.sentiment.is_(None))
    count = 0
    for review in session.scalars(query):
        analyze_review(review)
        count += 1
        if progress is not None:
            progress(1)
    session.flush()
    return count


def week_start(moment: datetime) -> str:
    """ISO date of the Monday that starts ``moment``'s week (the trend bucket)."""
    return (moment.date() - timedelta(days=moment.weekday())).isoformat()


@dataclass
class TrendPoint:
    """One product's (or aspect's) reviews in one week."""

    week: str
    reviews: int = 0
    negative: int = 0
    positive: int = 0
    score_sum: float = 0.0

    @property
    def negative_share(self) -> float:
        return self.negative / self.reviews if self.reviews else 0.0

    @property
    def mean_score(self) -> float:
        return self.score_sum / self.reviews if self.reviews else 0.0


@dataclass
class ProductTrend:
    """Weekly sentiment of one product, overall and per aspect."""

    product_id: str
    weeks: list[TrendPoint] = field(default_factory=list)
    aspects: dict[str, list[TrendPoint]] = field(default_factory=dict)


def _reviews(session: Session, product_id: str | None, since: datetime | None) -> list[Review]:
    query = select(Review).where(Review.sentiment.is_not(None)).order_by(Review.created_at)
    if product_id is not None:
        query = query.where(Review.product_id == product_id)
    if since is not None:
        query = query.where(Review.created_at >= since)
    return list(session.scalars(query))


def _as_aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def trends(
    session: Session, product_id: str | None = None, weeks: int = 12, now: datetime | None = None
) -> list[ProductTrend]:
    """Weekly review counts, negative share and mean score per product and per aspect."""
    now = now or utcnow()
    since = now - timedelta(weeks=weeks)
    buckets: dict[str, dict[str, TrendPoint]] = defaultdict(dict)
    aspect_buckets: dict[str, dict[str, dict[str, TrendPoint]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for review in _reviews(session, product_id, since):
        if not is_confident(review):
            continue
        week = week_start(_as_aware(review.created_at))
        point = buckets[review.product_id].setdefault(week, TrendPoint(week))
        _count(point, review.sentiment, review.sentiment_score or 0.0)
        for aspect, label in (review.aspects or {}).items():
            a_point = aspect_buckets[review.product_id][aspect].setdefault(week, TrendPoint(week))
            _count(a_point, label, {"positive": 1.0, "negative": -1.0}.get(label, 0.0))
    return [
        ProductTrend(
            pid,
            sorted(points.values(), key=lambda p: p.week),
            {
                a: sorted(pts.values(), key=lambda p: p.week)
                for a, pts in sorted(aspect_buckets[pid].items())
            },
        )
        for pid, points in sorted(buckets.items())
    ]


def _count(point: TrendPoint, label: str | None, score: float) -> None:
    point.reviews += 1
    point.negative += label == "negative"
    point.positive += label == "positive"
    point.score_sum += score


@dataclass(frozen=True)
class AlertRule:
    """When a product's negative share counts as a jump (舆情 alert).

    Recent window vs the baseline window just before it; both need ``min_reviews``; the
    recent share must exceed the baseline by ``min_jump`` AND a one-sided two-proportion
    z-test must give z ≥ ``min_z`` (1.645 ≈ p < 0.05), so one angry review among three
    does not page anyone, and a real shift on a busy product does.
    """

    recent_days: int = 14
    baseline_days: int = 56
    min_reviews: int = 10
    min_jump: float = 0.15
    min_z: float = 1.645


@dataclass(frozen=True)
class Alert:
    """A product whose negative share jumped, with the numbers behind the decision."""

    product_id: str
    recent_reviews: int
    recent_negative_share: float
    baseline_reviews: int
    baseline_negative_share: float
    z: float
    top_negative_aspects: list[str]


def is_confident(review: Review) -> bool:
    """Whether the stored label is confident enough for alerts and trends."""
    if review.sentiment_score is None:
        return False
    return review_confidence(review.sentiment_score, review.language or "zh") >= CONFIDENT


def two_proportion_z(neg_a: int, n_a: int, neg_b: int, n_b: int) -> float:
    """z statistic of share a − share b with the pooled standard error."""
    if not n_a or not n_b:
        return 0.0
    pooled = (neg_a + neg_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    return 0.0 if se == 0 else (neg_a / n_a - neg_b / n_b) / se


def alerts(
    session: Session, rule: AlertRule | None = None, now: datetime | None = None
) -> list[Alert]:
    """Products whose recent negative share jumped against their own baseline."""
    rule = rule or AlertRule()
    now = now or utcnow()
    recent_from = now - timedelta(days=rule.recent_days)
    baseline_from = recent_from - timedelta(days=rule.baseline_days)
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    aspect_neg: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for review in _reviews(session, None, baseline_from):
        created = _as_aware(review.created_at)
        if created > now:
            continue
        if not is_confident(review):
            continue  # only confident labels count (issue #18)
        recent = created >= recent_from
        s = stats[review.product_id]
        offset = 0 if recent else 2
        s[offset] += review.sentiment == "negative"
        s[offset + 1] += 1
        if recent:
            for aspect, label in (review.aspects or {}).items():
                aspect_neg[review.product_id][aspect] += label == "negative"
    found = []
    for pid, (neg_r, n_r, neg_b, n_b) in sorted(stats.items()):
        if n_r < rule.min_reviews or n_b < rule.min_reviews:
            continue
        z = two_proportion_z(neg_r, n_r, neg_b, n_b)
        if neg_r / n_r - neg_b / n_b >= rule.min_jump and z >= rule.min_z:
            ranked = sorted(((c, a) for a, c in aspect_neg[pid].items() if c), reverse=True)
            found.append(
                Alert(
                    pid,
                    n_r,
                    round(neg_r / n_r, 4),
                    n_b,
                    round(neg_b / n_b, 4),
                    round(z, 3),
                    [a for _, a in ranked[:3]],
                )
            )
    return sorted(found, key=lambda a: -a.z)
