"""The server builds its conversation assistant, with the configured model client, at
start-up (the app's lifespan), and calls no model doing so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kefu.api import app as app_module
from kefu.assistant import service
from kefu.config import get_settings
from kefu.llm.remote import OpenAICompatible
from kefu.llm.service import reset_llm
from tests.llm.openai_server import ChatServer


@pytest.fixture
def model_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatServer]:
    with ChatServer() as server:
        monkeypatch.setenv("KEFU_WARM_UP", "1")
        monkeypatch.setenv("KEFU_LLM_BACKEND", "openai")
        monkeypatch.setenv("KEFU_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("KEFU_LLM_MODEL", "scripted")
        monkeypatch.setenv("KEFU_LLM_ROLE", "converse")
        monkeypatch.setattr(app_module, "warm_up", lambda: None)  # the NLU part: not this test's
        get_settings.cache_clear()
        reset_llm()
        service._ASSISTANTS.clear()
        yield server
    service._ASSISTANTS.clear()
    reset_llm()
    get_settings.cache_clear()


def test_start_up_builds_the_assistant_with_its_model(
    sqlite_tau2_engine: Engine, model_env: ChatServer
) -> None:
    app = app_module.create_app(sqlite_tau2_engine)
    assert id(sqlite_tau2_engine) not in service._ASSISTANTS
    with TestClient(app):
        built = service._ASSISTANTS.get(id(sqlite_tau2_engine))
        assert built is not None, "the assistant was not built at start-up"
        assert isinstance(built.llm, OpenAICompatible)
    assert model_env.requests == []
