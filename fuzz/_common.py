"""Shared set-up of the fuzz targets: seed corpora built from the repository's own
pages and rules, so a run starts from real markup rather than from nothing."""

from __future__ import annotations

import gzip
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_SEED_BYTES = 64 * 1024


def write_seeds(target: Path, sources: list[Path]) -> Path:
    """Copy (and gunzip) each small source file into target; returns target."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sources:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if len(data) <= MAX_SEED_BYTES:
            (target / path.name.removesuffix(".gz")).write_bytes(data)
    return target


def html_seeds() -> list[Path]:
    pages = sorted(ROOT.glob("fixtures/**/*.htm*"))
    return [p for p in pages if p.stat().st_size <= MAX_SEED_BYTES]


def rule_seeds() -> list[Path]:
    return sorted(ROOT.glob("rules/*.toml"))


def corpus_args(argv: list[str], *, name: str, seeds: list[Path]) -> list[str]:
    """libFuzzer's arguments: the corpus directory given (or fuzz/corpus/<name>),
    filled with the seeds when it does not exist yet or is empty."""
    args = list(argv)
    dirs = [a for a in args[1:] if not a.startswith("-")]
    if not dirs:
        dirs = [str(ROOT / "fuzz" / "corpus" / name)]
        args.append(dirs[0])
    corpus = Path(dirs[0])
    if not corpus.is_dir() or not any(corpus.iterdir()):
        write_seeds(corpus, seeds)
    return args
