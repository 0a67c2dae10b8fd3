"""The web pages: landing, demo shop with the embedded widget, widget, console, dashboard."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from kefu.web import STATIC_DIR

router = APIRouter(include_in_schema=False)
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors *"
)


def _page(name: str) -> FileResponse:
    return FileResponse(
        STATIC_DIR / name,
        media_type=_TYPES[".html"],
        headers={**_HEADERS, "Content-Security-Policy": _CSP},
    )


@router.get("/", response_class=HTMLResponse)
def landing() -> FileResponse:
    """Links to the demo shop, the console and the dashboard."""
    return _page("index.html")


@router.get("/shop", response_class=HTMLResponse)
def demo_shop() -> FileResponse:
    """A demo store page with the widget embedded by one script tag."""
    return _page("shop.html")


@router.get("/widget", response_class=HTMLResponse)
def widget() -> FileResponse:
    """The chat itself (loaded in an iframe by widget.js)."""
    return _page("widget.html")


@router.get("/console", response_class=HTMLResponse)
def console() -> FileResponse:
    """The agent console."""
    return _page("console.html")


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard() -> FileResponse:
    """Support analytics charts."""
    return _page("dashboard.html")


@router.get("/console/risk", response_class=HTMLResponse)
def risk_review() -> FileResponse:
    """Flagged orders waiting for a staff decision."""
    return _page("risk.html")


@router.get("/widget.js")
def widget_js() -> FileResponse:
    """The one-tag embed script."""
    return FileResponse(
        STATIC_DIR / "widget.js",
        media_type=_TYPES[".js"],
        headers={**_HEADERS, "Access-Control-Allow-Origin": "*"},
    )


@router.get("/static/{path:path}")
def static(path: str) -> FileResponse:
    """Static assets (no directory listing; nothing outside the static folder)."""
    target = (STATIC_DIR / path).resolve()
    if (
        not target.is_file()
        or STATIC_DIR.resolve() not in target.parents
        or target.suffix not in (*_TYPES, ".txt")
    ):
        raise HTTPException(404, "not found")
    return FileResponse(
        target, media_type=_TYPES.get(target.suffix, "text/plain; charset=utf-8"), headers=_HEADERS
    )


def static_path(name: str) -> Path:
    """Path of a static asset (for tests and tooling)."""
    return STATIC_DIR / name
