"""Scoring on the project's own hand-written review sets (issue #18).

Files ``kefu/reviews/data/review_sets/{zh,en}_{split}.psv``: one review a line,
``polarity|aspects|tags|text``; polarity ``+ - 0``; aspects as ``q+ s- d-`` (codes below);
tags include ``clear`` (clearly positive or negative) and ``mixed``. Splits: ``train`` and
``train2`` (the review head is fitted on them, and rule changes were checked on them),
``check`` … ``check6`` (each written later, scored once blind, then fitted on too),
``check7`` (written last, blind, never fitted on), ``dev`` (choices) and ``test`` (scored,
never tuned on; no fitting line equals a dev or test line). SnowNLP (zh, P(pos) >= 0.6
positive, <= 0.4 negative) and VADER (en, compound >= 0.05 / <= -0.05, its documented
thresholds) are scored on the same lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kefu.reviews.aspects import extract_aspects
from kefu.reviews.sentiment import analyze_review_sentiment

SET_DIR = Path(__file__).parent / "data" / "review_sets"
CODES = {
    "q": "quality",
    "s": "shipping",
    "p": "price",
    "sv": "service",
    "pk": "packaging",
    "sz": "size",
    "a": "authenticity",
    "d": "description_match",
}
POLARITY = {"+": "positive", "-": "negative", "0": "neutral"}
LABELS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class GoldReview:
    text: str
    label: str
    aspects: dict[str, str]
    tags: frozenset[str]


def load_set(language: str, split: str) -> list[GoldReview]:
    """The gold reviews of one file (``split``: ``dev`` or ``test``)."""
    items = []
    path = SET_DIR / f"{language}_{split}.psv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pol, aspects, tags, text = line.split("|", 3)
        gold: dict[str, str] = {}
        for code in aspects.split():
            name, sign = CODES[code[:-1]], POLARITY[code[-1]]
            # "q+ q-" (two opinions on one aspect) counts as a mixed, neutral aspect
            gold[name] = sign if name not in gold or gold[name] == sign else "neutral"
        items.append(GoldReview(text, POLARITY[pol], gold, frozenset(tags.split(","))))
    return items


@dataclass
class SetScores:
    """The numbers of one set: kefu and a baseline on the same lines."""

    name: str
    n: int
    clear_n: int
    clear_accuracy: float
    macro_f1: float
    aspect_precision: float
    aspect_recall: float
    aspect_pol_precision: float
    aspect_pol_recall: float
    baseline: str
    baseline_clear_accuracy: float
    baseline_macro_f1: float

    def line(self) -> str:
        return (
            f"{self.name} (n={self.n}, clear={self.clear_n}): clear accuracy "
            f"{self.clear_accuracy:.3f} macro-F1 {self.macro_f1:.3f} aspects P "
            f"{self.aspect_precision:.3f} R {self.aspect_recall:.3f} (with polarity P "
            f"{self.aspect_pol_precision:.3f} R {self.aspect_pol_recall:.3f}) | "
            f"{self.baseline}: clear accuracy {self.baseline_clear_accuracy:.3f} "
            f"macro-F1 {self.baseline_macro_f1:.3f}"
        )


def macro_f1(pred: Sequence[str], gold: Sequence[str]) -> float:
    scores = []
    for label in LABELS:
        tp = sum(p == g == label for p, g in zip(pred, gold, strict=True))
        fp = sum(p == label != g for p, g in zip(pred, gold, strict=True))
        fn = sum(g == label != p for p, g in zip(pred, gold, strict=True))
        denom = 2 * tp + fp + fn
        scores.append(2 * tp / denom if denom else 0.0)
    return sum(scores) / len(scores)


def _clear_accuracy(pred: Sequence[str], items: list[GoldReview]) -> tuple[int, float]:
    pairs = [(p, it.label) for p, it in zip(pred, items, strict=True) if "clear" in it.tags]
    return len(pairs), (sum(p == g for p, g in pairs) / len(pairs) if pairs else 0.0)


def snownlp_label(text: str) -> str:
    from snownlp import SnowNLP

    p = float(SnowNLP(text).sentiments)
    return "positive" if p >= 0.6 else "negative" if p <= 0.4 else "neutral"


def vader_labeller() -> Callable[[str], str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()

    def label(text: str) -> str:
        c = float(analyzer.polarity_scores(text)["compound"])
        return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"

    return label


def score_set(language: str, split: str, baseline: bool = True) -> SetScores:
    """kefu's review analysis (label + aspects) and the language's baseline on one set."""
    items = load_set(language, split)
    pred = [analyze_review_sentiment(it.text, language).label for it in items]
    tp = fp = fn = tp_pol = 0
    for it in items:
        got = {o.aspect: o.label for o in extract_aspects(it.text, language)}
        for aspect in set(got) | set(it.aspects):
            if aspect in got and aspect in it.aspects:
                tp += 1
                tp_pol += got[aspect] == it.aspects[aspect]
            elif aspect in got:
                fp += 1
            else:
                fn += 1
    clear_n, clear_acc = _clear_accuracy(pred, items)
    gold = [it.label for it in items]
    name = "snownlp" if language == "zh" else "vader"
    base_acc = base_f1 = 0.0
    if baseline:
        labeller = snownlp_label if language == "zh" else vader_labeller()
        base = [labeller(it.text) for it in items]
        base_acc = _clear_accuracy(base, items)[1]
        base_f1 = macro_f1(base, gold)
    return SetScores(
        f"{language} reviews-{split}",
        len(items),
        clear_n,
        clear_acc,
        macro_f1(pred, gold),
        tp / (tp + fp) if tp + fp else 0.0,
        tp / (tp + fn) if tp + fn else 0.0,
        tp_pol / (tp + fp) if tp + fp else 0.0,
        tp_pol / (tp + fn) if tp + fn else 0.0,
        name,
        base_acc,
        base_f1,
    )
