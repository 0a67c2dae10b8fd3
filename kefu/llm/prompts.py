"""Prompt files, per language and versioned, rendered with facts computed in code.

A prompt lives in ``kefu/llm/prompts/<name>.<lang>.md``: a front-matter block with its
``version``, then the text with ``${placeholders}``. Rendering formats each fact
deterministically (money with two decimals, dates as ISO) so the model repeats facts rather
than inventing them; every placeholder must be supplied. Customer or retrieved text goes
in through ``fence`` so it reads as quoted data, not as instructions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from importlib import resources
from string import Template

import yaml

LANGUAGES = ("zh", "en")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_FENCE_TAG = re.compile(r"<\s*(/?)\s*data\b", re.I)


class PromptError(LookupError):
    """A prompt is missing, malformed, or rendered without all its facts."""


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt file: its identity, version and body."""

    name: str
    lang: str
    version: int
    body: str

    @property
    def placeholders(self) -> set[str]:
        """Names the body expects as facts."""
        found = set()
        for match in Template.pattern.finditer(self.body):
            name = match.group("named") or match.group("braced")
            if name:
                found.add(name)
        return found

    def render(self, **facts: object) -> str:
        """The body with every placeholder replaced by its formatted fact."""
        missing = self.placeholders - facts.keys()
        if missing:
            raise PromptError(
                f"prompt {self.name}.{self.lang} needs facts: {', '.join(sorted(missing))}"
            )
        return Template(self.body).substitute(
            {k: format_fact(v, self.lang) for k, v in facts.items()}
        )


def format_fact(value: object, lang: str = "en") -> str:
    """A fact as the text the model should repeat verbatim."""
    if value is None:
        return "无" if lang == "zh" else "none"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01')):f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return ("、" if lang == "zh" else ", ").join(format_fact(v, lang) for v in value)
    return str(value)


def facts_block(facts: Mapping[str, object], lang: str = "en") -> str:
    """Facts as a ``- key: value`` list, for prompts that take a variable set of facts."""
    return "\n".join(f"- {key}: {format_fact(value, lang)}" for key, value in facts.items())


def fence(text: str, label: str = "data") -> str:
    """Wrap untrusted text (customer messages, retrieved documents) as quoted data.

    Any ``<data`` / ``</data`` inside the text is defused so it cannot close the fence
    early and smuggle instructions out of it.
    """
    safe_label = re.sub(r"[^A-Za-z0-9_-]", "_", label)[:40] or "data"
    body = _FENCE_TAG.sub(lambda m: f"‹{m.group(1)}data", text)
    return f'<data label="{safe_label}">\n{body}\n</data>'


@lru_cache(maxsize=128)
def load_prompt(name: str, lang: str) -> PromptTemplate:
    """Read and parse ``prompts/<name>.<lang>.md`` (cached)."""
    if lang not in LANGUAGES:
        raise PromptError(f"unsupported language {lang!r}; use one of {LANGUAGES}")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise PromptError(f"bad prompt name {name!r}")
    source = resources.files("kefu.llm") / "prompts" / f"{name}.{lang}.md"
    if not source.is_file():
        raise PromptError(f"no prompt {name!r} in {lang!r}")
    text = source.read_text(encoding="utf-8")
    front = _FRONT.match(text)
    if not front:
        raise PromptError(f"prompt {name}.{lang} has no front matter with a version")
    meta = yaml.safe_load(front.group(1)) or {}
    if not isinstance(meta.get("version"), int):
        raise PromptError(f"prompt {name}.{lang} front matter needs an integer version")
    return PromptTemplate(
        name=name, lang=lang, version=meta["version"], body=text[front.end() :].strip() + "\n"
    )


def available_prompts() -> dict[str, list[str]]:
    """Prompt names with the languages each exists in."""
    found: dict[str, list[str]] = {}
    for entry in (resources.files("kefu.llm") / "prompts").iterdir():
        parts = entry.name.split(".")
        if len(parts) == 3 and parts[2] == "md":
            found.setdefault(parts[0], []).append(parts[1])
    return {k: sorted(v) for k, v in sorted(found.items())}


@lru_cache(maxsize=1)
def instruction_lines() -> tuple[str, ...]:
    """Distinctive lines of every prompt file, placeholders removed: a model's output that
    repeats one is disclosing its instructions."""
    lines: list[str] = []
    for name, langs in available_prompts().items():
        for lang in langs:
            for line in load_prompt(name, lang).body.splitlines():
                for part in re.split(r"\$\{\w+\}", line):
                    part = part.strip(" -*#\t")
                    if len(part) >= (12 if re.search(r"[\u4e00-\u9fff]", part) else 24):
                        lines.append(part)
    return tuple(lines)


def render_prompt(name: str, lang: str, **facts: object) -> str:
    """Load a prompt and render it with the given facts."""
    return load_prompt(name, lang).render(**facts)
