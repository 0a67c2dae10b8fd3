"""Backend selection: the model is optional, misconfiguration degrades to no model."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.config import get_settings
from kefu.llm import LLMUnavailable, get_llm, load_llm, reset_llm
from kefu.llm.remote import OpenAICompatible


@pytest.fixture(autouse=True)
def _fresh_choice() -> None:
    reset_llm()


def _configure(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for key, value in env.items():
        monkeypatch.setenv(f"KEFU_{key.upper()}", value)
    get_settings.cache_clear()
    reset_llm()


def test_backend_none_means_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(monkeypatch, llm_backend="none")
    assert get_llm() is None
    assert load_llm() is None


def test_missing_local_model_degrades_to_none_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _configure(monkeypatch, llm_backend="local", llm_models_dir=str(tmp_path))
    with pytest.raises(LLMUnavailable, match="kefu llm fetch"):
        load_llm()
    with caplog.at_level(logging.WARNING, logger="kefu.llm"):
        assert get_llm() is None
    assert "continuing without it" in caplog.text


def test_unknown_local_model_name_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(monkeypatch, llm_backend="local", llm_local_model="nope")
    with pytest.raises(LLMUnavailable, match="unknown model"):
        load_llm()


def test_openai_backend_needs_a_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(monkeypatch, llm_backend="openai")
    with pytest.raises(LLMUnavailable, match="BASE_URL"):
        load_llm()
    assert get_llm() is None


def test_openai_backend_is_built_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(
        monkeypatch,
        llm_backend="openai",
        llm_base_url="http://127.0.0.1:9/v1",
        llm_model="qwen",
        llm_redact_remote="1",
    )
    first = get_llm()
    assert isinstance(first, OpenAICompatible)
    assert first.model == "qwen" and first.redact_prompts
    assert get_llm() is first


def test_cli_lists_known_models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from kefu.cli.main import app

    _configure(monkeypatch, llm_models_dir=str(tmp_path))
    result = CliRunner().invoke(app, ["llm", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "qwen2.5-coder-0.5b" in result.output and "qwen2.5-coder-1.5b" in result.output


def test_cli_fetch_refuses_unknown_model() -> None:
    from kefu.cli.main import app

    result = CliRunner().invoke(app, ["llm", "fetch", "9b"])
    assert result.exit_code != 0
    assert "unknown model" in result.output
