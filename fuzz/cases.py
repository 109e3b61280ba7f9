"""The inputs of fuzz/mutate.py: the fixture pages and text dumps it starts from, the
mutated case made from (seed, index) alone, and the calls each case runs."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from mutations import mutate

ROOT = Path(__file__).resolve().parent.parent
PAGE_GLOBS = (
    "fixtures/corpus/*/*/page.html.gz",
    "fixtures/metadata/*/*/page.html.gz",
    "fixtures/rules/**/*.html.gz",
    "fixtures/rules/**/*.html",
    "fixtures/pages/*.html",
    "fixtures/charset/*.html",
)
TEXT_GLOBS = ("fixtures/seed/*.txt", "fixtures/rules/**/*.txt")
SAFE_URLS = (None, "https://www.example.com/news/2024/05/a-story", "https://www.bbc.co.uk/news/x")
BAD_URLS = (
    "x:", "http://[::1/a", "https://example.com/" + "a" * 3000, "javascript:alert(1)", "",
    "https://xn--/", "http://a b/c", "https://example.com:99999/", "\ud800",
)  # fmt: skip
DECODINGS = ("replace", "replace", "replace", "replace", "surrogatepass", "surrogateescape")


@dataclass(frozen=True)
class Seed:
    """One fixture page (kind "html") or text dump (kind "text") and its known URL."""

    name: str
    kind: str
    data: bytes
    url: str | None


@dataclass(frozen=True)
class Case:
    """One mutated input, fully determined by the run's seed and its index."""

    index: int
    seed: str
    kind: str
    steps: tuple[str, ...]
    page: str | bytes
    url: str | None

    @property
    def data(self) -> bytes:
        """The input as bytes (a str input encoded with surrogatepass, so it round-trips)."""
        return self.page if isinstance(self.page, bytes) else encode(self.page)

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.data).hexdigest()


@dataclass(frozen=True)
class Call:
    """One call of the library: `name` is extract, extract-norules, clean_text or
    clean_text-norules."""

    name: str
    page: str | bytes
    url: str | None


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def decode(data: bytes, *, errors: str) -> str:
    """bytes -> str the way a caller might: surrogatepass keeps encoded lone surrogates
    (falling back to replace when the bytes are not otherwise UTF-8)."""
    if errors != "surrogatepass":
        return data.decode("utf-8", errors)
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


def _url_beside(path: Path) -> str | None:
    for sidecar in (path.parent / "expected.json", path.with_name(_stem(path) + ".expected.json")):
        if sidecar.is_file():
            url = json.loads(sidecar.read_text(encoding="utf-8")).get("url")
            return url if isinstance(url, str) else None
    return None


def _stem(path: Path) -> str:
    return path.name.split(".", 1)[0]


def load_seeds(root: Path = ROOT) -> tuple[Seed, ...]:
    """Every fixture page and text dump, gunzipped, in a fixed order."""
    seeds: list[Seed] = []
    for kind, globs in (("html", PAGE_GLOBS), ("text", TEXT_GLOBS)):
        paths = sorted({p for pattern in globs for p in root.glob(pattern)})
        for path in paths:
            data = path.read_bytes()
            data = gzip.decompress(data) if path.suffix == ".gz" else data
            name = str(path.relative_to(root))
            seeds.append(Seed(name=name, kind=kind, data=data, url=_url_beside(path)))
    return tuple(seeds)


def _pick_url(rng: random.Random, seed: Seed) -> str | None:
    roll = rng.random()
    if roll < 0.5 and seed.url:
        return seed.url
    return rng.choice(BAD_URLS) if roll > 0.9 else rng.choice(SAFE_URLS)


def make_case(seeds: tuple[Seed, ...], *, seed: int, index: int) -> Case:
    """The index-th input of the run with this seed (the same on every machine)."""
    rng = random.Random(f"{seed}:{index}")
    origin = rng.choice(seeds)
    mutated = mutate(rng, origin.data, count=rng.randint(1, 4))
    url = _pick_url(rng, origin)
    errors = rng.choice(DECODINGS)
    as_text = origin.kind == "text" or rng.random() < 0.2
    page: str | bytes = decode(mutated.data, errors=errors) if as_text else mutated.data
    steps = (*mutated.steps, f"passed as str ({errors})") if as_text else mutated.steps
    return Case(index=index, seed=origin.name, kind=origin.kind, steps=steps, page=page, url=url)


def calls_for(case: Case) -> tuple[Call, ...]:
    """With the shipped rules and without any: extract for pages, clean_text for dumps."""
    name = "clean_text" if case.kind == "text" else "extract"
    return tuple(Call(name=n, page=case.page, url=case.url) for n in (name, f"{name}-norules"))
