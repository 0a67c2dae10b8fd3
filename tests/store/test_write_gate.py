"""The SQLite write gate: writers queue in order instead of polling SQLite's busy handler."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select

from kefu.assistant.engine import Assistant
from kefu.store.db import WriteGate, write_gate
from kefu.store.models import Message

_TRY_FLOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("busy")
else:
    print("free")
"""


def _other_process_sees(lock_file: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", _TRY_FLOCK, str(lock_file)], capture_output=True, text=True
    )
    return out.stdout.strip()


def test_gate_excludes_other_processes_and_is_reentrant(tmp_path: Path) -> None:
    lock_file = tmp_path / "kefu.db.writegate"
    gate = WriteGate(lock_file)
    with gate.hold():
        assert _other_process_sees(lock_file) == "busy"
        with gate.hold():  # a write tool inside a turn: same thread, no deadlock
            assert _other_process_sees(lock_file) == "busy"
        assert _other_process_sees(lock_file) == "busy"  # still held by the outer unit
    assert _other_process_sees(lock_file) == "free"


def test_gate_makes_threads_wait_their_turn(tmp_path: Path) -> None:
    gate = WriteGate(tmp_path / "g.writegate")
    inside: list[int] = []
    overlaps: list[int] = []

    def writer(i: int) -> None:
        for _ in range(20):
            with gate.hold():
                inside.append(i)
                if len(inside) > 1:
                    overlaps.append(i)
                time.sleep(0.0005)
                inside.remove(i)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert overlaps == []


def test_gate_is_per_database_and_absent_on_postgres(tmp_path: Path) -> None:
    a = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    b = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    with write_gate(a):
        assert _other_process_sees(tmp_path / "a.db.writegate") == "busy"
        assert _other_process_sees(tmp_path / "b.db.writegate") == "free"
        with write_gate(b):  # another database is not blocked by the first
            pass
    pg = create_engine("postgresql+psycopg://u:p@127.0.0.1:1/x")
    with write_gate(pg):  # nothing to take (and no connection is made)
        pass
    assert not (tmp_path / "x.writegate").exists()


def test_many_concurrent_turns_on_sqlite_all_land(sqlite_tau2_engine: Engine) -> None:
    """40 customers talking at once through one Assistant: no 'database is locked', every
    message stored exactly once."""
    assistant = Assistant(sqlite_tau2_engine)
    convs = [assistant.start(language="en") for _ in range(40)]
    errors: list[BaseException] = []

    def talk(conv: str) -> None:
        try:
            for n, text in enumerate(["hello", "what is your return policy?", "thanks"]):
                assistant.handle(conv, text, client_message_id=f"{conv}-{n}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=talk, args=(c,)) for c in convs]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with sqlite_tau2_engine.connect() as conn:
        stored = conn.scalar(
            select(func.count()).where(
                Message.role == "customer", Message.client_message_id.is_not(None)
            )
        )
    assert stored == 40 * 3
