"""Entry points of the `scrape` and `scrape-rules` commands.

The command line itself is the top-level `cli.py` of the checkout. A wheel ships it
inside the package as `scraper/_cli.py` (pyproject.toml's force-include), so that
installing never adds a top-level module named `cli`; a checkout or an editable install
(`pip install -e .`) has it beside this package. Either way it is loaded as
`scraper._cli`, from the same tree as the `scraper` package that is running.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

CLI_MODULE = "scraper._cli"


def cli_module() -> ModuleType:
    """The CLI module: shipped in the package, else the checkout's cli.py."""
    try:
        return importlib.import_module(CLI_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != CLI_MODULE:
            raise
    path = Path(__file__).resolve().parent.parent / "cli.py"
    spec = importlib.util.spec_from_file_location(CLI_MODULE, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise ModuleNotFoundError(f"the scrape CLI is missing: no {path}", name=CLI_MODULE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[CLI_MODULE] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    """`scrape`."""
    cli_module().main()


def rules_main() -> None:
    """`scrape-rules`."""
    cli_module().rules_main()
