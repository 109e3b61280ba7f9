"""`scrape` over many URLs from a real local server: lists, sitemaps and feeds,
robots.txt, per-URL reasons, exit codes, --save-html, --cache, headers and cookies."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from tests.httpserver import Exchange, Handler, closed_port, respond, serve

ARTICLE = (Path(__file__).parents[1] / "fixtures" / "pages" / "article.html").read_bytes()
TITLE = "River towns brace for record floods"
XML = (("Content-Type", "application/xml"),)
TEXT = (("Content-Type", "text/plain"),)
FAST = ("--delay", "0", "--timeout", "1", "--retries", "1")
runner = CliRunner()


def invoke(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def counting(hits: list[str], inner: Handler) -> Handler:
    def handle(ex: Exchange) -> None:
        hits.append(ex.request.path)
        inner(ex)

    return handle


def test_url_list_with_robots_skip_failure_and_binary(tmp_path: Path) -> None:
    routes = {
        "/robots.txt": respond(b"User-agent: *\nDisallow: /private\n", headers=TEXT),
        "/story": respond(ARTICLE),
        "/private/story": respond(ARTICLE),
        "/gone": respond(b"gone", status=404),
        "/image": respond(b"\x89PNG\r\n\x1a\n\0\0", headers=(("Content-Type", "image/png"),)),
    }
    with serve(routes) as base:
        listing = tmp_path / "urls.txt"
        listing.write_text(f"# news\n{base}/private/story\n\n{base}/gone\n{base}/image\n")
        code, out, err = invoke(f"{base}/story", "--urls", str(listing), "-f", "jsonl", *FAST)
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r.get("source", r.get("url")) for r in records] == [
        f"{base}/story",
        f"{base}/private/story",
        f"{base}/gone",
        f"{base}/image",
    ]
    assert records[0]["title"] == TITLE
    assert records[1]["status"] == "skipped" and "robots.txt" in records[1]["error"]
    assert "404" in records[2]["error"] and "status" not in records[2]
    assert "image/png" in records[3]["error"]
    assert f"skipped: {base}/private/story: disallowed by robots.txt" in err
    assert "scrape: 1 done, 2 failed, 1 skipped" in err


def test_unreachable_host_or_robots_is_a_failure_not_a_skip() -> None:
    dead = f"http://127.0.0.1:{closed_port()}/a"
    code, out, err = invoke(dead, "-f", "json", *FAST)
    assert code == 1 and "status" not in json.loads(out)
    assert err.startswith(f"error: {dead}: robots.txt unreachable (connection refused")
    assert len(err.splitlines()) == 1  # a single source: its error line, no summary
    with serve({"/robots.txt": respond(b"", status=503), "/a": respond(ARTICLE)}) as base:
        code, out, err = invoke(f"{base}/a", "-f", "json", *FAST)
    assert code == 1 and "503" in json.loads(out)["error"]
    assert err.startswith(f"error: {base}/a: robots.txt unreachable (HTTP 503")


def test_sitemap_index_with_gzipped_sitemap_and_limit() -> None:
    def sitemap(paths: list[str], *, gz: bool = False) -> Handler:
        def handle(ex: Exchange) -> None:
            host = f"http://{ex.request.header('host')}"
            urls = "".join(f"<url><loc>{host}{p}</loc></url>" for p in paths)
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            if gz:
                respond(
                    gzip.compress(body.encode()), headers=(("Content-Type", "application/gzip"),)
                )(ex)
            else:
                respond(body.encode(), headers=XML)(ex)

        return handle

    def index(ex: Exchange) -> None:
        host = f"http://{ex.request.header('host')}"
        body = (
            f"<sitemapindex><sitemap><loc>{host}/news.xml.gz</loc></sitemap>"
            f"<sitemap><loc>{host}/more.xml</loc></sitemap></sitemapindex>"
        )
        respond(body.encode(), headers=XML)(ex)

    routes = {
        "/sitemap.xml": index,
        "/news.xml.gz": sitemap(["/a0", "/a1"], gz=True),
        "/more.xml": sitemap(["/a2"]),
        "/a0": respond(ARTICLE),
        "/a1": respond(ARTICLE),
        "/a2": respond(ARTICLE),
    }
    with serve(routes) as base:
        code, out, err = invoke(f"{base}/sitemap.xml", "-f", "json", "--limit", "2", *FAST)
        unlimited = invoke(f"{base}/sitemap.xml", "-f", "jsonl", *FAST)[1]
    records = json.loads(out)
    assert code == 0, err
    assert isinstance(records, list) and len(records) == 2
    assert all(r["title"] == TITLE for r in records)
    assert "listed: " in err and "2 sitemaps" in err
    assert "scrape: 2 done, 0 failed, 0 skipped" in err
    assert sorted(json.loads(line)["url"] for line in unlimited.splitlines()) == [
        f"{base}/a0",
        f"{base}/a1",
        f"{base}/a2",
    ]


def test_feed_expands_single_page_stays_one_object() -> None:
    def feed(ex: Exchange) -> None:
        host = f"http://{ex.request.header('host')}"
        items = "".join(f"<item><link>{host}/p{i}</link></item>" for i in range(3))
        body = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
        respond(body.encode(), headers=(("Content-Type", "application/rss+xml"),))(ex)

    routes = {"/feed": feed, "/p0": respond(ARTICLE), "/p1": respond(ARTICLE)}
    routes["/p2"] = respond(b"boom", status=500)
    with serve(routes) as base:
        code, out, _ = invoke(f"{base}/feed", "-f", "json", *FAST)
        single_code, single, _ = invoke(f"{base}/p0", "-f", "json", *FAST)
    records = json.loads(out)
    assert code == 1
    assert [r["url"] for r in records] == [f"{base}/p0", f"{base}/p1", f"{base}/p2"]
    assert "500" in records[2]["error"] and "after 2 attempts" in records[2]["error"]
    assert single_code == 0 and json.loads(single)["title"] == TITLE  # an object, not a list


def test_save_html_then_clean_again_offline(tmp_path: Path) -> None:
    page = ARTICLE.decode("utf-8").encode("cp1252", "replace")
    headers = (("Content-Type", "text/html; charset=windows-1252"),)
    saved = tmp_path / "saved"
    with serve({"/news/story": respond(page, headers=headers)}) as base:
        code, online, _ = invoke(
            f"{base}/news/story", "-f", "json", "--save-html", str(saved), *FAST
        )
    files = sorted(p.name for p in saved.iterdir())
    assert code == 0 and len(files) == 2 and files[1] == files[0] + ".meta.json"
    assert (saved / files[0]).read_bytes() == page  # the raw bytes, as received
    offline_code, offline, _ = invoke(str(saved / files[0]), "-f", "json")
    assert offline_code == 0
    assert json.loads(offline)["url"] == json.loads(online)["url"] == f"{base}/news/story"
    assert json.loads(offline)["text"] == json.loads(online)["text"]


def test_cache_means_a_rerun_does_not_download(tmp_path: Path) -> None:
    hits: list[str] = []
    with serve({"/story": counting(hits, respond(ARTICLE))}) as base:
        args = (f"{base}/story", "--cache", str(tmp_path), "--ignore-robots", *FAST)
        first = invoke(*args)
        second = invoke(*args)
    assert first[0] == second[0] == 0
    assert first[1] == second[1] and TITLE not in first[1] and "Residents" in first[1]
    assert hits == ["/story"]


def test_headers_and_cookies_sent(tmp_path: Path) -> None:
    seen: list[tuple[str | None, str | None]] = []

    def record(ex: Exchange) -> None:
        seen.append((ex.request.header("x-api"), ex.request.header("cookie")))
        respond(ARTICLE)(ex)

    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc123\n"
    )
    with serve({"/story": record}) as base:
        code, _, err = invoke(
            f"{base}/story", "-H", "X-Api: k1", "--cookies", str(cookies), "--ignore-robots", *FAST
        )
    assert code == 0, err
    assert seen == [("k1", "session=abc123")]


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    assert invoke("--urls", str(tmp_path / "missing.txt"))[0] == 2
    assert invoke("http://x.example/", "--since", "yesterday")[0] == 2
    assert invoke("http://x.example/", "-H", "no colon")[0] == 2
    assert invoke("http://x.example/", "--cookies", str(tmp_path / "none.txt"))[0] == 2


def test_feeds_expand_by_content_type_whatever_the_url() -> None:
    types = [
        "application/x-rss+xml",
        "application/rss+xml; charset=utf-8",
        "application/atom+xml",
        "text/xml; charset=ISO-8859-1",
        "application/xml",
    ]

    def feed(n: int, ctype: str) -> Handler:
        def handle(ex: Exchange) -> None:
            link = f"http://{ex.request.header('host')}/p{n}"
            body = f'<rss version="2.0"><channel><item><link>{link}</link></item></channel></rss>'
            respond(body.encode(), headers=(("Content-Type", ctype),))(ex)

        return handle

    routes = {f"/news/feed{n}": feed(n, ctype) for n, ctype in enumerate(types)}
    routes |= {f"/p{n}": respond(ARTICLE) for n in range(len(types))}
    with serve(routes) as base:
        feeds = [f"{base}/news/feed{n}" for n in range(len(types))]
        code, out, err = invoke(*feeds, "-f", "jsonl", "--ignore-robots", *FAST)
    assert code == 0, err
    assert [json.loads(line)["url"] for line in out.splitlines()] == [
        f"{base}/p{n}" for n in range(len(types))
    ]
    assert err.count("listed: ") == len(types)
