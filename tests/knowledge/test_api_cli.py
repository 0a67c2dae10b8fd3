"""The staff HTTP API and the CLI, as thin adapters over the knowledge base."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kefu.api import create_app
from kefu.auth.keys import Role, create_key
from kefu.cli.main import app
from tests.knowledge.conftest import DEMO


def _key(engine: Engine, role: Role) -> str:
    with Session(engine) as session:
        key = create_key(session, f"kb-{role.value}", role)
        session.commit()
    return key


def test_upload_list_search_delete_over_http(engine: Engine) -> None:
    headers = {"X-API-Key": _key(engine, Role.AGENT)}
    admin = {"X-API-Key": _key(engine, Role.ADMIN)}
    with TestClient(create_app(engine)) as client:
        assert client.get("/v1/knowledge/documents").status_code == 401
        files = {"file": ("faq.zh.md", (DEMO / "faq.zh.md").read_bytes(), "text/markdown")}
        created = client.post("/v1/knowledge/documents", files=files, headers=headers)
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "added"
        again = client.post("/v1/knowledge/documents", files=files, headers=headers)
        assert again.json()["status"] == "unchanged"

        bad = client.post(
            "/v1/knowledge/documents",
            files={"file": ("x.pdf", b"not a pdf", "application/pdf")},
            headers=headers,
        )
        assert bad.status_code == 422 and "broken PDF" in bad.json()["detail"]

        docs = client.get("/v1/knowledge/documents", headers=headers).json()
        assert [(d["source"], d["doc_type"], d["language"]) for d in docs] == [
            ("faq.zh.md", "faq", "zh")
        ]

        found = client.get(
            "/v1/knowledge/search", params={"q": "发票怎么开", "k": 3}, headers=headers
        ).json()
        assert found["confident"] is True
        assert found["hits"][0]["citation"] == "常见问题 › 发票 › 怎么开发票？ (faq.zh.md)"
        assert (
            client.get(
                "/v1/knowledge/search", params={"q": "x", "mode": "magic"}, headers=headers
            ).status_code
            == 422
        )

        url = f"/v1/knowledge/documents/{docs[0]['id']}"
        assert client.delete(url, headers=headers).status_code == 403  # deleting needs an admin
        assert client.delete(url, headers=admin).status_code == 204
        assert client.delete(url, headers=admin).status_code == 404
        empty = client.get(
            "/v1/knowledge/search", params={"q": "发票怎么开"}, headers=headers
        ).json()
        assert empty["hits"] == [] and empty["confident"] is False


def test_cli_ingest_then_search_json(engine: Engine) -> None:
    runner = CliRunner()
    ingest = runner.invoke(app, ["ingest", str(DEMO / "shipping.en.html"), str(DEMO / "faq.csv")])
    assert ingest.exit_code == 0, ingest.output
    assert "2 added" in ingest.output
    found = runner.invoke(app, ["search", "运费多少钱", "--k", "2", "--json"])
    assert found.exit_code == 0, found.output
    data = json.loads(found.output)
    assert data["hits"][0]["name"] == "shipping.en.html"
    assert data["hits"][0]["section"] == "Shipping costs"
    assert len(data["hits"]) == 2

    bad = runner.invoke(app, ["ingest", str(DEMO / "missing.md")])
    assert bad.exit_code == 1
    assert "error" in bad.output and "missing.md" in bad.output
