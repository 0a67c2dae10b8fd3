"""Model wording against the real local model served by ``python -m llama_cpp.server`` (a
real OpenAI-compatible server, not in-process): whatever the model writes, the customer
sees checked sentences or the template, streamed and stored alike."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from kefu.llm.models import MODELS, model_path
from tests.assistant.conftest import PENDING_ORDER
from tests.assistant.test_wording import _assert_checked, _open, _stored, _stream, _template_of

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


@pytest.fixture(scope="module")
def local_server() -> Iterator[str]:
    running = os.environ.get("KEFU_TEST_LLAMA_SERVER_URL")
    if running:  # a python -m llama_cpp.server already up (the bench's), e.g. .../v1
        yield running
        return
    pytest.importorskip("llama_cpp")
    try:
        import llama_cpp.server.app  # noqa: F401  (needs the llm-server extra)
    except ImportError as exc:
        pytest.skip(f"llama_cpp.server needs its extras (pip install '.[llm-server]'): {exc}")
    from bench.bench_wording import llama_server

    for name in ("qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"):
        path = model_path(MODELS[name].name)
        if path.exists():
            break
    else:
        pytest.skip("no local model (kefu llm fetch 1.5b)")
    with llama_server(path, threads=2) as url:
        yield url


@pytest.fixture
def client(
    sqlite_tau2_engine: Engine, local_server: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from kefu.api.app import create_app
    from kefu.assistant import service
    from kefu.config import get_settings
    from kefu.llm.service import reset_llm

    monkeypatch.setenv("KEFU_LLM_BACKEND", "openai")
    monkeypatch.setenv("KEFU_LLM_BASE_URL", local_server)
    monkeypatch.setenv("KEFU_LLM_MODEL", "local")
    monkeypatch.setenv("KEFU_LLM_ROLE", "converse")
    monkeypatch.setenv("KEFU_LLM_TIMEOUT_S", "240")
    monkeypatch.setenv("KEFU_LLM_MAX_RETRIES", "0")
    monkeypatch.setenv("KEFU_LLM_WORDING_TIMEOUT_S", "180")
    get_settings.cache_clear()
    reset_llm()
    service._ASSISTANTS.clear()
    yield TestClient(create_app(sqlite_tau2_engine))
    service._ASSISTANTS.clear()
    reset_llm()


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", f"What's the status of order {PENDING_ORDER}?"), ("zh", f"查询订单 {PENDING_ORDER}")],
)
def test_real_model_wording_is_checked_or_the_template(
    client: object, language: str, message: str
) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(client, TestClient)
    cid, auth = _open(client, language)
    deltas, reply = _stream(client, cid, auth, message)
    assert deltas == reply["text"] == _stored(client, cid, auth)
    assert reply["language"] == language
    _assert_checked(deltas, reply)
    assert PENDING_ORDER in _template_of(reply) and PENDING_ORDER in deltas
