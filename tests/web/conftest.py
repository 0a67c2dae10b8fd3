"""A real kefu server (``kefu demo``) on 127.0.0.1 and Debian's Chromium driven by Playwright.

No browser is downloaded: Playwright launches /usr/bin/chromium (installed by ``make test``).
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, TAU2_DIR

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:  # type: ignore[type-arg]
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (make test installs it)")
        pytest.skip("chromium not installed")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@dataclass(frozen=True)
class LiveServer:
    """A running kefu with the demo store."""

    url: str
    staff_key: str
    data_dir: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {
        **os.environ,
        "KEFU_DATA_DIR": str(data_dir),
        "KEFU_TAU2_DIR": str(TAU2_DIR),
        "KEFU_LLM_BACKEND": "none",
        "KEFU_LOG_LEVEL": "WARNING",
    }
    env.pop("KEFU_DATABASE_URL", None)
    log = (data_dir / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli.main", "demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                "kefu demo exited: " + (data_dir / "server.log").read_text()[-3000:]
            )
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise AssertionError("kefu demo did not come up in time")
    key = (data_dir / "demo-admin-key.txt").read_text().strip()
    try:
        yield LiveServer(url=url, staff_key=key, data_dir=data_dir)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def shot() -> object:
    """Save a full-page screenshot under test-artifacts/NAME.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: object, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take
