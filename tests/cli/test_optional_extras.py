"""A command whose optional package is missing says in one line what to install."""

from __future__ import annotations

import subprocess
import sys

import pytest

HIDE_AND_RUN = """
import sys
sys.modules[{module!r}] = None  # as if the optional package were not installed
sys.argv = ["kefu", *{argv!r}]
from kefu.cli.main import main
main()
"""


@pytest.mark.parametrize(
    ("module", "argv", "target"),
    [
        ("matplotlib", ["eval", "clv"], "make bench"),
        ("snownlp", ["eval", "sentiment"], "make bench"),
    ],
)
def test_missing_optional_package_is_one_line_naming_the_install(
    module: str, argv: list[str], target: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", HIDE_AND_RUN.format(module=module, argv=argv)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("error: this command needs the optional package")
    assert module in lines[-1] and target in lines[-1] and ".[eval]" in lines[-1]
    assert "Traceback" not in done.stderr
