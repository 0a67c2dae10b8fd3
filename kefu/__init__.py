"""kefu (客服): self-hosted AI customer service for online stores."""

__version__ = "0.1.0"
