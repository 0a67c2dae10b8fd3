"""Staff keys through the admin API (hashed at rest, revocable at once) and signed identities."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from kefu.api import create_app
from kefu.auth import Role, TokenError, create_key, sign_site_identity, verify_site_identity
from kefu.config import get_settings
from kefu.store.db import session_factory
from kefu.store.models import ApiKey
from tests.assistant.conftest import YUSUF


def _admin(engine: Engine) -> dict[str, str]:
    with session_factory(engine)() as s:
        secret = create_key(s, "root", Role.ADMIN)
        s.commit()
    return {"X-API-Key": secret}


def test_admin_issues_a_key_shown_once_and_stored_hashed(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    admin = _admin(engine)
    res = client.post("/v1/admin/keys", json={"name": "amy", "role": "agent"}, headers=admin)
    assert res.status_code == 201
    issued = res.json()
    secret = issued["secret"]
    assert issued["role"] == "agent" and secret.startswith(issued["prefix"])
    with session_factory(engine)() as s:
        stored = s.scalars(select(ApiKey).where(ApiKey.id == issued["id"])).one()
        assert secret not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    listed = client.get("/v1/admin/keys", headers=admin).json()
    assert {k["name"] for k in listed} == {"root", "amy"}
    assert all("secret" not in k and "key_hash" not in k for k in listed)
    assert client.get("/v1/handoffs", headers={"X-API-Key": secret}).status_code == 200
    assert client.get("/v1/admin/keys", headers={"X-API-Key": secret}).status_code == 403


def test_revoked_key_is_refused_on_the_next_request(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    admin = _admin(engine)
    issued = client.post("/v1/admin/keys", json={"name": "bob"}, headers=admin).json()
    bob = {"X-API-Key": issued["secret"]}
    assert client.get("/v1/tools", headers=bob).status_code == 200
    assert client.delete(f"/v1/admin/keys/{issued['id']}", headers=admin).status_code == 204
    assert client.get("/v1/tools", headers=bob).status_code == 401
    assert client.delete(f"/v1/admin/keys/{issued['id']}", headers=admin).status_code == 404
    revoked = client.get("/v1/admin/keys?include_revoked=true", headers=admin).json()
    assert [k["revoked_at"] is not None for k in revoked if k["name"] == "bob"] == [True]


def test_unknown_role_is_422(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    res = client.post("/v1/admin/keys", json={"name": "x", "role": "owner"}, headers=_admin(engine))
    assert res.status_code == 422


def test_site_secret_separates_store_identities_from_kefu_tokens(
    sqlite_tau2_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With KEFU_SITE_SECRET the store's key vouches for customers and nothing else."""
    monkeypatch.setenv("KEFU_SITE_SECRET", "store-site-secret")
    get_settings.cache_clear()
    client = TestClient(create_app(sqlite_tau2_engine))
    good = sign_site_identity(YUSUF["id"], key="store-site-secret")
    assert verify_site_identity(good) == YUSUF["id"]
    res = client.post("/v1/conversations", json={"customer_token": good})
    assert res.status_code == 201 and res.json()["customer_id"] == YUSUF["id"]
    signed_by_kefu = sign_site_identity(YUSUF["id"], key=get_settings().secret_key)
    assert (
        client.post("/v1/conversations", json={"customer_token": signed_by_kefu}).status_code == 401
    )
    with pytest.raises(TokenError):
        verify_site_identity(sign_site_identity(YUSUF["id"], ttl_s=-1))
    unknown = sign_site_identity("nobody_0000", key="store-site-secret")
    assert client.post("/v1/conversations", json={"customer_token": unknown}).status_code == 422
