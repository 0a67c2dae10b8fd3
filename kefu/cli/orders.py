"""Order-service commands: the tau2-bench parity replay and the active store policy."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
orders_app = typer.Typer(help="Order service tools and store policy.", no_args_is_help=True)


def tau2_replay(
    tau2_dir: Annotated[
        Path | None, typer.Argument(help="Folder with db.json, tasks_train.json, expected_*.jsonl")
    ] = None,
    task: Annotated[
        list[str] | None, typer.Option(help="Only these task ids (repeatable).")
    ] = None,
    only_issues: Annotated[
        bool, typer.Option("--only-issues", help="List only failures and divergences.")
    ] = False,
) -> None:
    """Replay tau2-bench retail train tasks through kefu's tools and compare with the reference."""
    from kefu.cli._progress import progress_bar
    from kefu.config import get_settings
    from kefu.orders.parity import TaskCheck, replay_tau2

    folder = tau2_dir or get_settings().tau2_dir
    total = len(task) if task else len(json.loads((folder / "tasks_train.json").read_text("utf-8")))
    with tempfile.TemporaryDirectory(prefix="kefu-tau2-") as tmp, progress_bar() as bar:
        job = bar.add_task("replaying tau2 train tasks", total=total)

        def advance(_check: TaskCheck) -> None:
            bar.advance(job, 1)

        report = replay_tau2(folder, Path(tmp), task_ids=task, progress=advance)
    table = Table("task", "actions ok", "errors ref/kefu", "changed ref/kefu", "verdict", "detail")
    for check in report.tasks:
        if only_issues and check.ok and not check.divergence:
            continue
        matched = sum(a.match for a in check.actions)
        ref_errors = sum(a.expected_error for a in check.actions)
        errors = f"{ref_errors}/{sum(a.actual_error for a in check.actions)}"
        details = [f"{a.action_id} {a.name}: {a.detail}" for a in check.actions if not a.match]
        details += check.record_diffs
        if check.divergence and check.ok:
            details.append("reference last-variant bug (NOTES.md): each item gets its own")
        colour = {"exact": "green", "FAIL": "red"}.get(check.verdict, "yellow")
        table.add_row(
            check.task_id,
            f"{matched}/{len(check.actions)}",
            errors,
            f"{check.changed_expected}/{check.changed_actual}",
            f"[{colour}]{check.verdict}[/{colour}]",
            "\n".join(details[:4]),
        )
    console.print(table)
    console.print(report.summary())
    if report.passed != len(report.tasks):
        raise typer.Exit(1)


@orders_app.command("policy")
def show_policy() -> None:
    """Print the active store policy (defaults, or KEFU_STORE_POLICY_FILE) as YAML."""
    import yaml

    from kefu.orders.policy import get_store_policy

    data = get_store_policy().model_dump(mode="json")
    typer.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@orders_app.command("tools")
def list_tools() -> None:
    """List the order-service tools, read or write, with their first docstring line."""
    from kefu.orders import TOOLS

    table = Table("tool", "kind", "description")
    for spec in TOOLS.values():
        first_line = spec.description.splitlines()[0] if spec.description else ""
        table.add_row(spec.name, spec.kind, first_line)
    console.print(table)


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add ``kefu eval tau2-replay`` and the ``kefu orders`` group."""
    eval_app.command("tau2-replay")(tau2_replay)
    app.add_typer(orders_app, name="orders")
