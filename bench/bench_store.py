"""Foundation benchmark: tau2 import time and a read endpoint's throughput under load.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_store.py``). Starts
``kefu serve`` on 127.0.0.1 against a fresh SQLite store and drives it with 20 concurrent
clients from bench/loadgen.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.loadgen import run_load  # noqa: E402

TAU2 = ROOT.parent / "shared" / "tau2-retail" / "db.json"
OUT = ROOT / "bench" / "out" / "store.md"


def _import_seconds(url: str) -> float:
    env = {**os.environ, "KEFU_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "kefu.cli.main", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kefu.cli.main", "import", "tau2", str(TAU2)],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="kefu-bench-"))
    url = f"sqlite:///{work / 'bench.db'}"
    t_import = _import_seconds(url)
    port = _free_port()
    # one client address sends everything: the per-address rate limit would answer 429
    env = {**os.environ, "KEFU_DATABASE_URL": url, "KEFU_LOG_LEVEL": "WARNING", "KEFU_RATE_LIMIT_PER_S": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        ids = [
            p["product_id"] for p in httpx.get(base + "/v1/products", params={"limit": 50}).json()
        ]
        run_load(
            base, lambda i: f"/v1/products/{ids[i % len(ids)]}", concurrency=20, total=300
        )  # warm-up
        res = run_load(
            base,
            lambda i: f"/v1/products/{ids[i % len(ids)]}",
            concurrency=20,
            total=4000,
            max_seconds=60,
        )
        s = res.summary()
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [
        "## store (bench/bench_store.py)",
        "",
        f"- Import of the tau2 retail store (500 customers, 1,000 orders, 50 products / 591 variants) into SQLite via `kefu import tau2`: **{t_import:.1f} s** (whole CLI process, schema already created).",
        f"- `GET /v1/products/{{id}}` (product with variants, SQLite, one uvicorn worker) with 20 concurrent clients on loopback, {int(s['requests'])} requests: **{s['rps']:.0f} req/s**, p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, errors {int(s['errors'])}.",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
