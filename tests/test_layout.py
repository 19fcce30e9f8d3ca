"""The architecture's promises that a test can hold: layering, module size, shipped defaults."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ("bot", "rules", "storage")
PLATFORM_LIBRARIES = ("discord", "telegram")
MAX_LINES = 300


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", python_files(*CORE), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_never_imports_a_platform_library(path: Path) -> None:
    assert not imported_roots(path) & set(PLATFORM_LIBRARIES)


def test_the_import_check_catches_a_platform_import(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("import os\nfrom telegram.ext import Application\n")
    assert "telegram" in imported_roots(sneaky)


@pytest.mark.parametrize(
    "path",
    python_files("bot", "rules", "storage", "adapters", "tests", "bench"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_module_passes_300_lines(path: Path) -> None:
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def test_the_example_config_is_the_embedded_default() -> None:
    example = (ROOT / "config.example.toml").read_text("utf-8")
    embedded = (ROOT / "bot" / "default_config.toml").read_text("utf-8")
    assert example == embedded, "copy config.example.toml to bot/default_config.toml"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()
    command = [line for line in ci if line.strip() and not line.startswith(("#", "set "))][-1]
    assert command.strip() in (ROOT / "README.md").read_text("utf-8")
