"""Run every ``bench/bench_*.py`` and assemble ``bench/report.md``.

Each script writes its own Markdown section to ``bench/out/<name>.md`` (and may print
progress). A script that fails is reported as failed; the others still run.
``python bench/run_all.py NAME...`` runs only the named scripts (e.g. ``store``) and keeps the
other sections from their last run; ``--assemble`` runs nothing and only rebuilds the report.

Sections the scripts do not generate are kept from the current ``bench/report.md``, in
their place: a block between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` (hand-run
measurements, e.g. the Medusa latency or the model-worded replies) always, and any other
``## `` section whose heading no generated file has (a script's output that is not in
``bench/out/`` on this machine, since ``bench/out/`` is not committed). Generated sections
replace the old ones with the same heading; new ones are added at the end.
"""

from __future__ import annotations

import os
import platform
import re
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


_MARK = re.compile(r"^<!-- ([\w.-]+):start -->$")


def blocks(text: str) -> list[tuple[str, str]]:
    """The report's body after its header as (kind, text) blocks, in order: ``marked``
    (a whole ``<!-- NAME:start -->`` ... ``<!-- NAME:end -->`` block) or ``section`` (from
    one ``## `` heading up to the next heading or marker)."""
    lines = text.splitlines()
    out: list[tuple[str, str]] = []
    current: list[str] = []
    kind = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        mark = _MARK.match(line.strip())
        if mark or line.startswith("## "):
            if current and kind:
                out.append((kind, "\n".join(current).strip("\n")))
            current, kind = [], ""
        if mark:
            end = f"<!-- {mark.group(1)}:end -->"
            j = i
            while j < len(lines) and lines[j].strip() != end:
                j += 1
            out.append(("marked", "\n".join(lines[i : j + 1]).strip("\n")))
            i = j + 1
            continue
        if line.startswith("## "):
            kind = "section"
        if kind:
            current.append(line)
        i += 1
    if current and kind:
        out.append((kind, "\n".join(current).strip("\n")))
    return out


def headings(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.startswith("## ")}


def merge(old_report: str, generated: list[str]) -> list[str]:
    """The report's sections: the old report's order, each generated file in the place of
    its first heading there (else at the end), marked blocks and sections no generated
    file has kept as they were."""
    owner: dict[str, int] = {}
    for n, text in enumerate(generated):
        for heading in headings(text):
            owner.setdefault(heading, n)
    emitted: set[int] = set()
    out: list[str] = []
    for kind, text in blocks(old_report):
        if kind == "marked":
            out.append(text)
            continue
        first = text.splitlines()[0].strip()
        if first in owner:
            if owner[first] not in emitted:
                emitted.add(owner[first])
                out.append(generated[owner[first]].strip("\n"))
            continue
        out.append(text)
    out += [g.strip("\n") for n, g in enumerate(generated) if n not in emitted]
    return [part + "\n" for part in out]


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
    report_path = HERE / "report.md"
    old = report_path.read_text() if report_path.exists() else ""
    sections = merge(old, [p.read_text() for p in sorted(OUT.glob("*.md"))])
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
    report_path.write_text("\n".join(report))
    print(f"wrote {report_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
