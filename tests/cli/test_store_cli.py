"""The store commands as a user runs them: import, export, keys, demo + serve."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kefu.cli.main import app
from tests.conftest import TAU2_DB

runner = CliRunner()


def test_import_then_export_tau2_is_identical(
    store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KEFU_DATABASE_URL", store_url)
    result = runner.invoke(app, ["import", "tau2", str(TAU2_DB)])
    assert result.exit_code == 0, result.output
    assert "500 customers" in result.output
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["export", "tau2", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == json.loads(TAU2_DB.read_text())


def test_malformed_catalog_import_lists_rows_and_exits_nonzero(
    store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KEFU_DATABASE_URL", store_url)
    bad = tmp_path / "bad.csv"
    bad.write_text("product_id,name,variant_id,price\nP1,Cup,V1,abc\nP2,Bowl,V2,3.00\n")
    result = runner.invoke(app, ["import", "catalog", str(bad), "--kind", "products"])
    assert result.exit_code == 1
    assert "row 2" in result.output and "nothing was imported" in result.output
    good = tmp_path / "good.csv"
    good.write_text("product_id,name,variant_id,price\nP2,Bowl,V2,3.00\n")
    assert runner.invoke(app, ["import", "catalog", str(good)]).exit_code == 0


def test_keys_create_list_revoke(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_DATABASE_URL", store_url)
    created = runner.invoke(app, ["keys", "create", "alice", "--role", "admin"])
    assert created.exit_code == 0 and created.output.startswith("kf_")
    listing = runner.invoke(app, ["keys", "list"])
    assert "alice" in listing.output and created.output.strip() not in listing.output
    assert runner.invoke(app, ["keys", "revoke", "1"]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", "1"]).exit_code == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_kefu_demo_serves_docs_and_health(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "KEFU_DATA_DIR": str(tmp_path / "demo"),
        "KEFU_TAU2_DIR": str(TAU2_DB.parent),
    }
    env.pop("KEFU_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli.main", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise AssertionError("server did not come up")
        assert "swagger" in httpx.get(f"http://127.0.0.1:{port}/docs").text.lower()
        assert httpx.get(f"http://127.0.0.1:{port}/ready").json()["status"] == "ready"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
