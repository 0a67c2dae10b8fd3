"""Web pages served by the kefu app: chat widget, agent console, dashboard.

Plain HTML, CSS and a little JavaScript under ``static/``; user-provided text is always
inserted with ``textContent`` (never as HTML), so a script in a message shows as text.
Apache ECharts is vendored from the npm registry at build time (``scripts/build-web.sh``).
"""

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"

__all__ = ["STATIC_DIR"]
