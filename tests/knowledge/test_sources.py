"""Document keys: same-named files in different folders stay apart; updates are batched."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine, insert, select

from kefu.knowledge import KnowledgeBase, source_key
from kefu.store.models import KnowledgeChunk, KnowledgeDocument
from tests.knowledge.conftest import DEMO, CountingEncoder


def _faq(folder: Path, answer: str) -> Path:
    folder.mkdir(parents=True)
    path = folder / "faq.md"
    path.write_text(f"# FAQ\n\n## Opening hours\n\n{answer}\n", encoding="utf-8")
    return path


def test_same_file_name_in_two_folders_makes_two_documents(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    berlin = _faq(tmp_path / "shops" / "berlin", "The Berlin shop opens at 9 am on weekdays.")
    shanghai = _faq(tmp_path / "shops" / "shanghai", "The Shanghai shop opens at 10 am every day.")
    first = kb.ingest_paths([berlin]).results + kb.ingest_paths([shanghai]).results
    assert [r.status for r in first] == ["added", "added"]
    assert first[0].source != first[1].source
    assert [r.name for r in first] == ["faq.md", "faq.md"]
    assert len(kb.documents()) == 2

    hits = kb.search("When does the shop open?", k=5)
    texts = {h.text for h in hits}
    assert any("Berlin" in t for t in texts) and any("Shanghai" in t for t in texts)
    assert {h.citation for h in hits} == {"FAQ › Opening hours (faq.md)"}

    # the same file keeps its key whether ingested alone or through its folder
    again = kb.ingest_paths([tmp_path / "shops"]).results
    assert sorted(r.source for r in again) == sorted(r.source for r in first)
    assert {r.status for r in again} == {"unchanged"}


def test_source_key_names_the_folder_and_ends_with_the_file_name(tmp_path: Path) -> None:
    key = source_key(tmp_path / "docs" / "faq.en.md")
    folder, name = key.split("/")
    assert name == "faq.en.md"
    assert folder.startswith("docs-") and len(folder) == len("docs-") + 8
    assert source_key(tmp_path / "docs" / ".." / "docs" / "faq.en.md") == key
    assert source_key(tmp_path / "other" / "faq.en.md") != key


def test_document_under_a_bare_file_name_is_taken_over_not_duplicated(
    kb: KnowledgeBase, engine: Engine, encoder: CountingEncoder, tmp_path: Path
) -> None:
    # a store written by an older kefu, which keyed files by their bare name
    kb.ingest_bytes("faq.en.md", (DEMO / "faq.en.md").read_bytes())
    kb.refresh()
    embedded = encoder.embedded
    docs = tmp_path / "docs"
    shutil.copytree(DEMO, docs)

    report = kb.ingest_paths([docs / "faq.en.md"])
    assert [r.status for r in report.results] == ["unchanged"]
    assert [d.source for d in kb.documents()] == [source_key(docs / "faq.en.md")]
    assert encoder.embedded == embedded  # nothing re-embedded


def test_burst_of_uploads_rebuilds_the_index_once_at_the_next_search(
    kb: KnowledgeBase, encoder: CountingEncoder
) -> None:
    for name in ("faq.en.md", "faq.zh.md", "faq.csv"):
        assert kb.ingest_bytes(name, (DEMO / name).read_bytes()).status == "added"
    assert encoder.calls == []  # uploads alone embed nothing
    hits = kb.search("Do you offer gift wrapping?", k=1)
    assert hits[0].name == "faq.csv"
    chunks = sum(d.chunks for d in kb.documents())
    assert encoder.calls == [chunks, 1]  # one build over all three files, then the query

    assert kb.delete_source("faq.csv") is True
    assert all(h.name != "faq.csv" for h in kb.search("gift wrapping", k=10))


def test_search_never_returns_chunks_of_a_document_deleted_by_another_process(
    kb: KnowledgeBase, engine: Engine, tmp_path: Path, encoder: CountingEncoder
) -> None:
    kb.ingest_paths([DEMO / "faq.en.md"])
    other = KnowledgeBase(engine, tmp_path / "other", encoder=encoder)
    assert other.delete_source(source_key(DEMO / "faq.en.md")) is True
    with engine.begin() as conn:  # a new document appears too, written straight to the store
        doc_id = conn.execute(
            insert(KnowledgeDocument)
            .values(source="x/notes.txt", title="Notes", doc_type="document", content_hash="0")
            .returning(KnowledgeDocument.id)
        ).scalar_one()
        conn.execute(
            insert(KnowledgeChunk).values(
                document_id=doc_id, position=0, section="Notes", text="Gift wrap costs $3."
            )
        )
    kb.refresh()
    assert [h.name for h in kb.search("gift wrapping", k=5)] == ["notes.txt"]
    with engine.connect() as conn:
        assert conn.scalars(select(KnowledgeDocument.source)).all() == ["x/notes.txt"]
