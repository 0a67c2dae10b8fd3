"""A small client for Medusa v2's Admin REST API.

Authentication is a secret API key sent as HTTP Basic (``sk_...:``), or an admin email and
password exchanged for a JWT at ``POST /auth/user/emailpass``. Failures are classified as in
:mod:`kefu.stores._http`: down, timing out, 5xx and 429 raise
:class:`~kefu.orders.errors.ShopUnavailable`; any other 4xx raises
:class:`~kefu.orders.errors.ShopRefused` with Medusa's own ``message`` (kefu shows it as one
plain localised sentence, never the raw JSON).
"""

from __future__ import annotations

from typing import Any

from kefu.orders.errors import ShopRefused
from kefu.stores._http import call


class MedusaAdmin:
    def __init__(
        self, url: str, api_key: str = "", password: str = "", timeout_s: float = 5.0
    ) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.password = password
        self.timeout_s = timeout_s
        self._jwt: str | None = None

    def _auth(self, language: str) -> tuple[dict[str, str], tuple[str, str] | None]:
        if not self.password:  # a secret API key
            return {}, (self.api_key, "")
        if self._jwt is None:
            status, body = call(
                "POST",
                f"{self.url}/auth/user/emailpass",
                language=language,
                timeout_s=self.timeout_s,
                json={"email": self.api_key, "password": self.password},
            )
            if status >= 400 or not isinstance(body, dict) or "token" not in body:
                raise ShopRefused("the store did not accept kefu's credentials", language)
            self._jwt = str(body["token"])
        return {"Authorization": f"Bearer {self._jwt}"}, None

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        params: dict[str, Any] | None = None,
        language: str = "en",
        timeout_s: float | None = None,
    ) -> dict[str, Any]:
        headers, auth = self._auth(language)
        status, data = call(
            method,
            f"{self.url}{path}",
            language=language,
            timeout_s=timeout_s or self.timeout_s,
            json=body,
            params=params,
            headers=headers,
            auth=auth,
        )
        if status == 401 and self.password:
            self._jwt = None  # expired token: log in again once
            headers, auth = self._auth(language)
            status, data = call(
                method,
                f"{self.url}{path}",
                language=language,
                timeout_s=timeout_s or self.timeout_s,
                json=body,
                params=params,
                headers=headers,
                auth=auth,
            )
        if status >= 400:
            raise ShopRefused(error_message(data) or f"HTTP {status}", language)
        return data if isinstance(data, dict) else {}

    def get(self, path: str, language: str = "en", **params: Any) -> dict[str, Any]:
        return self.request("GET", path, params=params or None, language=language)

    def post(
        self, path: str, body: dict[str, Any] | None = None, language: str = "en", **params: Any
    ) -> dict[str, Any]:
        return self.request("POST", path, body or {}, params=params or None, language=language)

    def delete(self, path: str, language: str = "en") -> dict[str, Any]:
        return self.request("DELETE", path, language=language)

    def all(self, path: str, key: str, language: str = "en", **params: Any) -> list[dict[str, Any]]:
        """Every row of a list endpoint, page by page."""
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = self.get(path, language, limit=200, offset=offset, **params)
            batch = list(page.get(key) or [])
            rows.extend(batch)
            offset += len(batch)
            if not batch or offset >= int(page.get("count", 0)):
                return rows


def error_message(body: Any) -> str:
    """Medusa's error answer is ``{"type": ..., "message": ...}``."""
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, str):
            return message
    return ""
