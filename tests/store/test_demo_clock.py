"""The demo and what the dashboard shows do not depend on the day they run.

kefu reads one clock (``kefu.clock``); ``KEFU_NOW`` moves it. The demo is loaded with the clock
moved a year ahead and far into the future, and the dashboard's data is read over HTTP at that
same moved "now": recent orders are recent, the review burst still raises its alert, the
support history falls inside the dashboard's window and someone is at risk of churning.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kefu import clock
from kefu.api.app import create_app
from kefu.config import get_settings
from kefu.demo import load_demo
from kefu.store.db import session_scope
from kefu.store.models import Order, utcnow
from tests.conftest import TAU2_DB


def _move_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setenv("KEFU_NOW", moment.isoformat())
    get_settings.cache_clear()


def test_clock_is_the_wall_clock_unless_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KEFU_NOW", raising=False)
    get_settings.cache_clear()
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5
    target = datetime(2031, 3, 15, 9, 30, tzinfo=UTC)
    _move_clock(monkeypatch, target)
    first = clock.now()
    assert abs((first - target).total_seconds()) < 5
    time.sleep(0.05)
    later = utcnow()  # the models' timestamps read the same clock, and it keeps running
    assert later > first
    assert (later - target) < timedelta(seconds=5)


def test_clock_accepts_a_naive_moment_as_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_NOW", "2030-01-02T03:04:05")
    get_settings.cache_clear()
    moved = clock.now()
    assert moved.tzinfo is not None
    assert abs((moved - datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)).total_seconds()) < 5


@pytest.mark.slow
@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(datetime.now(UTC) + timedelta(days=366), id="a-year-ahead"),
        pytest.param(datetime(2039, 8, 17, 16, 0, tzinfo=UTC), id="far-future"),
    ],
)
def test_demo_dashboard_is_alive_on_any_date(
    moment: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _move_clock(monkeypatch, moment)
    lines = load_demo(tau2_path=TAU2_DB)
    key = next(line.rsplit(": ", 1)[1] for line in lines if line.startswith("staff console key"))
    with session_scope() as session:
        pending = session.scalars(select(Order).where(Order.status == "pending")).all()
        assert pending
        newest = max(o.placed_at for o in pending if o.placed_at is not None)
        assert moment - timedelta(days=15) <= newest.replace(tzinfo=UTC) <= moment

    client = TestClient(create_app())
    h = {"X-API-Key": key}
    alerts = client.get("/v1/reviews/alerts", headers=h)
    assert alerts.status_code == 200, alerts.text
    assert alerts.json(), "the demo's complaint burst must raise a 舆情 alert"
    support = client.get("/v1/analytics/support", params={"days": 30}, headers=h)
    assert support.status_code == 200, support.text
    assert support.json()["conversations"] > 0
    churn = client.get("/v1/analytics/churn", headers=h)
    assert churn.status_code == 200
    assert churn.json()["customers"], "lapsed demo customers show in the churn warning"
