"""Evaluation of the intent classifier: CLINC150 (public yardstick) and kefu's own set.

CLINC150 protocol used here ("oos-threshold"): train on the 15,000 in-scope ``train``
examples only (no OOS class); fit the temperature and the rejection threshold on ``val``
plus ``oos_val``; report once on ``test`` (4,500) and ``oos_test`` (1,000). In-scope
accuracy is plain top-1 accuracy on ``test`` (as in the BERT-base reference); OOS AUROC
ranks ``test`` vs ``oos_test`` by the energy score (-logsumexp of logits); recall and
accuracy-with-rejection use the threshold chosen on validation data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from kefu.config import PROJECT_ROOT
from kefu.nlu.embedding_cache import cached_encode
from kefu.nlu.encoder import SentenceEncoder, get_encoder
from kefu.nlu.intents import IntentClassifier
from kefu.nlu.training_data import DEFAULT_INTENTS_FILE, load_examples

DEFAULT_CLINC = PROJECT_ROOT.parent / "shared" / "clinc150" / "data_full.json"
Progress = Callable[[str, int, int], None]


class ClincReport(BaseModel):
    """CLINC150 results; ``summary_line`` is the line ``kefu eval nlu`` ends with."""

    in_scope_accuracy: float
    oos_auroc: float
    oos_recall: float
    in_scope_accuracy_with_rejection: float
    threshold: float
    temperature: float
    n_test: int
    n_oos_test: int
    train_seconds: float
    encoder: str
    c: float

    @property
    def summary_line(self) -> str:
        return (
            f"clinc150 in-scope accuracy: {self.in_scope_accuracy:.4f} "
            f"oos auroc: {self.oos_auroc:.4f}"
        )


class IntentSetReport(BaseModel):
    """Held-out accuracy on an intent file, overall and per language."""

    accuracy: float
    per_language: dict[str, float]
    n_train: int
    n_test: int
    per_language_n: dict[str, int]


ClincEncoder = Literal["use", "e5", "use+e5"]
# Regularisation per encoder, chosen on val accuracy + val OOS AUROC (docs/nlu.md); use+e5's
# 60 on 1/sqrt(2)-scaled features equals C=30 on the raw concatenation.
CLINC_C: dict[str, float] = {"use": 10.0, "e5": 30.0, "use+e5": 60.0}


def evaluate_clinc(
    path: Path = DEFAULT_CLINC,
    *,
    encoder: ClincEncoder = "use+e5",
    c: float | None = None,
    progress: Progress | None = None,
) -> ClincReport:
    """Train on CLINC150 ``train``, calibrate on ``val``/``oos_val``, report on the tests."""
    import time

    from sklearn.metrics import roc_auc_score

    if not path.is_file():
        raise FileNotFoundError(f"CLINC150 not found at {path} (expected data_full.json)")
    data = json.loads(path.read_text(encoding="utf-8"))
    report = progress or (lambda stage, done, total: None)
    parts: list[tuple[str, SentenceEncoder]] = []
    if encoder in ("use", "use+e5"):
        parts.append(("use-v3", get_encoder()))
    if encoder in ("e5", "use+e5"):
        from kefu.nlu.e5 import E5Encoder

        parts.append((E5Encoder.name, E5Encoder()))
    scale = 1.0 / np.sqrt(len(parts))

    def embed(split: str) -> np.ndarray:
        texts = [t for t, _ in data[split]]
        blocks = [
            cached_encode(
                enc, texts, name=name, progress=lambda d, n: report(f"encode {split}", d, n)
            )
            for name, enc in parts
        ]
        return np.asarray(np.hstack(blocks) * scale, dtype=np.float32)

    emb = {s: embed(s) for s in ("train", "val", "oos_val", "test", "oos_test")}
    texts = {s: [t for t, _ in data[s]] for s in emb}
    labels = {s: [label for _, label in data[s]] for s in emb}
    started = time.perf_counter()
    clf = IntentClassifier(c=c or CLINC_C[encoder], char_ngrams=False, oos_label="oos")
    clf.fit(
        texts["train"],
        labels["train"],
        val_texts=texts["val"] + texts["oos_val"],
        val_labels=labels["val"] + labels["oos_val"],
        embeddings=emb["train"],
        val_embeddings=np.vstack([emb["val"], emb["oos_val"]]),
        progress=progress,
    )
    took = time.perf_counter() - started
    probs = clf.predict_proba(texts["test"], embeddings=emb["test"])
    truth = np.array([clf.labels.index(label) for label in labels["test"]])
    top = probs.argmax(1)
    accuracy = float((top == truth).mean())
    oos_in = clf.oos_score(texts["test"], embeddings=emb["test"])
    oos_out = clf.oos_score(texts["oos_test"], embeddings=emb["oos_test"])
    auroc = float(
        roc_auc_score(np.r_[np.zeros(len(oos_in)), np.ones(len(oos_out))], np.r_[oos_in, oos_out])
    )
    accepted = oos_in <= clf.threshold
    return ClincReport(
        in_scope_accuracy=accuracy,
        oos_auroc=auroc,
        oos_recall=float((oos_out > clf.threshold).mean()),
        in_scope_accuracy_with_rejection=float(((top == truth) & accepted).mean()),
        threshold=clf.threshold,
        temperature=clf.temperature,
        n_test=len(truth),
        n_oos_test=len(oos_out),
        train_seconds=took,
        encoder=encoder,
        c=clf.c,
    )


def evaluate_intent_set(
    data_file: Path = DEFAULT_INTENTS_FILE,
    *,
    test_size: float = 0.2,
    seed: int = 0,
    encoder: SentenceEncoder | None = None,
) -> IntentSetReport:
    """Train on a stratified (intent x language) split of ``data_file``; test on the rest."""
    from sklearn.model_selection import train_test_split

    examples = load_examples(data_file)
    enc = encoder or get_encoder()
    emb = cached_encode(enc, [e.text for e in examples])
    strata = [f"{e.intent}|{e.language}" for e in examples]
    train_idx, test_idx = train_test_split(
        np.arange(len(examples)), test_size=test_size, random_state=seed, stratify=strata
    )
    clf = IntentClassifier(enc).fit(
        [examples[i].text for i in train_idx],
        [examples[i].intent for i in train_idx],
        embeddings=emb[train_idx],
    )
    preds = clf.predict([examples[i].text for i in test_idx], embeddings=emb[test_idx])
    correct = np.array(
        [p.intent == examples[i].intent for p, i in zip(preds, test_idx, strict=True)]
    )
    langs = np.array([examples[i].language for i in test_idx])
    per_language = {lang: float(correct[langs == lang].mean()) for lang in sorted(set(langs))}
    return IntentSetReport(
        accuracy=float(correct.mean()),
        per_language=per_language,
        n_train=len(train_idx),
        n_test=len(test_idx),
        per_language_n={lang: int((langs == lang).sum()) for lang in sorted(set(langs))},
    )
