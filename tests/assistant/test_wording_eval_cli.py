"""``kefu eval conversations --llm``: task success per model mode (the default output, which
other tests read, is unchanged)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app


def test_llm_none_prints_the_no_model_task_success() -> None:
    result = CliRunner().invoke(
        app, ["eval", "conversations", "--only", "en-status-01", "--llm", "none"]
    )
    assert result.exit_code == 0, result.output
    assert "task success (none): 1/1" in result.output
    assert "task success without model" not in result.output
    assert "local-route" not in result.output


def test_llm_local_without_the_model_says_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_LLM_MODELS_DIR", "/nonexistent-models")
    result = CliRunner().invoke(
        app, ["eval", "conversations", "--only", "en-status-01", "--llm", "none,local-route"]
    )
    assert result.exit_code == 0, result.output
    assert "task success (none): 1/1" in result.output
    assert "task success (local-route): not measured/1 (local model unavailable" in result.output


def test_unknown_llm_mode_is_refused() -> None:
    result = CliRunner().invoke(app, ["eval", "conversations", "--llm", "remote-converse"])
    assert result.exit_code != 0
