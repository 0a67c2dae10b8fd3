"""Settings, read from the environment (prefix ``KEFU_``) and an optional ``.env`` file.

One object holds every knob so a deployment differs from the embedded default only in
settings, never in code.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration of one kefu deployment."""

    model_config = SettingsConfigDict(env_prefix="KEFU_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"), description="Where the SQLite file, indexes and models live."
    )
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite under data_dir."
    )
    db_pool_size: int = 10
    db_echo: bool = False

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "INFO"
    log_json: bool = False
    now: datetime | None = Field(
        default=None,
        description="Run the clock from this moment (ISO 8601) instead of today; tests and demos.",
    )

    max_body_bytes: int = Field(default=1_048_576, description="Largest request body (413 above).")
    max_upload_bytes: int = Field(default=20 * 1_048_576, description="Largest knowledge upload.")
    rate_limit_per_s: float = Field(
        default=20.0, description="Sustained requests/s per key or token; 0 = off."
    )
    rate_limit_burst: int = 60
    rate_limit_ip_factor: int = Field(
        default=5, description="Per-address budget as a multiple of the per-key one."
    )

    secret_key: str = Field(default="dev-insecure-change-me", description="Signs customer tokens.")
    bootstrap_admin_key: str = Field(
        default="", description="Optional admin key accepted without DB lookup."
    )
    site_secret: str = Field(
        default="", description="Signs store-site customer identities; empty = secret_key."
    )

    warm_up: bool = Field(
        default=True, description="Load (or train) the language models before serving traffic."
    )
    encoder_threads: int = Field(
        default=1, description="BLAS threads for the sentence encoder (1 is fastest per query)."
    )

    llm_backend: Literal["none", "local", "openai"] = "none"
    llm_model_path: Path | None = None
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout_s: float = 20.0
    llm_local_model: str = Field(
        default="qwen2.5-coder-0.5b", description="kefu/llm/models.py name."
    )
    llm_models_dir: Path = Field(
        default=PROJECT_ROOT / ".cache" / "models", description="GGUF files."
    )
    llm_threads: int = Field(default=0, description="llama.cpp threads; 0 = every core.")
    llm_context: int = 4096
    llm_max_retries: int = 2
    llm_redact_remote: bool = Field(default=False, description="Mask PII sent to a remote model.")
    llm_phrase_answers: bool = Field(
        default=False,
        description=(
            "Let the model word knowledge answers (checked against the passage). Off by "
            "default: the bundled 0.5B model passes the checks with wrong meanings; use a "
            "larger or hosted model."
        ),
    )
    llm_role: Literal["route", "understand", "converse"] = Field(
        default="route",
        description=(
            "What the language model does: route (intent routing only), understand (also "
            "reads the customer's message), converse (also words every reply from the facts "
            "the code decided, checked before it is shown."
        ),
    )
    llm_wording_timeout_s: float = Field(
        default=8.0,
        description="converse: the most one turn's wording may take; then the template.",
    )
    llm_wording_max_tokens: int = Field(
        default=240, description="converse: token budget of the one wording call per turn."
    )

    store_policy_file: Path | None = None
    default_language: Literal["zh", "en"] = "en"
    nlu_order_id_patterns: list[str] = Field(
        default_factory=list,
        description="Extra regexes for the store's own order ids (JSON list; group 'id' = value).",
    )

    tau2_dir: Path = Field(default=PROJECT_ROOT.parent / "shared" / "tau2-retail")

    store_backend: Literal["builtin", "webhook", "shopify", "woocommerce", "medusa"] = Field(
        default="builtin",
        description="Where order writes go: kefu's own database, or a shop (docs/stores.md).",
    )
    store_url: str = Field(
        default="", description="The shop's endpoint (webhook URL, Shopify shop, WooCommerce site)."
    )
    store_api_key: str = Field(
        default="", description="Shop credential: Shopify access token, WooCommerce consumer key."
    )
    store_api_secret: str = Field(default="", description="WooCommerce consumer secret.")
    store_medusa_password: str = Field(
        default="",
        description="Medusa: an admin user's password (then KEFU_STORE_API_KEY is its email and "
        "kefu logs in for a JWT); empty = KEFU_STORE_API_KEY is a secret API key (sk_...).",
    )
    store_webhook_secret: str = Field(
        default="", description="HMAC secret for webhooks in and out; empty = webhooks refused."
    )
    store_timeout_s: float = Field(default=5.0, description="Per shop call.")
    store_sync_confirm: bool = Field(
        default=True,
        description='webhook backend: try the shop during the turn ("done" when it answers); '
        'off = always queue ("requested, the store will confirm").',
    )
    store_outbox_max_attempts: int = Field(default=8, description="Deliveries before giving up.")
    store_flows: str = Field(
        default="",
        description="A YAML file of the store's own requests, each ending in a tool the store "
        "serves over HTTP (docs/assistant.md, 'Adding a request').",
    )

    def resolved_database_url(self) -> str:
        """The configured URL, or the default SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'kefu.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings (cached; tests clear the cache to change them)."""
    return Settings()
