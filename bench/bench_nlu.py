"""Language understanding: CLINC150 quality, kefu intent set per language, and speed.

Quality: ``evaluate_clinc`` (train on train, calibrate on val/oos_val, report test and
oos_test once) for USE alone and USE + e5-small, and the held-out split of kefu's own intent
set. Speed: ``parse()`` per message (intent + entities + frustration + sentiment), batch
intent classification, and entity extraction alone. Embeddings of CLINC150 are cached under
``.cache/nlu`` (the first run encodes ~23,700 sentences per encoder; e5 takes minutes).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.nlu import extract_entities, get_intent_classifier, parse  # noqa: E402
from kefu.nlu.e5 import e5_available  # noqa: E402
from kefu.nlu.evaluation import evaluate_clinc, evaluate_intent_set  # noqa: E402

OUT = ROOT / "bench" / "out"
MESSAGES = [
    "帮我查下订单#W1234567到哪了",
    "I want to return the second item, it arrived broken!!",
    "我叫王小明，手机13812345678，地址改成上海市浦东新区，邮编200120",
    "can I pay with my gift card instead of paypal?",
    "yes please",
    "不用了谢谢",
    "where is my refund of $45.20 from last week",
    "转人工，太差了",
]


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cores = os.cpu_count()
    lines = [
        "## nlu",
        "",
        f"`python bench/bench_nlu.py` on {cores} cores ({platform.processor() or platform.machine()}),"
        " shared with other work; OPENBLAS_NUM_THREADS=1, encoder threads from settings.",
        "",
        "### CLINC150 (train on train; temperature and OOS threshold from val + oos_val;"
        " test 4,500 in-scope, oos_test 1,000)",
        "",
        "| encoder | C | in-scope acc | OOS AUROC | OOS recall | in-scope acc w/ rejection | fit s |",
        "|---|---|---|---|---|---|---|",
    ]
    encoders = ["use", "use+e5"] if e5_available() else ["use"]
    last = None
    for enc in encoders:
        r = evaluate_clinc(encoder=enc)  # type: ignore[arg-type]
        last = r
        lines.append(
            f"| {enc} | {r.c:g} | {r.in_scope_accuracy:.4f} | {r.oos_auroc:.4f} | {r.oos_recall:.4f} "
            f"| {r.in_scope_accuracy_with_rejection:.4f} | {r.train_seconds:.0f} |"
        )
        print(r.summary_line, f"({enc})", flush=True)
    lines += [
        "",
        "Reference (published, BERT-base fine-tuned): in-scope 0.965, OOS AUROC 0.942.",
        "",
    ]
    own = evaluate_intent_set()
    lines += [
        f"### kefu intent set (held-out {own.n_test} of {own.n_train + own.n_test}, stratified"
        " by intent x language, seed 0)",
        "",
        "| language | n | accuracy |",
        "|---|---|---|",
        *[f"| {lang} | {own.per_language_n[lang]} | {acc:.4f} |" for lang, acc in own.per_language.items()],
        f"| all | {own.n_test} | {own.accuracy:.4f} |",
        "",
    ]
    start = time.perf_counter()
    clf = get_intent_classifier()
    load_s = time.perf_counter() - start
    parse(MESSAGES[0])  # warm sentiment model, jieba
    per_parse = timed(lambda: [parse(m) for m in MESSAGES], 3) / len(MESSAGES)
    batch = MESSAGES * 32
    per_batch = timed(lambda: clf.predict(batch), 2) / len(batch)
    per_entities = timed(lambda: [extract_entities(m) for m in MESSAGES], 20) / len(MESSAGES)
    lines += [
        "### Speed (per message)",
        "",
        "| step | time |",
        "|---|---|",
        f"| default intent model: load (or train, first run) | {load_s * 1000:.0f} ms |",
        f"| `parse()` one message (intent, entities, frustration, review sentiment)"
        f" | {per_parse * 1000:.1f} ms |",
        f"| intent only, batch of {len(batch)} | {per_batch * 1000:.2f} ms |",
        f"| entities only | {per_entities * 1000:.2f} ms |",
        "",
    ]
    if last is not None:
        lines.append(f"`{last.summary_line}`")
        lines.append("")
    (OUT / "nlu.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
