"""Turn files into sections: the structure a citation names (heading path, FAQ question, page).

Every loader returns plain :class:`Section` records; chunking of long sections happens in
one place (:func:`split_long`) so every format obeys the same size limit. Failures raise
:class:`DocumentError` with a message meant for the person who uploaded the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from kefu.knowledge._text import detect_language

SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".text": "text",
    ".pdf": "pdf",
    ".csv": "csv",
    ".json": "json",
}
MAX_CHUNK_CHARS = 900
PATH_SEP = " › "


class DocumentError(ValueError):
    """A file that cannot be ingested; the message says why in plain words."""


@dataclass
class Section:
    """One citable passage: its heading path, text and optional structured data."""

    section: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedDocument:
    """What a loader found in one file."""

    title: str
    sections: list[Section]
    doc_type: str
    language: str


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else the encoding charset-normalizer is sure of."""
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("binary file: this does not look like text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise DocumentError("unknown text encoding: save the file as UTF-8 and upload it again")
    try:
        return raw.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise DocumentError(
            f"text looks like {best.encoding} but does not decode cleanly; save it as UTF-8"
        )


def split_long(sections: list[Section], limit: int = MAX_CHUNK_CHARS) -> list[Section]:
    """Split sections longer than ``limit`` at paragraph (then sentence) boundaries."""
    out: list[Section] = []
    for sec in sections:
        text = sec.text.strip()
        if not text:
            continue
        if len(text) <= limit:
            out.append(Section(sec.section, text, sec.data))
            continue
        paragraphs = [
            _pack(_sentences(p), limit, " ") for p in re.split(r"\n\s*\n", text) if p.strip()
        ]
        pieces = _pack([piece for para in paragraphs for piece in para], limit, "\n\n")
        for i, piece in enumerate(pieces, 1):
            name = sec.section if i == 1 else f"{sec.section} ({i})"
            out.append(Section(name, piece, sec.data))
    return out


def _pack(units: list[str], limit: int, sep: str) -> list[str]:
    """Greedily join ``units`` into pieces of at most ``limit`` characters."""
    pieces: list[str] = []
    buf = ""
    for unit in units:
        if buf and len(buf) + len(sep) + len(unit) > limit:
            pieces.append(buf)
            buf = unit
        else:
            buf = f"{buf}{sep}{unit}" if buf else unit
    if buf:
        pieces.append(buf)
    return pieces


def _sentences(paragraph: str) -> list[str]:
    """Sentences of ``paragraph``; "e.g. help" stays whole (the next word must be capitalised)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(])|(?<=[。！？；])", paragraph.strip())
    out: list[str] = []
    for part in parts:
        while len(part) > MAX_CHUNK_CHARS:
            out.append(part[:MAX_CHUNK_CHARS])
            part = part[MAX_CHUNK_CHARS:]
        if part.strip():
            out.append(part.strip())
    return out


def _heading_sections(
    items: list[tuple[int, str] | str], fallback: str
) -> tuple[str, list[Section]]:
    """Group a stream of ``(level, heading)`` markers and text blocks into sections."""
    title = ""
    path: list[tuple[int, str]] = []
    sections: list[Section] = []
    body: list[str] = []

    def flush() -> None:
        text = "\n\n".join(body).strip()
        if text:
            name = PATH_SEP.join(h for _, h in path) or title or fallback
            sections.append(Section(name, text))
        body.clear()

    for item in items:
        if isinstance(item, tuple):
            level, heading = item
            flush()
            if level == 1 and not title:
                title = heading
                path = []
                continue
            path = [(lv, h) for lv, h in path if lv < level] + [(level, heading)]
        else:
            body.append(item)
    flush()
    return title or fallback, sections


def parse_markdown(text: str, fallback_title: str) -> tuple[str, list[Section]]:
    """Sections by heading path (the H1 is the document title, not part of each path)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    lines = text.splitlines()
    items: list[tuple[int, str] | str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            items.append((int(tok.tag[1]), tokens[i + 1].content.strip()))
        elif tok.level == 0 and tok.map is not None and tok.nesting >= 0 and tok.type != "hr":
            start, end = tok.map
            items.append("\n".join(lines[start:end]))
        i = _skip_block(tokens, i)
    return _heading_sections(items, fallback_title)


def _skip_block(tokens: list[Any], i: int) -> int:
    tok = tokens[i]
    if tok.nesting != 1:
        return i + 1
    depth = 0
    while i < len(tokens):
        depth += tokens[i].nesting
        i += 1
        if depth == 0:
            break
    return i


def parse_html(text: str, fallback_title: str) -> tuple[str, list[Section]]:
    """Sections by h1–h6 path; scripts, styles and navigation are dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "noscript", "template", "head"]):
        tag.decompose()
    page_title = ""
    if soup.title and soup.title.string:
        page_title = soup.title.string.strip()
    items: list[tuple[int, str] | str] = []
    blocks = ("p", "li", "dt", "dd", "td", "th", "pre", "blockquote", "figcaption")
    for el in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", *blocks]):
        if el.name in blocks and el.find_parent(blocks) is not None:
            continue
        words = el.get_text(" ", strip=True)
        if not words:
            continue
        if el.name.startswith("h") and el.name[1:].isdigit():
            items.append((int(el.name[1]), words))
        else:
            items.append(("• " + words) if el.name == "li" else words)
    if not items:
        body = soup.get_text("\n", strip=True)
        if body:
            items.append(body)
    title, sections = _heading_sections(items, page_title or fallback_title)
    return title, sections


def parse_text(text: str, fallback_title: str) -> tuple[str, list[Section]]:
    """Plain text: paragraphs grouped into chunks named "Part N"."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    merged = split_long([Section("", "\n\n".join(paragraphs))])
    return fallback_title, [Section(f"Part {i}", s.text) for i, s in enumerate(merged, 1)]


def parse_pdf(raw: bytes, fallback_title: str) -> tuple[str, list[Section]]:
    """One section per page ("p. N"); a PDF that pypdf cannot open is reported, not guessed."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PdfStreamError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise DocumentError("encrypted PDF: remove the password and upload it again")
        pages = [(page.extract_text() or "") for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except DocumentError:
        raise
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"broken PDF: {exc}")
    sections = [Section(f"p. {n}", t) for n, t in enumerate(pages, 1) if t.strip()]
    if not sections:
        raise DocumentError("the PDF has no extractable text (scanned images need OCR first)")
    return str(meta_title).strip() or fallback_title, sections


_Q_KEYS = ("question", "q", "问题", "问")
_A_KEYS = ("answer", "a", "答案", "回答", "答")
_S_KEYS = ("section", "category", "topic", "分类", "类别")


def _pick(row: dict[str, Any], keys: tuple[str, ...]) -> str:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    for key in keys:
        value = lowered.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _faq_rows(rows: list[dict[str, Any]], where: str) -> list[Section]:
    sections = []
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise DocumentError(f"{where} {n}: expected an object with question and answer")
        q, a = _pick(row, _Q_KEYS), _pick(row, _A_KEYS)
        if not q or not a:
            raise DocumentError(f"{where} {n}: needs both a question and an answer")
        category = _pick(row, _S_KEYS)
        name = f"{category}{PATH_SEP}{q}" if category else q
        lang = _pick(row, ("language", "lang", "语言"))
        data: dict[str, Any] = {"question": q}
        if lang:
            data["language"] = lang
        sections.append(Section(name, f"{q}\n{a}", data))
    if not sections:
        raise DocumentError("no question/answer pairs found")
    return sections


def parse_csv(text: str) -> list[Section]:
    """FAQ pairs from a CSV with a header (question/answer, 问题/答案; optional category)."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment,unused-ignore]
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames or not any(_pick({f: "x"}, _Q_KEYS) for f in reader.fieldnames):
        raise DocumentError("CSV needs a header row with 'question' and 'answer' columns")
    return _faq_rows(list(reader), "row")


def parse_json(text: str) -> list[Section]:
    """FAQ pairs from a JSON list of objects, or an object holding such a list."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"invalid JSON: {exc.msg} at line {exc.lineno}")
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise DocumentError("JSON FAQ must be a list of {question, answer} objects")
        data = lists[0]
    if not isinstance(data, list):
        raise DocumentError("JSON FAQ must be a list of {question, answer} objects")
    return _faq_rows(data, "item")


def parse_bytes(raw: bytes, name: str, suffix: str) -> ParsedDocument:
    """Parse one file's bytes by its suffix."""
    kind = SUFFIXES.get(suffix.lower())
    if kind is None:
        raise DocumentError(
            f"unsupported file type {suffix or '(none)'}; use one of {', '.join(sorted(SUFFIXES))}"
        )
    if not raw.strip():
        raise DocumentError("empty file")
    stem = name.rsplit("/", 1)[-1]
    stem = stem[: -len(suffix)] if suffix and stem.endswith(suffix) else stem
    fallback = stem.split(".")[0].replace("_", " ").replace("-", " ").strip() or stem
    if kind == "pdf":
        if not raw.lstrip().startswith(b"%PDF"):
            raise DocumentError("broken PDF: the file does not start with a PDF header")
        title, sections = parse_pdf(raw, fallback)
        doc_type = "document"
    else:
        text = decode_text(raw)
        if not text.strip():
            raise DocumentError("empty file")
        if kind == "markdown":
            title, sections = parse_markdown(text, fallback)
        elif kind == "html":
            title, sections = parse_html(text, fallback)
        elif kind == "text":
            title, sections = parse_text(text, fallback)
        else:
            sections = parse_csv(text) if kind == "csv" else parse_json(text)
            title = fallback.upper() if fallback.lower() == "faq" else fallback
        doc_type = "faq" if kind in {"csv", "json"} else ("page" if kind == "html" else "document")
    sections = split_long(sections)
    if not sections:
        raise DocumentError("no text found in the file")
    lowered = stem.lower()
    if "faq" in lowered:
        doc_type = "faq"
    elif "policy" in lowered or "terms" in lowered:
        doc_type = "policy"
    hint = re.search(r"\.(zh|en)(?:[-_][a-z]+)?$", stem.lower())
    language = (
        hint.group(1)
        if hint
        else detect_language(title + " " + " ".join(s.text for s in sections[:20]))
    )
    return ParsedDocument(title, sections, doc_type, language)
