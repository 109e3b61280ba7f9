"""The layout the README and ARCHITECTURE.md describe: one subpackage per stage with
more than one module, each entered through its __init__; no module reaches into another
package's private modules or names; the benchmark metric stays out of the pipeline."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "scraper"
STAGES = {"sources", "fetch", "rules", "extract", "metadata", "batch"}


def modules() -> list[Path]:
    return [*sorted(PACKAGE.rglob("*.py")), PACKAGE.parent / "cli.py"]


def owner(path: Path) -> str:
    """The package a module belongs to: `scraper.fetch` for scraper/fetch/_client.py,
    `scraper` for the top-level modules, none for cli.py."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1])


def imports(path: Path) -> Iterator[tuple[str, str]]:
    """(module, name) for every `from scraper... import name` (name may be a module)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scraper"):
            for alias in node.names:
                yield node.module or "", alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("scraper"):
                    yield alias.name, ""


def private_step(module: str, name: str) -> str | None:
    """The package whose privacy the import relies on, if it names a private part."""
    dotted = f"{module}.{name}" if name else module
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def test_each_stage_with_several_modules_is_a_package() -> None:
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages == STAGES
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").read_text().startswith('"""')


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_module_uses_another_packages_private_parts(path: Path) -> None:
    mine = owner(path)
    for module, name in imports(path):
        package = private_step(module, name)
        if package is not None:
            assert package == mine, f"{path.name} imports {module}.{name} from {package}"
        assert not name.startswith("_") or module == mine, f"{path.name}: {module}.{name}"


def test_the_benchmark_metric_is_not_imported_by_the_pipeline() -> None:
    users = {
        str(path.relative_to(PACKAGE))
        for path in modules()[:-1]
        if any(module == "scraper.evaluate" for module, _ in imports(path))
    }
    assert users <= {"rules/tools.py"}  # the rule-author tools score fixtures with it
