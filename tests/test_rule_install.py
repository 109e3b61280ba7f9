"""`scrape-rules test` after a plain `pip install .`, run away from the checkout.

The project is installed once per session with `pip install --no-deps --target DIR`
(its dependencies come from the test venv, so only the build backend may come from
the package index), and its `scrape-rules` script runs from a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the project is installed into (package and bin/ scripts)."""
    target = tmp_path_factory.mktemp("install")
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
    command += ["--target", str(target), str(ROOT)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return target


def scrape_rules(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(installed), "XDG_CONFIG_HOME": str(cwd)}
    command = [sys.executable, str(installed / "bin" / "scrape-rules"), *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_installed_rules_come_from_the_install(installed: Path, tmp_path: Path) -> None:
    listed = scrape_rules(installed, tmp_path, "list")
    assert listed.returncode == 0, listed.stderr
    assert str(installed / "scraper" / "_rules" / "daily8.toml") in listed.stdout


def test_installed_scrape_rules_test_finds_the_shipped_fixtures(
    installed: Path, tmp_path: Path
) -> None:
    result = scrape_rules(installed, tmp_path, "test")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "FAIL" not in result.stderr and result.stderr.count("PASS") >= 50
