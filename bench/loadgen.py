"""A small, bounded HTTP load generator for loopback benchmarks (asyncio + httpx).

Stops after ``total`` requests or ``max_seconds``, whichever comes first; only ever targets
the URL it is given (the benchmarks pass 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx


@dataclass
class LoadResult:
    """Latencies (seconds) and error count of one run."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    def pct(self, p: float) -> float:
        data = sorted(self.latencies)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, round(p / 100 * (len(data) - 1)))]

    def summary(self) -> dict[str, float]:
        n = len(self.latencies)
        return {
            "requests": n,
            "errors": self.errors,
            "rps": n / self.elapsed if self.elapsed else 0.0,
            "p50_ms": self.pct(50) * 1000,
            "p95_ms": self.pct(95) * 1000,
            "p99_ms": self.pct(99) * 1000,
            "mean_ms": statistics.fmean(self.latencies) * 1000 if n else float("nan"),
        }


async def _run(
    base: str, path_fn: Callable[[int], str], concurrency: int, total: int, max_seconds: float
) -> LoadResult:
    result = LoadResult()
    counter = iter(range(total))
    deadline = time.perf_counter() + max_seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                start = time.perf_counter()
                try:
                    resp = await client.get(path_fn(i))
                    ok = resp.status_code < 400
                except httpx.HTTPError:
                    ok = False
                result.latencies.append(time.perf_counter() - start)
                if not ok:
                    result.errors += 1

        begin = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.elapsed = time.perf_counter() - begin
    return result


def run_load(
    base: str,
    path_fn: Callable[[int], str],
    concurrency: int = 20,
    total: int = 4000,
    max_seconds: float = 60,
) -> LoadResult:
    """Send up to ``total`` GETs with ``concurrency`` clients; returns latencies."""
    return asyncio.run(_run(base, path_fn, concurrency, total, max_seconds))
