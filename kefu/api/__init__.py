"""The HTTP API (FastAPI): thin routes over kefu's services."""

from kefu.api.app import create_app

__all__ = ["create_app"]
