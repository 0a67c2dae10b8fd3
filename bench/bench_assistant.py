"""Server-side turn latency of the assistant without a language model (p50 / p95).

Replays the scripted conversation suite (zh + en) on fresh copies of the tau2 demo store and
times each ``Assistant.handle`` call: understanding, policy, tool calls and persistence.
The first turn of the run is a warm-up (model loading) and is reported separately.
Writes ``bench/out/assistant.md``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from kefu.assistant import Assistant
    from kefu.assistant.eval._store import build_template, fresh_store
    from kefu.assistant.eval.harness import load_scripts

    limit = int(os.environ.get("KEFU_BENCH_SCRIPTS", "0")) or None
    from kefu.knowledge import KnowledgeBase

    # the eval's template: tau2 data plus the demo FAQ/policy that policy questions cite
    template = build_template(ROOT / ".cache" / "assistant" / "demo-template-kb.db")
    scripts = load_scripts()[:limit]
    work = Path(tempfile.mkdtemp(prefix="kefu-bench-"))
    timings: dict[str, list[float]] = {"en": [], "zh": []}
    kinds: dict[str, list[float]] = {}
    warmup = None
    for script in scripts:
        engine = fresh_store(template, work / f"{script.id}.db")
        assistant = Assistant(engine, knowledge=KnowledgeBase(engine, work))
        cid = assistant.start(language=script.language)
        for text in script.turns:
            start = time.perf_counter()
            reply = assistant.handle(cid, text)
            took = (time.perf_counter() - start) * 1000
            if warmup is None:
                warmup = took
                continue
            timings[script.language].append(took)
            kinds.setdefault(_kind(reply), []).append(took)
        engine.dispose()
    every = timings["en"] + timings["zh"]

    def pct(values: list[float], q: float) -> float:
        if len(values) < 2:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]

    rows = [
        f"| {name} | {len(v)} | {pct(v, 50):.1f} | {pct(v, 95):.1f} | {max(v):.1f} |"
        for name, v in (("all", every), ("en", timings["en"]), ("zh", timings["zh"]))
        if v
    ]
    rows += [
        f"| kind: {name} | {len(v)} | {pct(v, 50):.1f} | {pct(v, 95):.1f} | {max(v):.1f} |"
        for name, v in sorted(kinds.items(), key=lambda kv: -len(kv[1]))
        if len(v) >= 5
    ]
    cores = os.cpu_count()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "assistant.md").write_text(
        "\n".join(
            [
                "## assistant: turn latency (server side, no model)",
                "",
                f"`python bench/bench_assistant.py` on {cores} cores ({platform.machine()}), "
                f"Python {platform.python_version()}, SQLite store (fresh copy of the demo store, tau2 + zh catalogue, per "
                f"conversation), {len(scripts)} scripted conversations (every suite in "
                "kefu/assistant/eval/conversations). Time of "
                "`Assistant.handle` per customer turn (NLU + policy + order tools + "
                "persistence); the machine was shared with other jobs.",
                "",
                "| turns | n | p50 ms | p95 ms | max ms |",
                "|---|---|---|---|---|",
                *rows,
                "",
                f"First turn of the run (loads models; excluded above): {warmup or 0:.0f} ms.",
                "",
            ]
        ),
        encoding="utf-8",
    )
    print((out / "assistant.md").read_text())


def _kind(reply: object) -> str:
    """What the turn did: the template family of its first reply piece (shop_*, confirm, …)."""
    said = [p.get("key") or "" for p in getattr(reply, "said", [])]
    keys = [k for k in said if k not in ("auth_ok", "sorry_request", "order_picked")] or said
    key = keys[0] if keys else "none"
    if key.startswith("shop_"):
        return "shopping"
    if key.startswith("done_"):
        return "write executed"
    if key in ("confirm", "confirm_again"):
        return "confirmation"
    if key.startswith("ask_"):
        return "slot question"
    if key in ("kb_answer", "kb_unsure"):
        return "knowledge"
    if key in ("order_status", "refund_status"):
        return "order read"
    return "other"


if __name__ == "__main__":
    main()
