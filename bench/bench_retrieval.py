"""Retrieval speed at scale: build an index of N generated chunks (default 100,000) in a real
SQLite store, then time single queries for BM25, dense and hybrid through
``KnowledgeBase.search`` (query encoding + scoring + fusion + fetching the hits' rows).

Chunks are generated from the demo documents, the tau2 policy and the tau2 catalogue:
each is one or two of their sentences with a varying product, store branch and number,
so BM25 sees a realistic vocabulary and every vector is distinct.

    OPENBLAS_NUM_THREADS=1 python bench/bench_retrieval.py [--n 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out" / "retrieval.md"


def sentences() -> list[str]:
    from kefu.knowledge._parse import parse_bytes

    demo = sorted((ROOT / "kefu" / "demo" / "knowledge").iterdir())
    files = [*demo, ROOT.parent / "shared" / "tau2-retail" / "policy.md"]
    out: list[str] = []
    for f in files:
        doc = parse_bytes(f.read_bytes(), f.name, f.suffix)
        for sec in doc.sections:
            out += [
                s.strip() for s in re.split(r"(?<=[.!?。！？])\s*", sec.text) if len(s.strip()) > 12
            ]
    return out


def generate(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` (section, text) pairs built from real sentences and catalogue names."""
    rng = random.Random(seed)
    base = sentences()
    data = json.loads((ROOT.parent / "shared" / "tau2-retail" / "db.json").read_text())
    names = [p["name"] for p in data["products"].values()]
    options = sorted(
        {
            f"{k} {v}"
            for p in data["products"].values()
            for var in p["variants"].values()
            for k, v in var["options"].items()
        }
    )
    out = []
    for i in range(n):
        product = rng.choice(names)
        text = " ".join(rng.sample(base, rng.choice((1, 2))))
        text += f" Applies to {product} ({rng.choice(options)}) at branch {i % 997}."
        out.append((f"{product} › note {i}", text))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1, help="encoder threads")
    args = parser.parse_args()

    from sqlalchemy import insert

    from kefu.knowledge import KnowledgeBase
    from kefu.knowledge._text import detect_language
    from kefu.knowledge.evaluation import load_eval_set
    from kefu.nlu.encoder import UseEncoder
    from kefu.store.db import make_engine, upgrade_schema
    from kefu.store.models import KnowledgeChunk, KnowledgeDocument

    chunks = generate(args.n)
    tmp = Path(tempfile.mkdtemp(prefix="kefu-bench-retrieval-"))
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    upgrade_schema(engine)
    per_doc = 100
    with engine.begin() as conn:
        docs = [
            {
                "id": d + 1,
                "source": f"bench/doc-{d}.md",
                "title": f"Bench {d}",
                "doc_type": ("faq", "policy", "page", "document")[d % 4],
                "language": None,
                "content_hash": f"{d:064d}",
            }
            for d in range((len(chunks) + per_doc - 1) // per_doc)
        ]
        conn.execute(insert(KnowledgeDocument), docs)
        rows = [
            {
                "document_id": i // per_doc + 1,
                "position": i % per_doc,
                "section": sec,
                "text": text,
                "language": detect_language(text),
                "data": None,
            }
            for i, (sec, text) in enumerate(chunks)
        ]
        conn.execute(insert(KnowledgeChunk), rows)
    encoder = UseEncoder(threads=args.threads)
    encoder.encode(["warm up"])
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kb = KnowledgeBase(engine, tmp, encoder=encoder)
    start = time.perf_counter()
    index = kb.refresh()
    build_s = time.perf_counter() - start
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    disk = sum(f.stat().st_size for f in (tmp / "knowledge" / "index").rglob("*") if f.is_file())

    start = time.perf_counter()
    reloaded = KnowledgeBase(engine, tmp, encoder=encoder)
    reloaded.refresh()
    reload_s = time.perf_counter() - start

    queries = [q.query for q in load_eval_set().questions][: args.queries]
    lat: dict[str, list[float]] = {}
    for mode in ("bm25", "dense", "hybrid"):
        reloaded.search(queries[0], mode=mode)  # warm
        times = []
        for q in queries:
            t = time.perf_counter()
            reloaded.search(q, k=5, mode=mode)  # type: ignore[arg-type]
            times.append((time.perf_counter() - t) * 1000)
        lat[mode] = times
    t = time.perf_counter()
    for q in queries:
        encoder.encode([q])
    encode_ms = (time.perf_counter() - t) * 1000 / len(queries)

    def pct(xs: list[float], p: float) -> float:
        return statistics.quantiles(xs, n=100)[int(p) - 1]

    load = os.getloadavg()[0]
    lines = [
        "## retrieval",
        "",
        f"`OPENBLAS_NUM_THREADS=1 python bench/bench_retrieval.py --n {args.n} --queries {len(queries)} --threads {args.threads}`"
        f" — {os.cpu_count()} cores, SQLite store, multilingual USE v3 with {args.threads} encoder thread(s);"
        f" 1-minute load average at the end: {load:.1f} (the machine is shared).",
        "",
        f"- index of {len(index):,} chunks: build {build_s:.1f} s (embedding + jieba/Snowball tokenising + bm25s),"
        f" {len(index) / build_s:.0f} chunks/s; on disk {disk / 1e6:.0f} MB;"
        f" peak RSS grew {(rss1 - rss0) / 1024:.0f} MB while building (embeddings {index.embeddings.nbytes / 1e6:.0f} MB)",
        f"- reload from disk in a new process-level object: {reload_s * 1000:.0f} ms (no re-embedding)",
        f"- query encoding alone: {encode_ms:.1f} ms mean",
        "",
        "| mode | p50 ms | p95 ms | mean ms |",
        "|---|---|---|---|",
    ]
    for mode, xs in lat.items():
        lines.append(
            f"| {mode} | {statistics.median(xs):.1f} | {pct(xs, 95):.1f} | {statistics.mean(xs):.1f} |"
        )
    lines += [
        "",
        f"Target: hybrid p95 ≤ 50 ms at 100k chunks — {'met' if pct(lat['hybrid'], 95) <= 50 else 'NOT met'} at {len(index):,}.",
        "",
    ]
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))
    reloaded.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
