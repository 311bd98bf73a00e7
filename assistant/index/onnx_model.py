"""The embedding model exported to ONNX once, so queries never need torch.

A local sentence-transformers folder (a transformer, then mean or CLS pooling, optionally
normalised) is exported with torch the first time it is needed and kept under
``MENTORCOACH_HOME/models/<model key>``. The export is checked against the torch model before
it is used. An int8-quantised copy is made too and kept only when its vectors agree with the
fp32 ones (cosine at least :data:`INT8_AGREEMENT` on every sampled sentence of the starter
corpus); the verdict is recorded in the export's ``export.json``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.index.model_files import EmbeddingModelError, model_folder

#: The least cosine between the export's vectors and torch's on every sampled sentence.
FAITHFUL = 0.999
#: The least cosine an int8 copy must keep with the fp32 vectors to be used.
INT8_AGREEMENT = 0.99
#: Sentences of the starter corpus the export is checked on.
SAMPLE = 300
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
#: Bump when the export format changes, so older exports are made again.
EXPORT_VERSION = "1"


@dataclass(frozen=True)
class ExportedModel:
    """An export on disk and what running it needs."""

    folder: Path
    model_id: str
    inputs: tuple[str, ...]
    pooling: str
    max_length: int
    pad_id: int
    dimensions: int
    faithfulness: float
    int8_agreement: float
    int8_used: bool

    @property
    def model(self) -> Path:
        """The ONNX file to run: the int8 copy when it was verified, else fp32."""
        return self.folder / ("model.int8.onnx" if self.int8_used else "model.onnx")

    @property
    def tokenizer(self) -> Path:
        """The tokenizer, as the ``tokenizers`` library reads it."""
        return self.folder / "tokenizer.json"

    def pool(self, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Sentence vectors from token vectors, as the model's pooling layer makes them."""
        if self.pooling == "cls":
            return hidden[:, 0]
        weights = mask[..., None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / weights.sum(axis=1).clip(1e-9)


def _pooling(folder: Path) -> str:
    modules = json.loads((folder / "modules.json").read_text())
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"}:
        raise ValueError(f"its modules are {kinds}, not a transformer with pooling")
    pooling = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
    config = json.loads((folder / pooling / "config.json").read_text())
    modes = [k for k, v in config.items() if k.startswith("pooling_mode") and v]
    if modes == ["pooling_mode_mean_tokens"]:
        return "mean"
    if modes == ["pooling_mode_cls_token"]:
        return "cls"
    raise ValueError(f"its pooling {modes} is neither mean nor CLS")


def exportable(model_id: str) -> str | None:
    """None when ``model_id`` can be exported to ONNX, else why not."""
    try:
        folder = model_folder(model_id)
    except EmbeddingModelError as exc:
        return str(exc)
    if folder is None:
        return f"{model_id!r} is not a local model folder"
    if not (folder / "tokenizer.json").exists():
        return f"{folder} has no tokenizer.json"
    try:
        _pooling(folder)
    except (OSError, KeyError, ValueError, StopIteration) as exc:
        return f"{folder} cannot be exported: {exc}"
    return None


def model_key(model_id: str, folder: Path) -> str:
    """Folder name of an export: the model's name and a digest of its weights' size and id."""
    weights = sorted(folder.glob("*.safetensors")) or sorted(folder.glob("*.bin"))
    sizes = ",".join(f"{w.name}:{w.stat().st_size}" for w in weights)
    digest = hashlib.sha256(f"{model_id}\x1f{sizes}\x1f{EXPORT_VERSION}".encode()).hexdigest()
    name = re.sub(r"[^A-Za-z0-9.-]+", "-", re.split(r"[:/\\]", model_id.rstrip("/"))[-1])
    return f"{name.strip('-') or 'model'}-{digest[:12]}"


def exported_model(model_id: str, models_dir: Path) -> ExportedModel:
    """The export of ``model_id``, made now if it is not on disk yet."""
    problem = exportable(model_id)
    if problem is not None:
        raise EmbeddingModelError(f"Cannot export {model_id!r} to ONNX: {problem}")
    folder = model_folder(model_id)
    assert folder is not None
    target = models_dir / model_key(model_id, folder)
    try:
        return _read(target)
    except (OSError, ValueError, TypeError, KeyError):
        pass  # not exported yet, or damaged: export again
    models_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=models_dir))
    try:
        _export(model_id, folder, work)
        shutil.rmtree(target, ignore_errors=True)
        with contextlib.suppress(OSError):  # another process finished the same export first
            os.replace(work, target)
        return _read(target)
    except EmbeddingModelError:
        raise
    except Exception as exc:
        raise EmbeddingModelError(
            f"Exporting {model_id!r} to ONNX failed ({exc.__class__.__name__}: {exc}). "
            "Set MENTORCOACH_EMBEDDING_BACKEND=torch to run it on torch instead."
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _read(target: Path) -> ExportedModel:
    made = json.loads((target / "export.json").read_text(encoding="utf-8"))
    return ExportedModel(folder=target, **made | {"inputs": tuple(made["inputs"])})


def _sample_texts() -> list[str]:
    from assistant.settings import starter_corpus
    from assistant.text import sentences

    texts: list[str] = []
    for path in sorted(starter_corpus().glob("*.md")):
        texts += [s.text for s in sentences(path.read_text(encoding="utf-8"))]
    return texts[:SAMPLE] or ["A mentee asks for feedback on a draft."]


def _export(model_id: str, folder: Path, work: Path) -> None:
    # The exporter and the quantiser warn about things that do not apply to this model.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _export_quietly(model_id, folder, work)
    finally:
        root.setLevel(level)


def _export_quietly(model_id: str, folder: Path, work: Path) -> None:
    import inspect

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer
    from transformers import AutoModel

    pooling = _pooling(folder)
    model = AutoModel.from_pretrained(str(folder))
    model.eval()
    accepted = inspect.signature(model.forward).parameters
    inputs = tuple(name for name in _INPUTS if name in accepted)
    config = folder / "sentence_bert_config.json"
    max_length = json.loads(config.read_text()).get("max_seq_length", 256) if config.exists() \
        else 256
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    pad_id = tokenizer.token_to_id("[PAD]") or tokenizer.token_to_id("<pad>") or 0
    shutil.copy(folder / "tokenizer.json", work / "tokenizer.json")

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(inputs, tensors, strict=True))).last_hidden_state

    texts = _sample_texts()
    draft = ExportedModel(work, model_id, inputs, pooling, max_length, pad_id, 0, 0.0, 0.0,
                          False)
    tokenizer.enable_truncation(max_length)
    tokenizer.enable_padding(pad_id=pad_id)

    def feeds(batch: list[str]) -> dict[str, np.ndarray]:
        encodings = tokenizer.encode_batch(batch)
        columns = {"input_ids": [e.ids for e in encodings],
                   "attention_mask": [e.attention_mask for e in encodings],
                   "token_type_ids": [e.type_ids for e in encodings]}
        return {name: np.array(columns[name], dtype=np.int64) for name in inputs}

    # The torch vectors are taken before the export, which leaves the model changed.
    with torch.no_grad():
        reference = np.vstack([
            _unit(draft.pool(LastHidden()(*(torch.from_numpy(f[n]) for n in inputs)).numpy(),
                             f["attention_mask"]))
            for f in (feeds(texts[i : i + 32]) for i in range(0, len(texts), 32))])
    # The traced example must hold padding: with an all-ones mask the model skips masking,
    # and the traced graph would ignore the mask of every later batch.
    example = feeds(["Mentoring.", max(texts, key=len)])
    torch.onnx.export(
        LastHidden(), tuple(torch.from_numpy(example[n]) for n in inputs), str(work / "model.onnx"),
        input_names=list(inputs), output_names=["last_hidden_state"], opset_version=17,
        dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*inputs, "last_hidden_state"]},
        dynamo=False,
    )
    quantize_dynamic(str(work / "model.onnx"), str(work / "model.int8.onnx"),
                     weight_type=QuantType.QInt8)
    fp32, int8 = (_run(work / name, texts, feeds, draft)
                  for name in ("model.onnx", "model.int8.onnx"))
    faithfulness = float((fp32 * reference).sum(axis=1).min())
    if faithfulness < FAITHFUL:
        raise EmbeddingModelError(
            f"The ONNX export of {model_id!r} disagrees with torch (least cosine "
            f"{faithfulness:.4f}); set MENTORCOACH_EMBEDDING_BACKEND=torch.")
    agreement = float((fp32 * int8).sum(axis=1).min())
    if agreement < INT8_AGREEMENT:
        (work / "model.int8.onnx").unlink()
    made = asdict(draft) | {"dimensions": int(reference.shape[1]), "faithfulness": faithfulness,
                            "int8_agreement": agreement, "int8_used": agreement >= INT8_AGREEMENT}
    made.pop("folder")
    made["inputs"] = list(inputs)
    (work / "export.json").write_text(json.dumps(made, indent=2))


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)


def _run(path: Path, texts: list[str], feeds, draft: ExportedModel) -> np.ndarray:
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rows = []
    for start in range(0, len(texts), 32):
        batch = feeds(texts[start : start + 32])
        rows.append(_unit(draft.pool(session.run(None, batch)[0], batch["attention_mask"])))
    return np.vstack(rows)
