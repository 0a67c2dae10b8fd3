"""Staff API for the knowledge base: upload, list and delete documents; search with citations."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile, status
from pydantic import BaseModel

from kefu.api.deps import AdminDep, AgentDep
from kefu.knowledge import DocumentInfo, FileResult, KnowledgeBase

router = APIRouter(prefix="/v1/knowledge", tags=["knowledge"])


def _kb(request: Request) -> KnowledgeBase:
    """One knowledge base per app (its index stays loaded between requests)."""
    kb = getattr(request.app.state, "knowledge_base", None)
    if kb is None:
        kb = KnowledgeBase(request.app.state.engine, request.app.state.settings.data_dir)
        request.app.state.knowledge_base = kb
    return kb


class HitOut(BaseModel):
    """One search result."""

    chunk_id: int
    source: str
    title: str
    section: str
    citation: str
    text: str
    score: float
    cosine: float
    language: str | None
    doc_type: str


class SearchOut(BaseModel):
    """Search results and whether the best one is close enough to answer from."""

    query: str
    confident: bool
    hits: list[HitOut]


@router.post("/documents", status_code=status.HTTP_201_CREATED)
async def upload_document(
    request: Request,
    _staff: AgentDep,
    file: Annotated[UploadFile, File(description="md, html, txt, pdf, csv or json")],
    source: Annotated[str | None, Form(description="Document name; default: the file name")] = None,
) -> FileResult:
    """Add or replace one document (same source + same bytes = unchanged)."""
    kb = _kb(request)
    name = (file.filename or "").rsplit("/", 1)[-1]
    if not name:
        raise HTTPException(422, "the upload needs a file name")
    raw = await file.read(int(kb.settings.max_file_mb * 1024 * 1024) + 1)
    from starlette.concurrency import run_in_threadpool

    result = await run_in_threadpool(kb.ingest_bytes, name, raw, source=source or name)
    if result.status == "error":
        raise HTTPException(422, f"{result.source}: {result.reason}")
    return result


@router.get("/documents")
def list_documents(request: Request, _staff: AgentDep) -> list[DocumentInfo]:
    """Every document with its type, language and number of chunks."""
    return _kb(request).documents()


@router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_document(document_id: int, request: Request, _admin: AdminDep) -> None:
    """Remove a document and its chunks from the store and the index."""
    kb = _kb(request)
    doc = next((d for d in kb.documents() if d.id == document_id), None)
    if doc is None or not kb.delete_source(doc.source):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document {document_id}")


@router.post("/catalog")
def index_catalog(request: Request, _staff: AgentDep) -> dict[str, int]:
    """Re-index the product catalogue (only changed products are re-embedded)."""
    report = _kb(request).ingest_catalog()
    return {s: report.count(s) for s in ("added", "updated", "unchanged")}


@router.get("/search")
def search(
    request: Request,
    _staff: AgentDep,
    q: Annotated[str, Query(min_length=1, max_length=2000)],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid",
    language: Literal["zh", "en"] | None = None,
    doc_type: str | None = None,
    product_id: str | None = None,
) -> SearchOut:
    """Top chunks for ``q`` with citations."""
    kb = _kb(request)
    hits = kb.search(q, k, language=language, doc_type=doc_type, product_id=product_id, mode=mode)
    return SearchOut(
        query=q,
        confident=kb.is_confident(hits),
        hits=[
            HitOut(
                chunk_id=h.chunk_id,
                source=h.source,
                title=h.title,
                section=h.section,
                citation=h.citation,
                text=h.text,
                score=h.score,
                cosine=h.dense_score,
                language=h.language,
                doc_type=h.doc_type,
            )
            for h in hits
        ],
    )
