"""A language-model endpoint that hangs or refuses: the assistant still answers, in time."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from kefu.assistant import Assistant
from kefu.llm.remote import OpenAICompatible


@pytest.fixture
def hanging_endpoint() -> Iterator[str]:
    """A TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def _refusing_endpoint() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there any more


@pytest.mark.parametrize("kind", ["hanging", "refusing"])
def test_assistant_answers_without_the_model_within_its_timeout(
    kind: str, sqlite_tau2_engine: Engine, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("hanging_endpoint") if kind == "hanging" else _refusing_endpoint()
    from kefu.nlu import get_intent_classifier

    get_intent_classifier()  # trained on first use: not part of a turn's time (kefu serve warms it)
    llm = OpenAICompatible(url, "any-model", timeout_s=1.0, max_retries=0)
    assistant = Assistant(sqlite_tau2_engine, llm=llm)
    without_model = Assistant(sqlite_tau2_engine, llm=None)
    cid, base_cid = assistant.start(language="en"), without_model.start(language="en")
    for text in ("blorp fizzle wug, can you help", "zorp quux my thing"):
        start = time.perf_counter()
        without_model.handle(base_cid, text)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        reply = assistant.handle(cid, text)
        elapsed = time.perf_counter() - start
        assert reply.text, "the customer always gets an answer"
        # the dead model may cost its timeout once per turn, nothing more (baseline absorbs load)
        assert elapsed < 2 * baseline + 1.0 + 1.5, (
            f"turn took {elapsed:.1f} s with the model {kind} vs {baseline:.1f} s without"
        )
