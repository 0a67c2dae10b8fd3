"""Ingest: every format, sections kept for citations, incremental updates, deletion."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from kefu.knowledge import KnowledgeBase, source_key
from kefu.store.models import KnowledgeChunk, KnowledgeDocument
from tests.knowledge.conftest import DEMO, CountingEncoder


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def test_demo_documents_ingest_with_sections_and_citations(kb: KnowledgeBase) -> None:
    report = kb.ingest_paths([DEMO])
    assert report.ok, report.errors
    assert {r.name for r in report.results} == {
        "faq.en.md",
        "faq.zh.md",
        "faq.csv",
        "shipping.en.html",
        "shipping.zh.md",
    }
    assert all(r.status == "added" and r.chunks > 3 for r in report.results)

    hits = kb.search("支持七天无理由退货吗？", k=3)
    assert hits[0].name == "faq.zh.md"
    assert hits[0].section == "退货 › 支持七天无理由退货吗？"
    assert hits[0].citation == "常见问题 › 退货 › 支持七天无理由退货吗？ (faq.zh.md)"

    shipping = kb.search("How much does express shipping cost?", k=3)
    assert shipping[0].key == "shipping.en.html#Shipping costs"
    assert "$14.99" in shipping[0].text
    assert "analytics" not in shipping[0].text  # scripts are dropped from HTML


def test_text_pdf_and_json_faq_are_ingested(kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(
        "Our warehouse is in Ningbo.\n\nIt ships every weekday.", encoding="utf-8"
    )
    (tmp_path / "care.pdf").write_bytes(minimal_pdf("Wash the fleece jacket at 30 degrees."))
    faq = [
        {"question": "Do you ship on Sundays?", "answer": "No, only Monday to Saturday."},
        {"问题": "周日发货吗？", "答案": "周日不发货。"},
    ]
    (tmp_path / "extra.json").write_text(json.dumps(faq, ensure_ascii=False), encoding="utf-8")
    report = kb.ingest_paths(
        [tmp_path / "notes.txt", tmp_path / "care.pdf", tmp_path / "extra.json"]
    )
    assert report.ok, report.errors
    pdf_hit = kb.search("how should I wash the fleece jacket", k=1)[0]
    assert (pdf_hit.name, pdf_hit.section) == ("care.pdf", "p. 1")
    zh = kb.search("星期天发货吗", k=1)[0]
    assert zh.name == "extra.json" and zh.section == "周日发货吗？" and zh.language == "zh"


@pytest.mark.slow
def test_reingest_skips_unchanged_and_reembeds_only_changed_document(
    kb: KnowledgeBase, encoder: CountingEncoder, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DEMO, docs)
    kb.ingest_paths([docs])
    first = encoder.embedded

    again = kb.ingest_paths([docs])
    assert {r.status for r in again.results} == {"unchanged"}
    assert encoder.embedded == first  # nothing re-embedded

    faq = docs / "faq.en.md"
    faq.write_text(faq.read_text(encoding="utf-8").replace("$6.99", "$4.99"), encoding="utf-8")
    third = kb.ingest_paths([docs])
    assert [r.name for r in third.results if r.status == "updated"] == ["faq.en.md"]
    assert encoder.embedded - first == 1  # only the edited section's chunk is new text
    assert "$4.99" in kb.search("Who pays for return shipping?", k=1, language="en")[0].text


def test_delete_source_removes_its_chunks_from_store_and_search(
    kb: KnowledgeBase, engine: Engine
) -> None:
    kb.ingest_paths([DEMO / "shipping.en.html", DEMO / "faq.en.md"])
    source = source_key(DEMO / "shipping.en.html")
    assert kb.delete_source(source) is True
    assert kb.delete_source(source) is False
    assert all(
        h.name != "shipping.en.html" for h in kb.search("international shipping to Canada", k=10)
    )
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(KnowledgeDocument)) == 1
        orphans = conn.scalar(
            select(func.count())
            .select_from(KnowledgeChunk)
            .where(~KnowledgeChunk.document_id.in_(select(KnowledgeDocument.id)))
        )
        assert orphans == 0


def test_index_reloads_from_disk_without_reembedding(
    engine: Engine, tmp_path: Path, encoder: CountingEncoder
) -> None:
    KnowledgeBase(engine, tmp_path / "d", encoder=encoder).ingest_paths([DEMO])
    fresh = CountingEncoder(encoder.inner)
    reloaded = KnowledgeBase(engine, tmp_path / "d", encoder=fresh)
    hits = reloaded.search("How do I reset my password?", k=1)
    assert hits[0].key == "faq.en.md#Account › How do I reset my password?"
    assert fresh.calls == [1]  # the query only


def test_other_process_changes_are_picked_up(
    engine: Engine, tmp_path: Path, encoder: CountingEncoder
) -> None:
    writer = KnowledgeBase(engine, tmp_path / "a", encoder=encoder)
    reader = KnowledgeBase(engine, tmp_path / "b", encoder=encoder)
    writer.ingest_paths([DEMO / "faq.en.md"])
    assert reader.search("gift wrapping", k=10, doc_type="faq")[0].name == "faq.en.md"
    writer.ingest_paths([DEMO / "faq.csv"])
    reader.refresh()
    assert reader.search("Do you offer gift wrapping?", k=1)[0].name == "faq.csv"


@pytest.mark.slow
def test_catalogue_chunks_answer_cross_language_and_filter_by_product(
    tau2_engine: Engine, tmp_path: Path, encoder: CountingEncoder
) -> None:
    kb = KnowledgeBase(tau2_engine, tmp_path / "d", encoder=encoder)
    report = kb.ingest_catalog()
    assert report.count("added") == 50
    hits = kb.search("T恤有哪些颜色？", k=5)
    assert any(h.doc_type == "product" and h.section == "T-Shirt" for h in hits)
    tshirt = kb.search("color", k=5, product_id="9523456873")
    assert [h.data["product_id"] for h in tshirt] == ["9523456873"]
    assert "blue" in tshirt[0].text and "Price: $" in tshirt[0].text
    assert kb.ingest_catalog().count("unchanged") == 50


def test_language_and_type_filters(kb: KnowledgeBase) -> None:
    kb.ingest_paths([DEMO])
    zh = kb.search("refund", k=5, language="zh")
    assert zh and all(h.language == "zh" for h in zh)
    pages = kb.search("refund", k=5, doc_type="page")
    assert pages and all(h.name == "shipping.en.html" for h in pages)
    assert kb.search("   ") == []
