"""Run every ``bench/bench_*.py`` and assemble ``bench/report.md``.

Each script writes its own Markdown section to ``bench/out/<name>.md`` (and may print
progress). A script that fails is reported as failed; the others still run.
``python bench/run_all.py NAME...`` runs only the named scripts (e.g. ``store``) and keeps the
other sections from their last run; ``--assemble`` runs nothing and only rebuilds the report.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()}"


def main(names: list[str]) -> int:
    OUT.mkdir(exist_ok=True)
    scripts = sorted(HERE.glob("bench_*.py"))
    if names == ["--assemble"]:
        scripts = []
    elif names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    failed = []
    for script in scripts:
        name = script.stem.removeprefix("bench_")
        print(f"== bench {name}", flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        took = time.perf_counter() - start
        if proc.returncode != 0:
            failed.append(name)
            (OUT / f"{name}.md").write_text(
                f"## {name}\n\nFAILED (exit {proc.returncode}) after {took:.0f} s\n"
            )
        print(
            f"== bench {name}: {'ok' if proc.returncode == 0 else 'FAILED'} in {took:.0f} s",
            flush=True,
        )
    sections = [p.read_text() for p in sorted(OUT.glob("*.md"))]
    for png in OUT.glob("*.png"):  # plots referenced by sections travel with the report
        (HERE / png.name).write_bytes(png.read_bytes())
    report = [
        "# kefu benchmark report",
        "",
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M UTC} by `make bench` on: {machine()}.",
        "Each section names the script that measured it; numbers are from that run only.",
        "",
        *sections,
    ]
    (HERE / "report.md").write_text("\n".join(report))
    print(f"wrote {HERE / 'report.md'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
