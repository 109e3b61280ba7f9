"""Fetching benchmark (a script, not a test).

A local server (its own process) answers each request after 50-200 ms with a real
article page; `scrape`'s batch runner fetches and extracts N URLs from it, and a bare
httpx.AsyncClient loop with the same concurrency fetches the same URLs as the ceiling.
Each side runs in its own process so that its peak memory (max RSS) is its own.

    .venv/bin/python benchmarks/fetch_bench.py [--urls 1000] [--concurrency 32]

Politeness is set to what one local host allows (per-host limit = concurrency, no
delay); robots.txt is on (one request, a 404).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "fixtures" / "pages" / "article.html"


async def _serve(port_file: Path, seed: int) -> None:
    body = PAGE.read_bytes()
    rng = random.Random(seed)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1]
                await asyncio.sleep(rng.uniform(0.05, 0.2))
                if path == b"/robots.txt":
                    status, data = b"404 Not Found", b"none"
                else:
                    status, data = b"200 OK", body
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html; charset=utf-8\r\n"
                    b"Content-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port_file.write_text(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


def _bare(urls: list[str], concurrency: int) -> int:
    import httpx

    async def run() -> int:
        limits = httpx.Limits(max_connections=concurrency)
        gate = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:

            async def one(url: str) -> int:
                async with gate:
                    response = await client.get(url)
                    return int(response.status_code == 200 and bool(response.content))

            return sum(await asyncio.gather(*(one(u) for u in urls)))

    return asyncio.run(run())


def _scrape(urls: list[str], concurrency: int) -> int:
    sys.path.insert(0, str(ROOT))
    from scraper import batch
    from scraper.model import Source
    from scraper.settings import FetchSettings, Settings

    fetch = FetchSettings(concurrency=concurrency, per_host=concurrency, delay=0.0)
    sources = (Source(kind="url", location=u, name=u, url=u) for u in urls)
    outcomes = batch.run(sources, settings=Settings(fetch=fetch), options=batch.RunOptions())
    return sum(o.status == "done" for o in outcomes)


def _child(side: str, port: int, count: int, concurrency: int) -> None:
    urls = [f"http://127.0.0.1:{port}/news/{i}" for i in range(count)]
    start = time.perf_counter()
    done = (_bare if side == "bare" else _scrape)(urls, concurrency)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"side": side, "done": done, "seconds": seconds, "peak_mb": peak_mb}))


def _run_side(side: str, port: int, args: argparse.Namespace) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", side, "--port", str(port)]
    command += ["--urls", str(args.urls), "--concurrency", str(args.concurrency)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--child", choices=("bare", "scrape", "server"))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", type=Path)
    args = parser.parse_args()
    if args.child == "server":
        asyncio.run(_serve(args.port_file, seed=1))
        return
    if args.child:
        _child(args.child, args.port, args.urls, args.concurrency)
        return
    _compare(args)


def _compare(args: argparse.Namespace) -> None:
    port_file = Path(f"/tmp/fetch_bench_port.{time.time_ns()}")
    server = subprocess.Popen(
        [sys.executable, __file__, "--child", "server", "--port-file", str(port_file)]
    )
    try:
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)
        port = int(port_file.read_text())
        bare = _run_side("bare", port, args)
        scrape = _run_side("scrape", port, args)
    finally:
        server.terminate()
        server.wait()
        port_file.unlink(missing_ok=True)
    print(f"{args.urls} URLs, concurrency {args.concurrency}, server delay 50-200 ms")
    print(f"{'':28}{'pages/s':>9}{'done':>7}{'seconds':>9}{'peak MB':>9}")
    for name, r in (("bare httpx.AsyncClient loop", bare), ("scrape fetch+extract", scrape)):
        rate = r["done"] / r["seconds"]
        print(f"{name:28}{rate:9.1f}{r['done']:7.0f}{r['seconds']:9.2f}{r['peak_mb']:9.1f}")
    ratio = (scrape["done"] / scrape["seconds"]) / (bare["done"] / bare["seconds"])
    print(f"scrape / ceiling: {ratio:.2f}")


if __name__ == "__main__":
    main()
