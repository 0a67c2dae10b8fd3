"""One HTTP call to a shop's API, its failures classified: down, timing out, 5xx and 429
become :class:`ShopUnavailable` (nothing applied, or for a timeout: not known, and
``kefu sync`` reconciles); anything else is returned for the backend to read."""

from __future__ import annotations

from typing import Any

import httpx

from kefu.orders.errors import ShopUnavailable


def call(
    method: str,
    url: str,
    *,
    language: str,
    timeout_s: float,
    json: Any = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> tuple[int, Any]:
    try:
        response = httpx.request(
            method, url, json=json, params=params, headers=headers, auth=auth, timeout=timeout_s
        )
    except httpx.TimeoutException:
        raise ShopUnavailable(language, timed_out=True) from None
    except httpx.HTTPError:
        raise ShopUnavailable(language) from None
    if response.status_code == 429 or response.status_code >= 500:
        raise ShopUnavailable(language)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, None
