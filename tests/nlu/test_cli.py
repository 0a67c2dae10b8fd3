"""The nlu CLI commands through Typer's runner, with the real model."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app
from tests.nlu.test_intents import SMALL_YAML

runner = CliRunner()


@pytest.mark.slow
def test_parse_json_prints_language_intent_entities_and_mood() -> None:
    result = runner.invoke(
        app,
        ["nlu", "parse", "帮我取消订单W1234567，太差了！！！", "--json", "--product", "水杯"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["language"] == "zh"
    assert data["intent"] == "cancel_order"
    assert 0.0 <= data["confidence"] <= 1.0
    assert {"type": "order_id", "value": "#W1234567"}.items() <= data["entities"][0].items()
    assert data["frustration"]["score"] > 0.5
    assert set(data) >= {"alternatives", "sentiment"}


def test_train_nlu_writes_a_loadable_model(tmp_path: Path) -> None:
    from kefu.nlu import IntentClassifier

    data = tmp_path / "mine.yaml"
    data.write_text(SMALL_YAML, encoding="utf-8")
    out = tmp_path / "model.joblib"
    result = runner.invoke(app, ["train", "nlu", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "trained 3 intents" in result.output
    assert IntentClassifier.load(out).predict(["退款呢"])[0].intent == "refund"


def test_train_nlu_rejects_malformed_data_without_writing(tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("text,label\nhi,greet\n", encoding="utf-8")
    out = tmp_path / "model.joblib"
    result = runner.invoke(app, ["train", "nlu", str(data), "--out", str(out)])
    assert result.exit_code == 1
    assert "cannot train" in result.output and "'text' and 'intent'" in result.output
    assert not out.exists()
