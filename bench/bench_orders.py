"""Order-service benchmark: tool latency on the tau2 store (SQLite) and the parity replay.

Run with ``.venv/bin/python bench/bench_orders.py`` (or ``make bench``). Reads and audited
writes go through ``kefu.orders.call_tool`` in-process, as the assistant calls them.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.orders import ToolContext, call_tool  # noqa: E402
from kefu.orders.parity import build_template, replay_tau2  # noqa: E402
from kefu.store.db import make_engine, session_factory  # noqa: E402
from kefu.store.tau2 import load_db_json  # noqa: E402

TAU2 = ROOT.parent / "shared" / "tau2-retail"
OUT = ROOT / "bench" / "out" / "orders.md"


def _timed(calls: list[tuple[str, dict[str, object]]], session: object) -> list[float]:
    ctx = ToolContext(actor="bench")
    times = []
    for name, args in calls:
        start = time.perf_counter()
        result = call_tool(session, name, args, ctx)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
        assert result.ok, result
    return times


def _row(label: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"| {label} | {len(ms)} | {statistics.median(ms):.1f} | {p95:.1f} |"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="kefu-bench-orders-"))
    db = build_template(TAU2 / "db.json", work / "store.db")
    data = load_db_json(TAU2 / "db.json")
    pending = [o for o in data["orders"].values() if o["status"] == "pending"][:200]
    engine = make_engine(f"sqlite:///{db}")
    with session_factory(engine)() as session:
        reads = _timed(
            None, [("get_order_details", {"order_id": o["order_id"]}) for o in pending], session
        )
        address = {
            "address1": "1 Bench St",
            "address2": "",
            "city": "Austin",
            "state": "TX",
            "country": "USA",
            "zip": "78701",
        }
        writes = _timed(
            None,
            [
                ("modify_pending_order_address", {"order_id": o["order_id"], **address})
                for o in pending
            ],
            session,
        )
    engine.dispose()
    start = time.perf_counter()
    report = replay_tau2(TAU2, work / "parity")
    replay_s = time.perf_counter() - start
    lines = [
        "## Order service",
        "",
        "Command: `.venv/bin/python bench/bench_orders.py`; SQLite store with the tau2 retail data,",
        "in-process `call_tool` (writes: lock, audit row, commit).",
        "",
        "| tool call | n | median ms | p95 ms |",
        "|---|---|---|---|",
        _row("get_order_details (read)", reads),
        _row("modify_pending_order_address (audited write)", writes),
        "",
        f"tau2 replay of {len(report.tasks)} train tasks (fresh store per task): {replay_s:.0f} s, "
        f"{report.summary()}.",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
