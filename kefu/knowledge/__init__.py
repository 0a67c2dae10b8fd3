"""Store knowledge base: ingest documents and the catalogue, hybrid search with citations.

Public surface: :class:`KnowledgeBase`, :func:`get_knowledge_base`, :class:`Hit`,
:class:`IngestReport`, :class:`FileResult`, :class:`DocumentInfo`, :class:`KnowledgeSettings`,
:func:`source_key`.
"""

from kefu.knowledge._parse import DocumentError
from kefu.knowledge.service import (
    DocumentInfo,
    FileResult,
    Hit,
    IngestReport,
    KnowledgeBase,
    KnowledgeSettings,
    get_knowledge_base,
    source_key,
)

__all__ = [
    "DocumentError",
    "DocumentInfo",
    "FileResult",
    "Hit",
    "IngestReport",
    "KnowledgeBase",
    "KnowledgeSettings",
    "get_knowledge_base",
    "source_key",
]
