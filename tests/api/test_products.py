"""The public catalogue endpoints over the tau2 store."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kefu.api import create_app


def test_product_listing_search_and_detail(tau2_engine: Engine) -> None:
    with TestClient(create_app(tau2_engine)) as client:
        listing = client.get("/v1/products", params={"limit": 100}).json()
        assert len(listing) == 50
        shirts = client.get("/v1/products", params={"q": "t-shirt"}).json()
        assert [p["product_id"] for p in shirts] == ["9523456873"]
        detail = client.get("/v1/products/9523456873").json()
        assert len(detail["variants"]) == 12
        assert float(detail["min_price"]) <= float(detail["max_price"])
        assert client.get("/v1/products/nope").status_code == 404
        assert client.get("/v1/products", params={"limit": 0}).status_code == 422
