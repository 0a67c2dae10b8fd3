"""Retrieval evaluation on the project's labelled question set.

The set (``kefu/knowledge/data/retrieval_eval.yaml``) labels each question with the chunks
that answer it by stable keys (``source#section``; ``product:<name>`` for catalogue chunks),
never database ids. A question counts as cross-language when none of its answering chunks
is in the question's language. recall@k is the share of questions with at least one
answering chunk among the top k; MRR uses the first answering chunk's rank.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from kefu.knowledge.service import Hit, KnowledgeBase, short_name
from kefu.nlu.encoder import SentenceEncoder
from kefu.store.models import KnowledgeChunk, KnowledgeDocument

EVAL_FILE = Path(__file__).resolve().parent / "data" / "retrieval_eval.yaml"
DEMO_DOCS = Path(__file__).resolve().parent.parent / "demo" / "knowledge"
MODES = ("bm25", "dense", "hybrid")


@dataclass(frozen=True)
class EvalQuestion:
    """One labelled question."""

    query: str
    language: str
    answers: frozenset[str]
    tags: frozenset[str]


@dataclass
class EvalSet:
    """Answerable questions and questions the documents cannot answer."""

    questions: list[EvalQuestion]
    unanswerable: list[tuple[str, str]]


def load_eval_set(path: Path = EVAL_FILE) -> EvalSet:
    """Parse the YAML set (topics map a name to answer keys; questions name a topic)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics: dict[str, list[str]] = raw["topics"]
    questions = []
    for item in raw["questions"]:
        keys = topics[item["topic"]] if "topic" in item else item["answers"]
        questions.append(
            EvalQuestion(item["q"], item["lang"], frozenset(keys), frozenset(item.get("tags", [])))
        )
    unanswerable = [(u["q"], u["lang"]) for u in raw.get("unanswerable", [])]
    return EvalSet(questions, unanswerable)


def hit_keys(hit: Hit) -> set[str]:
    """Every label under which ``hit`` may be named in the eval set."""
    keys = {f"{hit.name}#{hit.section}"}
    if hit.doc_type == "product":
        keys |= {f"product:{name.strip()}" for name in hit.section.split(" / ")}
    return keys


def chunk_languages(kb: KnowledgeBase) -> dict[str, str | None]:
    """Label key → chunk language, for deciding which questions are cross-language."""
    out: dict[str, str | None] = {}
    with kb._sessions() as session:
        rows = session.execute(
            select(
                KnowledgeDocument.source,
                KnowledgeDocument.doc_type,
                KnowledgeChunk.section,
                KnowledgeChunk.language,
            ).join(KnowledgeChunk)
        ).all()
    for source, doc_type, section, lang in rows:
        out[f"{short_name(source)}#{section}"] = lang
        if doc_type == "product":
            for name in section.split(" / "):
                out[f"product:{name.strip()}"] = lang
    return out


@dataclass
class ModeResult:
    """Per-question first-relevant ranks (None = not in the top k) for one mode."""

    ranks: list[int | None] = field(default_factory=list)
    top_cosines: list[float] = field(default_factory=list)

    def recall(self, k: int, rows: list[int] | None = None) -> float:
        picked = [self.ranks[i] for i in rows] if rows is not None else self.ranks
        return sum(1 for r in picked if r is not None and r <= k) / max(len(picked), 1)

    def mrr(self, rows: list[int] | None = None) -> float:
        picked = [self.ranks[i] for i in rows] if rows is not None else self.ranks
        return sum(1.0 / r for r in picked if r is not None) / max(len(picked), 1)


@dataclass
class EvalReport:
    """Everything ``kefu eval retrieval`` prints."""

    questions: list[EvalQuestion]
    cross: list[bool]
    modes: dict[str, ModeResult]
    unanswerable_cosines: list[float]
    answerable_cosines: list[float]
    missing_labels: list[str]

    def subsets(self) -> dict[str, list[int]]:
        n = range(len(self.questions))
        return {
            "all": list(n),
            "zh": [i for i in n if self.questions[i].language == "zh"],
            "en": [i for i in n if self.questions[i].language == "en"],
            "cross-language": [i for i in n if self.cross[i]],
            "paraphrase": [i for i in n if "paraphrase" in self.questions[i].tags],
        }

    def threshold_table(
        self, thresholds: tuple[float, ...] = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
    ) -> list[tuple[float, float, float]]:
        """(threshold, share of answerable kept, share of unanswerable rejected)."""
        out = []
        for t in thresholds:
            kept = sum(1 for c in self.answerable_cosines if c >= t) / max(
                len(self.answerable_cosines), 1
            )
            rejected = sum(1 for c in self.unanswerable_cosines if c < t) / max(
                len(self.unanswerable_cosines), 1
            )
            out.append((t, kept, rejected))
        return out


def evaluate(
    kb: KnowledgeBase,
    evalset: EvalSet,
    k: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run every question in every mode against ``kb``."""
    langs = chunk_languages(kb)
    missing = sorted({key for q in evalset.questions for key in q.answers if key not in langs})
    cross = [
        all(langs.get(key) not in (None, q.language) for key in q.answers if key in langs)
        and any(key in langs for key in q.answers)
        for q in evalset.questions
    ]
    modes = {m: ModeResult() for m in MODES}
    total = len(evalset.questions) + len(evalset.unanswerable)
    for n, q in enumerate(evalset.questions, 1):
        for mode in MODES:
            hits = kb.search(q.query, k=k, mode=mode)  # type: ignore[arg-type]
            rank = next((i for i, h in enumerate(hits, 1) if hit_keys(h) & q.answers), None)
            modes[mode].ranks.append(rank)
            modes[mode].top_cosines.append(max((h.dense_score for h in hits), default=0.0))
        if progress:
            progress(n, total)
    unanswerable = []
    for n, (query, _lang) in enumerate(evalset.unanswerable, len(evalset.questions) + 1):
        hits = kb.search(query, k=5)
        unanswerable.append(max((h.dense_score for h in hits), default=0.0))
        if progress:
            progress(n, total)
    return EvalReport(
        evalset.questions, cross, modes, unanswerable, modes["hybrid"].top_cosines, missing
    )


def build_eval_knowledge_base(
    workdir: Path, policy: Path | None = None, encoder: SentenceEncoder | None = None
) -> KnowledgeBase:
    """A fresh SQLite store with the tau2 + Chinese demo catalogues and the demo documents."""
    from kefu.config import get_settings
    from kefu.store.db import make_engine, upgrade_schema
    from kefu.store.tau2 import import_tau2, load_db_json

    workdir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{workdir / 'eval.db'}")
    upgrade_schema(engine)
    settings = get_settings()
    policy = policy or settings.tau2_dir / "policy.md"
    kb = KnowledgeBase(engine, workdir, encoder=encoder)
    with kb._sessions() as session, session.begin():
        import_tau2(session, load_db_json(settings.tau2_dir / "db.json"))
        zh_store = DEMO_DOCS.parent / "data" / "zh_store.json"
        if zh_store.exists():
            from kefu.store.importer import import_bundle

            import_bundle(session, zh_store)
    kb.ingest_paths([DEMO_DOCS, policy])
    kb.ingest_catalog()
    return kb


def summary(report: EvalReport) -> dict[str, Any]:
    """Metrics as a plain dict (for --json and the benchmark)."""
    out: dict[str, Any] = {}
    for name, rows in report.subsets().items():
        out[name] = {
            "n": len(rows),
            **{
                mode: {
                    "recall@1": res.recall(1, rows),
                    "recall@5": res.recall(5, rows),
                    "mrr": res.mrr(rows),
                }
                for mode, res in report.modes.items()
            },
        }
    if report.unanswerable_cosines:
        out["unanswerable_top_cosine_median"] = statistics.median(report.unanswerable_cosines)
    out["answerable_top_cosine_median"] = statistics.median(report.answerable_cosines or [0.0])
    return out
