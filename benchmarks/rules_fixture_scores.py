"""Each shipped rule's fixtures scored without and with the rule (word-4-gram shingles).

Usage: .venv/bin/python benchmarks/rules_fixture_scores.py
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

from scraper import clean, metadata, parse
from scraper.extract import extract_body
from scraper.model import Body, Metadata, RawPage
from scraper.rules import Fixture, Rule, apply_text_rule, load_rules
from scraper.textdump import clean_dump


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


def _pr(got: str, want: str) -> tuple[float, float]:
    g, w = _shingles(got), _shingles(want)
    tp = sum((g & w).values())
    return tp / max(sum(g.values()), 1), tp / max(sum(w.values()), 1)


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def _run(rule: Rule | None, fixture: Fixture) -> tuple[Body, Metadata]:
    if fixture.is_text:
        result = clean_dump(_read(fixture.page).decode("utf-8"), rule=rule)
        return result.body, result.metadata
    raw = RawPage(content=_read(fixture.page), kind="html", url=fixture.url)
    doc = parse.parse(raw, url=fixture.url, source_name=str(fixture.page))
    sel = rule.metadata_selectors if rule else None
    meta = metadata.extract_metadata(doc, selectors=sel)
    if rule is None:
        return clean.clean_body(extract_body(doc)), meta
    body = clean.clean_body(
        extract_body(doc, remove=rule.remove + rule.remove_in_body, body=rule.body)
    )
    return apply_text_rule(rule, body), meta


def main() -> None:
    for rule in load_rules().rules:
        for fixture in rule.fixtures:
            want = json.loads(fixture.expected.read_text(encoding="utf-8"))
            cells = []
            for used in (None, rule):
                body, meta = _run(used, fixture)
                p, r = _pr(body.text, want["text"])
                ok = meta.title == want["title"] and list(meta.authors) == want["authors"]
                cells.append(f"P {p:.3f} R {r:.3f} meta {'ok' if ok else 'off'}")
            print(f"{rule.name:14} {fixture.page.name:28} before: {cells[0]} | after: {cells[1]}")


if __name__ == "__main__":
    main()
