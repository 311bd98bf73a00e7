"""Run native code (llama.cpp) in a child process, so that a crash fails one test, clearly."""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

import pytest

T = TypeVar("T")

REBUILD_HINT = (
    "A llama-cpp-python built natively on a CPU with AMX crashes in its AMX kernel; rebuild it "
    "for any x86-64 CPU: CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install --no-cache-dir "
    "--force-reinstall llama-cpp-python"
)


def _call(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send((True, func(*args)))
    except BaseException:
        conn.send((False, traceback.format_exc()))
    finally:
        conn.close()


def run_in_child(func: Callable[..., T], *args: Any, timeout: float = 600, hint: str = "") -> T:
    """Return ``func(*args)`` computed in a fresh process (``func`` must be importable).

    A child killed by a signal fails the calling test with the signal's name and ``hint``
    instead of taking the whole test run down; an exception in the child fails it with the
    child's traceback.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_call, args=(sender, func, args), daemon=True)
    process.start()
    sender.close()
    outcome: tuple[bool, Any] | None = None
    try:
        if receiver.poll(timeout):
            outcome = receiver.recv()
    except EOFError:
        outcome = None
    finally:
        receiver.close()
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()
    name = getattr(func, "__qualname__", repr(func))
    if outcome is None:
        code = process.exitcode
        if code is not None and code < 0:
            pytest.fail(f"{name} crashed its process with {signal.Signals(-code).name}. {hint}",
                        pytrace=False)
        pytest.fail(f"{name} gave no result within {timeout:.0f} s (exit code {code}). {hint}",
                    pytrace=False)
    ok, value = outcome
    if not ok:
        pytest.fail(f"{name} failed in its child process:\n{value}", pytrace=False)
    return value
