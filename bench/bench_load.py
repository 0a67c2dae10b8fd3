"""Load and fault benchmark: simulated customers chatting through the real HTTP API.

Starts ``kefu serve`` on 127.0.0.1 (SQLite or PostgreSQL, N workers), runs ``--customers``
concurrent tau2 customers for ``--seconds``; each opens a conversation, signs in by email,
asks about an order, asks to cancel it and confirms, asks a policy question, and then an
agent cancels one of the customer's pending orders through the staff tool API with an
``Idempotency-Key``. Every message carries a ``client_message_id`` and is retried on network
errors, 429 and 503. Optional faults: ``--kill-at S`` (kill -9 the server, restart it) and
``--db-outage-at S`` (PostgreSQL: refuse connections to the bench database for 3 s).

Afterwards, from the database: every acknowledged message is in its transcript exactly once,
no message is stored twice, and every acknowledged write is applied exactly once.
``--think S`` paces each customer like a person (S seconds on average between a reply and the
next message); without it they send back to back, a stress test.
Loopback only, bounded in customers and time. Writes bench/out/load.md (load_think.md when
paced).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ADMIN_KEY = "kf_bench_" + uuid.uuid4().hex
PG_ADMIN = os.environ.get("KEFU_TEST_PG_URL", "postgresql+psycopg://kefu:kefu@127.0.0.1:5432/kefu")


@dataclass
class Stats:
    """What the simulated customers saw."""

    latencies: list[float] = field(default_factory=list)
    acked: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    writes: list[tuple[str, str]] = field(default_factory=list)  # (order id, idempotency key)
    errors: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    flows: int = 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``kefu serve`` in its own process group, so kill -9 takes every worker."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.env, self.workers, self.port = env, workers, _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [str(ROOT / ".venv/bin/kefu"), "serve", "--port", str(self.port), "--workers", str(self.workers)]
        self.proc = subprocess.Popen(
            cmd, env=self.env, cwd=ROOT, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("server did not become ready")

    def kill9(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill9()


async def _post(
    client: httpx.AsyncClient, stats: Stats, url: str, body: Any, headers: dict[str, str], deadline: float
) -> httpx.Response | None:
    """POST with retries on network errors, 429 and 503 (same body: idempotent by design)."""
    while time.perf_counter() < deadline + 60:
        try:
            res = await client.post(url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            stats.retries[type(exc).__name__] += 1
            await asyncio.sleep(0.5 + random.random())
            continue
        if res.status_code in (429, 503):
            stats.retries[str(res.status_code)] += 1
            await asyncio.sleep(float(res.headers.get("Retry-After", "1")) * random.uniform(0.5, 1.0))
            continue
        return res
    stats.errors["gave up retrying"] += 1
    return None


async def _customer(
    client: httpx.AsyncClient, stats: Stats, user: dict[str, Any], deadline: float, think: float
) -> None:
    pending = [o for o in user["orders"] if o["status"] == "pending"]
    any_order = user["orders"][0]["order_id"]
    first = True
    while time.perf_counter() < deadline:
        opened = await _post(client, stats, "/v1/conversations", {"language": "en"}, {}, deadline)
        if opened is None or opened.status_code != 201:
            stats.errors[f"open {getattr(opened, 'status_code', None)}"] += 1
            return
        conv = opened.json()
        auth = {"Authorization": f"Bearer {conv['token']}"}
        order = pending[0]["order_id"] if pending else any_order
        script = [
            f"Hi, my email is {user['email']}",
            f"Where is my order {any_order}?",
            f"I want to cancel order {order}",
            "I no longer need it",
            "yes",
            "What is your return policy?",
        ]
        for text in script:
            cmid = uuid.uuid4().hex
            start = time.perf_counter()
            res = await _post(
                client, stats, f"/v1/conversations/{conv['conversation_id']}/messages",
                {"text": text, "client_message_id": cmid}, auth, deadline,
            )
            if res is None:
                return
            if res.status_code != 200:
                stats.errors[f"message {res.status_code}"] += 1
                continue
            stats.latencies.append(time.perf_counter() - start)
            stats.acked[conv["conversation_id"]].append(cmid)
            if think > 0:  # a person reads the reply and types the next message
                await asyncio.sleep(think * random.uniform(0.5, 1.5))
            for call in res.json().get("tool_calls", []):
                if call["name"] == "cancel_pending_order" and call["ok"]:
                    stats.writes.append((call["arguments"]["order_id"], cmid))
        if first and len(pending) > 1:
            key = f"bench-{user['user_id']}"
            res = await _post(
                client, stats, "/v1/tools/cancel_pending_order",
                {"order_id": pending[-1]["order_id"], "reason": "no longer needed"},
                {"X-API-Key": ADMIN_KEY, "Idempotency-Key": key}, deadline,
            )
            if res is not None and res.status_code == 200:
                stats.writes.append((pending[-1]["order_id"], key))
            elif res is not None:
                stats.errors[f"tool {res.status_code}: {res.json().get('error', '')[:60]}"] += 1
        first = False
        stats.flows += 1


async def _drive(
    base: str, users: list[dict[str, Any]], seconds: float, faults: list[tuple[float, Any]], think: float
) -> tuple[Stats, float]:
    stats = Stats()
    limits = httpx.Limits(max_connections=len(users), max_keepalive_connections=len(users))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        begin = time.perf_counter()
        deadline = begin + seconds

        async def fault_runner() -> None:
            for at, action in faults:
                await asyncio.sleep(max(0.0, begin + at - time.perf_counter()))
                await asyncio.to_thread(action)

        await asyncio.gather(fault_runner(), *(_customer(client, stats, u, deadline, think) for u in users))
        elapsed = time.perf_counter() - begin
    return stats, elapsed


def _prepare(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    from kefu.config import get_settings
    from kefu.store.db import make_engine, session_factory, upgrade_schema
    from kefu.store.tau2 import import_tau2, load_db_json

    engine = make_engine(url)
    upgrade_schema(engine)
    with session_factory(engine)() as s:
        import_tau2(s, load_db_json(get_settings().tau2_dir / "db.json"))
        s.commit()
    engine.dispose()


def _users(n: int) -> list[dict[str, Any]]:
    from kefu.config import get_settings
    from kefu.store.tau2 import load_db_json

    db = load_db_json(get_settings().tau2_dir / "db.json")
    users = []
    for uid, user in sorted(db["users"].items()):
        orders = [db["orders"][o] for o in user["orders"] if o in db["orders"]]
        if orders:
            users.append({"user_id": uid, "email": user["email"], "orders": orders})
    return users[:n]


def _verify(url: str, stats: Stats) -> dict[str, int]:
    from sqlalchemy import func, select

    from kefu.store.db import make_engine, session_factory
    from kefu.store.models import AuditLog, Message, Order

    engine = make_engine(url)
    with session_factory(engine)() as s:
        rows = s.execute(
            select(Message.conversation_id, Message.client_message_id, func.count())
            .where(Message.role == "customer", Message.client_message_id.is_not(None))
            .group_by(Message.conversation_id, Message.client_message_id)
        ).all()
        stored = {(c, m): n for c, m, n in rows}
        acked = [(c, m) for c, ids in stats.acked.items() for m in ids]
        lost = sum(1 for k in acked if k not in stored)
        duplicated = sum(1 for n in stored.values() if n > 1)
        # refused attempts are audited too (result.ok false): only applied writes count here
        applied: dict[str, int] = {}
        for target, result in s.execute(
            select(AuditLog.target_id, AuditLog.result).where(
                AuditLog.action == "cancel_pending_order"
            )
        ):
            if (result or {}).get("ok"):
                applied[target] = applied.get(target, 0) + 1
        write_lost = write_twice = 0
        for order_id, _key in stats.writes:
            order = s.get(Order, order_id)
            audits = applied.get(order_id, 0)
            if order is None or order.status != "cancelled" or not audits:
                write_lost += 1
            if audits > 1:
                write_twice += 1
        half_applied = 0
        for order_id in applied:
            order = s.get(Order, order_id)
            refunds = [p for p in order.payments if p.transaction_type == "refund"] if order else []
            if order is None or order.status != "cancelled" or not refunds:
                half_applied += 1
    engine.dispose()
    return {
        "acked": len(acked), "lost": lost, "duplicated": duplicated,
        "writes": len(stats.writes), "writes_lost": write_lost, "writes_twice": write_twice,
        "half_applied": half_applied,
    }


def _pct(data: list[float], p: float) -> float:
    data = sorted(data)
    return data[min(len(data) - 1, round(p / 100 * (len(data) - 1)))] * 1000 if data else float("nan")


def run(
    backend: str, workers: int, customers: int, seconds: float, kill_at: float | None,
    outage_at: float | None, think: float = 0.0,
) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="kefu-load-"))
    db_name = f"kefu_load_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'kefu.db'}"
    else:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{db_name}"'))
        url = make_url(PG_ADMIN).set(database=db_name).render_as_string(hide_password=False)
    _prepare(url)
    env = {
        **os.environ, "KEFU_DATABASE_URL": url, "KEFU_DATA_DIR": str(tmp),
        "KEFU_RATE_LIMIT_PER_S": "0", "KEFU_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
        "KEFU_LOG_LEVEL": "WARNING", "OPENBLAS_NUM_THREADS": "1",
    }
    server = Server(env, workers)
    server.start()
    faults: list[tuple[float, Any]] = []
    events: list[str] = []
    if kill_at is not None:
        def crash() -> None:
            t0 = time.perf_counter()
            server.kill9()
            server.start()
            events.append(f"kill -9 at {kill_at:.0f} s, back up after {time.perf_counter() - t0:.1f} s")
        faults.append((kill_at, crash))
    if outage_at is not None and backend == "postgres":
        def outage() -> None:
            from sqlalchemy import create_engine, text

            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'ALTER DATABASE "{db_name}" ALLOW_CONNECTIONS false'))
                c.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db_name}'"))
                time.sleep(3)
                c.execute(text(f'ALTER DATABASE "{db_name}" ALLOW_CONNECTIONS true'))
            admin.dispose()
            events.append(f"database refused connections for 3 s at {outage_at:.0f} s")
        faults.append((outage_at, outage))
    try:
        stats, elapsed = asyncio.run(_drive(server.base, _users(customers), seconds, faults, think))
    finally:
        server.stop()
    checks = _verify(url, stats)
    if backend == "postgres":
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
    return {
        "backend": backend, "workers": workers, "customers": customers, "think_s": think,
        "seconds": round(elapsed, 1),
        "turns": len(stats.latencies), "flows": stats.flows,
        "turns_per_s": round(len(stats.latencies) / elapsed, 1),
        "p50_ms": round(_pct(stats.latencies, 50)), "p95_ms": round(_pct(stats.latencies, 95)),
        "p99_ms": round(_pct(stats.latencies, 99)),
        "mean_ms": round(statistics.fmean(stats.latencies) * 1000) if stats.latencies else None,
        "errors": sum(stats.errors.values()), "error_kinds": dict(stats.errors),
        "retries": dict(stats.retries), "faults": events, **checks,
    }


def _markdown(results: list[dict[str, Any]], command: str, paced: bool = False) -> str:
    lines = [
        "## Load, customers paced like people (bench_load --think)" if paced else "## Load and faults (bench_load)",
        "",
        f"Machine: {os.cpu_count()} cores, loopback; the load generator shares them with the server. Command: `{command}`",
        "",
        "| store | workers | customers | think s | s | turns/s | p50 ms | p95 ms | p99 ms | errors | acked msgs | lost | dup | writes | lost/twice | fault |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['backend']} | {r['workers']} | {r['customers']} | {r.get('think_s', 0)} | {r['seconds']} | {r['turns_per_s']} "
            f"| {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['errors']} | {r['acked']} | {r['lost']} "
            f"| {r['duplicated']} | {r['writes']} | {r['writes_lost']}/{r['writes_twice']} | {'; '.join(r['faults']) or '-'} |"
        )
    lines += ["", "Retries seen by clients (network errors, 429, 503): "
              + "; ".join(f"{r['backend']}×{r['workers']}: {r['retries'] or 'none'}" for r in results), ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean seconds a customer waits before the next message (0: none)")
    ap.add_argument("--runs", default="sqlite:1:kill,sqlite:4,postgres:4:outage",
                    help="comma list of backend:workers[:kill|:outage]")
    args = ap.parse_args()
    results = []
    for spec in args.runs.split(","):
        backend, workers, *fault = spec.split(":")
        mid = args.seconds / 2
        result = run(backend, int(workers), args.customers, args.seconds,
                     kill_at=mid if "kill" in fault else None,
                     outage_at=mid if "outage" in fault else None, think=args.think)
        print(json.dumps(result), flush=True)
        results.append(result)
    OUT.mkdir(parents=True, exist_ok=True)
    command = "python bench/bench_load.py " + " ".join(sys.argv[1:])
    name = "load" if args.think == 0 else "load_think"  # the paced run keeps its own section
    (OUT / f"{name}.md").write_text(_markdown(results, command, paced=args.think > 0))
    (OUT / f"{name}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
