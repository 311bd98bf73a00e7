"""The layering the folders promise, and what the package declares and ships."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "ingest", "evals", "ui")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def project_imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    return {target for target in imports(path) if target in known and target != name}


#: (layer, layers it must never import)
FORBIDDEN = [
    ("assistant.text", ("assistant.",)),
    ("assistant.index", ("assistant.guidance", "assistant.engines", "assistant.chain",
                         "assistant.plan")),
    ("assistant.plan", ("assistant.guidance", "assistant.engines", "assistant.chain")),
    ("assistant.stance", ("assistant.guidance", "assistant.engines", "assistant.chain")),
    ("assistant.engines", ("assistant.guidance", "assistant.chain")),
    ("assistant.guidance", ("assistant.engines", "assistant.chain")),
    ("assistant.smart", ("assistant.guidance", "assistant.engines", "assistant.chain")),
    # Scenarios and their exports are data: the policy and the engines use them, not back.
    ("assistant.rehearsal", ("assistant.guidance", "assistant.engines", "assistant.chain",
                             "assistant.index", "assistant.reader")),
    # The reader and the privacy guard read messages before any policy or engine sees them.
    ("assistant.reader", ("assistant.guidance", "assistant.engines", "assistant.chain",
                          "assistant.plan", "assistant.index")),
    ("assistant.privacy", ("assistant.guidance", "assistant.engines", "assistant.chain",
                           "assistant.plan", "assistant.index", "assistant.reader")),
    ("assistant", ("ui", "evals")),
    # The judges judge independently: no metric, and not the coder, takes a rule from the
    # policy, the engines, the chain or the wording rules the composer and enforcement share.
    ("evals.metrics", ("assistant.guidance", "assistant.engines", "assistant.chain",
                       "assistant.stance")),
    ("evals.coder", ("assistant.guidance", "assistant.engines", "assistant.chain",
                     "assistant.stance")),
    ("evals.agreement", ("assistant.guidance", "assistant.engines", "assistant.chain",
                         "assistant.stance")),
    ("ingest", ("assistant.guidance", "assistant.engines", "assistant.chain", "ui", "evals")),
]


@pytest.mark.parametrize(("layer", "forbidden"), FORBIDDEN)
def test_each_layer_imports_only_what_sits_below_it(layer: str, forbidden: tuple[str, ...]):
    known = modules()
    breaches = [
        f"{name} imports {target}"
        for name, path in known.items()
        if name == layer or name.startswith(layer + ".")
        for target in project_imports(name, path, known)
        if any(target == f.rstrip(".") or target.startswith(f.rstrip(".") + ".")
               or (f.endswith(".") and target.startswith(f)) for f in forbidden)
        and not target.startswith(layer)
    ]
    assert not breaches


def test_no_import_cycles() -> None:
    known = modules()
    graph = {name: project_imports(name, path, known) for name, path in known.items()}
    # A package's __init__ re-exporting its own modules is not a cycle between layers.
    graph = {name: {t for t in targets if not name.startswith(t + ".")}
             for name, targets in graph.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                pytest.fail(" -> ".join([*trail[trail.index(target):], target]))
            if target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_test_doubles_do_not_ship() -> None:
    assert not [name for name in modules() if "scripted" in name or "fake" in name]


def _distribution(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_third_party_import_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_distribution(r) for r in project["dependencies"]}
    optional = {_distribution(r) for extra in project["optional-dependencies"].values()
                for r in extra}
    providers = importlib.metadata.packages_distributions()
    missing = set()
    for name, path in modules().items():
        for target in imports(path):
            top = target.split(".")[0]
            if top in PACKAGES or top in sys.stdlib_module_names or top == "__future__":
                continue
            dists = {d.lower().replace("_", "-") for d in providers.get(top, [top])}
            if not dists & (declared | optional):
                missing.add(f"{top} (in {name})")
    assert not missing


def _pip(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args, "--quiet", "--no-deps"],
                   check=True, capture_output=True, cwd=cwd)


@pytest.mark.slow
def test_an_installed_package_ships_and_defaults_to_the_starter_corpus(tmp_path: Path) -> None:
    _pip("wheel", "--no-build-isolation", "--wheel-dir", str(tmp_path), str(ROOT), cwd=tmp_path)
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    starter = {f"corpus/{p.name}" for p in (ROOT / "corpus").iterdir() if p.is_file()}
    assert starter and starter <= names
    assert "assistant/prompts/system.txt" in names
    assert "evals/baseline.json" in names
    assert {"evals/data/coder_dev.yaml", "evals/data/coder_heldout.yaml"} <= names
    assert {"assistant/reader/data/safety.yaml", "assistant/reader/data/ownership.yaml",
            "assistant/guidance/safety-contacts.yaml"} <= names
    assert "assistant/prompts/rehearsal.txt" in names
    assert "corpus/scenarios/ask-to-be-mentor.yaml" in names
    assert any(n.startswith("evals/cases/") and n.endswith(".yaml") for n in names)
    assert not any(n.startswith("tests/") for n in names)

    # Outside the checkout, the installed copy is what `mentorcoach ingest` indexes.
    site = tmp_path / "site"
    _pip("install", "--target", str(site), str(wheel), cwd=tmp_path)
    printed = subprocess.run(
        [sys.executable, "-c", "from assistant.settings import Settings; "
         "print(Settings().corpus_dir)"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
    ).stdout.strip()
    assert Path(printed) == site / "corpus"
    assert {p.name for p in Path(printed).iterdir()} >= {Path(n).name for n in starter}
