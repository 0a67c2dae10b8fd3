"""tau2-bench retail parity: replay each task's reference actions through kefu's own tools.

For every train task the store is imported fresh (one SQLite template, copied per task),
each reference action runs through :func:`kefu.orders.call_tool` as staff (no customer
scope), and the outcome is compared with ``expected_train.jsonl``: per action success or
error, the exact error message and the returned record; per task every changed customer and
order record, money to the cent. The reference's one known bug (the last swapped variant's
price and options applied to every modified item) is not copied: its tasks are corrected
from the reference's own notes and reported as documented divergences, everything else in
them still compared.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kefu.orders.context import ToolContext
from kefu.orders.policy import StorePolicy
from kefu.orders.tools import call_tool
from kefu.store.db import checkpoint_sqlite, make_engine, session_factory, upgrade_schema
from kefu.store.tau2 import OPTIONAL_ORDER_FIELDS, export_tau2, import_tau2, load_db_json

BUG_NOTE = "note_last_variant_applied_to_all_items"


@dataclass
class ActionCheck:
    """One replayed action against the reference."""

    action_id: str
    name: str
    expected_error: bool
    actual_error: bool
    match: bool
    detail: str = ""


@dataclass
class TaskCheck:
    """One task: its actions and its final customer and order records."""

    task_id: str
    actions: list[ActionCheck] = field(default_factory=list)
    changed_expected: int = 0
    changed_actual: int = 0
    record_diffs: list[str] = field(default_factory=list)
    divergence: bool = False

    @property
    def ok(self) -> bool:
        return all(a.match for a in self.actions) and not self.record_diffs

    @property
    def verdict(self) -> str:
        if not self.ok:
            return "FAIL"
        return "divergence (documented)" if self.divergence else "exact"


@dataclass
class ParityReport:
    """All tasks replayed."""

    tasks: list[TaskCheck]

    @property
    def passed(self) -> int:
        return sum(t.ok for t in self.tasks)

    @property
    def exact(self) -> int:
        return sum(t.ok and not t.divergence for t in self.tasks)

    @property
    def divergent(self) -> int:
        return sum(t.ok and t.divergence for t in self.tasks)

    def summary(self) -> str:
        return (
            f"parity: {self.passed}/{len(self.tasks)} tasks "
            f"({self.exact} exact, {self.divergent} documented divergences)"
        )


def normalize(value: Any) -> Any:
    """Records with every number as exact cents, so 0.04999999999999716 equals 0.05."""
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(repr(value) if isinstance(value, float) else str(value)).quantize(
            Decimal("0.01")
        )
    return value


def _with_optional(order: dict[str, Any]) -> dict[str, Any]:
    return {**order, **{f: order.get(f) for f in OPTIONAL_ORDER_FIELDS}}


def _bug_fixes(actions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """new item id -> the reference's recorded (wrong) and the catalogue's (right) values."""
    fixes: dict[str, dict[str, Any]] = {}
    for action in actions:
        for note in action.get(BUG_NOTE) or []:
            fixes[note["new_item_id"]] = note
    return fixes


def _correct(value: Any, fixes: dict[str, dict[str, Any]]) -> Any:
    """Give each wrongly recorded item its own variant's price and options."""
    if not fixes:
        return value
    if isinstance(value, list):
        return [_correct(v, fixes) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _correct(v, fixes) for k, v in value.items()}
    if "item_id" in out and "price" in out and out["item_id"] in fixes:
        note = fixes[out["item_id"]]
        if (
            out["price"] == note["recorded_price"]
            and out.get("options") == note["recorded_options"]
        ):
            out["price"] = note["catalog_price"]
            out["options"] = note["catalog_options"]
    return out


def _diff(path: str, expected: Any, actual: Any, out: list[str], limit: int = 5) -> None:
    """Human-readable paths where two normalised records differ (first few only)."""
    if len(out) >= limit:
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual), key=str):
            _diff(
                f"{path}.{key}", expected.get(key, "<missing>"), actual.get(key, "<missing>"), out
            )
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _diff(f"{path}[{i}]", e, a, out)
    elif expected != actual:
        out.append(f"{path}: expected {expected!r}, got {actual!r}")


def _check_action(
    expected: dict[str, Any], result: Any, fixes: dict[str, dict[str, Any]]
) -> ActionCheck:
    check = ActionCheck(
        action_id=expected["action_id"],
        name=expected["name"],
        expected_error=bool(expected["error"]),
        actual_error=not result.ok,
        match=False,
    )
    if expected["error"] or not result.ok:
        check.match = expected["error"] and not result.ok and result.message == expected["content"]
        if not check.match:
            check.detail = f"expected {expected['content']!r}, got {result.message!r}"
        return check
    reference = expected.get("result")
    if isinstance(reference, dict | list):
        diffs: list[str] = []
        _diff("result", normalize(_correct(reference, fixes)), normalize(result.data), diffs)
        check.match = not diffs
        check.detail = "; ".join(diffs)
    else:
        check.match = result.message == expected["content"]
        if not check.match:
            check.detail = f"expected {expected['content']!r}, got {result.message!r}"
    return check


def build_template(db_json: Path, path: Path) -> Path:
    """A migrated SQLite store loaded with ``db_json``, to copy for each task."""
    if path.exists():
        path.unlink()
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade_schema(engine)
        with session_factory(engine)() as session:
            import_tau2(session, load_db_json(db_json))
            session.commit()
        checkpoint_sqlite(engine)
    finally:
        engine.dispose()
    return path


def replay_tau2(
    tau2_dir: Path,
    workdir: Path,
    task_ids: Iterable[str] | None = None,
    progress: Callable[[TaskCheck], None] | None = None,
    policy: StorePolicy | None = None,
) -> ParityReport:
    """Replay the train tasks of ``tau2_dir`` (all, or ``task_ids``) and compare.

    ``policy`` defaults to the tau2 rules (not the configured store's), as the reference uses.
    """
    tau2_dir, workdir = Path(tau2_dir), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    initial = load_db_json(tau2_dir / "db.json")
    initial_users = normalize(initial["users"])
    initial_orders = normalize({k: _with_optional(v) for k, v in initial["orders"].items()})
    tasks = {t["id"]: t for t in json.loads((tau2_dir / "tasks_train.json").read_text("utf-8"))}
    expected_lines = (tau2_dir / "expected_train.jsonl").read_text("utf-8").splitlines()
    expected = {
        e["task_id"]: e for e in (json.loads(line) for line in expected_lines if line.strip())
    }
    wanted = set(task_ids) if task_ids is not None else None
    template = build_template(tau2_dir / "db.json", workdir / "template.db")
    rules = policy or StorePolicy()
    checks = []
    for task_id, task in tasks.items():
        if wanted is not None and task_id not in wanted:
            continue
        check = _replay_task(
            task, expected[task_id], template, workdir, initial_users, initial_orders, rules
        )
        checks.append(check)
        if progress is not None:
            progress(check)
    return ParityReport(checks)


def _replay_task(
    task: dict[str, Any],
    reference: dict[str, Any],
    template: Path,
    workdir: Path,
    initial_users: dict[str, Any],
    initial_orders: dict[str, Any],
    policy: StorePolicy,
) -> TaskCheck:
    db = workdir / "task.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, db)
    engine = make_engine(f"sqlite:///{db}")
    fixes = _bug_fixes(reference["actions"])
    check = TaskCheck(task_id=task["id"], divergence=bool(fixes))
    ctx = ToolContext(
        actor="staff:tau2-replay", conversation_id=f"tau2-train-{task['id']}", policy=policy
    )
    try:
        with session_factory(engine)() as session:
            actions = task["evaluation_criteria"]["actions"]
            for action, exp in zip(actions, reference["actions"], strict=True):
                result = call_tool(session, action["name"], dict(action["arguments"]), ctx)
                check.actions.append(_check_action(exp, result, fixes))
            session.rollback()
            final = export_tau2(session, with_optional=True)
    finally:
        engine.dispose()
    users, orders = normalize(final["users"]), normalize(final["orders"])
    actual = {("user", k): v for k, v in users.items() if v != initial_users.get(k)}
    actual |= {("order", k): v for k, v in orders.items() if v != initial_orders.get(k)}
    wanted = {("user", k): normalize(v) for k, v in reference["changed_users"].items()}
    wanted |= {
        ("order", k): normalize(_correct(v, fixes)) for k, v in reference["changed_orders"].items()
    }
    check.changed_expected, check.changed_actual = len(wanted), len(actual)
    for key in sorted(set(wanted) | set(actual)):
        if key not in actual:
            check.record_diffs.append(f"{key[0]} {key[1]}: expected a change, none made")
        elif key not in wanted:
            check.record_diffs.append(f"{key[0]} {key[1]}: changed, the reference did not")
        else:
            _diff(f"{key[0]} {key[1]}", wanted[key], actual[key], check.record_diffs)
    return check
