"""The `scrape` command: parses options, runs the library, reports.

All logic lives in the `scraper` package; this file only turns options into a
Settings/RunOptions pair, prints results to stdout and progress to stderr.
Installed, it ships as `scraper._cli` (see pyproject.toml).
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

import scraper
from scraper import batch, fetch, output, rules, sources
from scraper.errors import RuleShadowError, ScraperError
from scraper.rules import tools as ruletools
from scraper.settings import DEFAULT_USER_AGENT, DiscoverSettings, FetchSettings, Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM
FETCH = FetchSettings()  # the defaults shown in --help


class Engine(StrEnum):
    local = "local"
    dask = "dask"


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    jsonl = "jsonl"


class Stopped(BaseException):
    """Ctrl-C or SIGTERM during a run; `code` is the exit code (130 or 143)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass(slots=True)
class _Signals:
    """Ctrl-C and SIGTERM stop a run at once (even while it waits on a worker or a
    fetch), but never in the middle of reporting one outcome: its line, its count and
    its record go out together, and the summary agrees with the lines."""

    busy: bool = False
    pending: int | None = None  # the exit code of a signal that came while busy

    def handle(self, signum: int, frame: object) -> None:
        code = EXIT_INTERRUPTED if signum == signal.SIGINT else EXIT_TERMINATED
        if not self.busy:
            raise Stopped(code)
        self.pending = self.pending or code

    @contextmanager
    def installed(self) -> Iterator[_Signals]:
        kinds = (signal.SIGINT, signal.SIGTERM)
        previous = {kind: signal.signal(kind, self.handle) for kind in kinds}
        try:
            yield self
        finally:
            for kind, handler in previous.items():
                signal.signal(kind, handler)

    @contextmanager
    def reporting(self) -> Iterator[None]:
        self.busy = True
        try:
            yield
        finally:
            self.busy = False
        if self.pending is not None:
            raise Stopped(self.pending)


# Help panels, in the order `scrape -h` shows them.
INPUT, OUTPUT, FETCHING, BATCH, RULES = "Input", "Output", "Fetching", "Batch", "Rules"

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="The clean text and metadata of news articles.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"scrape {scraper.__version__}")
        raise typer.Exit(EXIT_OK)


@app.command()
def scrape(
    arguments: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="SOURCE",
            help="URLs (a sitemap or RSS/Atom feed expands to its articles), saved pages "
            "(.html, .txt, optionally .gz), directories, globs ('pages/**/*.html'), WARC "
            "files (.warc, .warc.gz), or - for stdin.",
            show_default=False,
        ),
    ] = None,
    urls: Annotated[
        list[str] | None,
        typer.Option(
            "--urls",
            help="A file of URLs, one per line (- for stdin; # comments). Repeatable.",
            rich_help_panel=INPUT,
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            help="Original address of a single saved page or of stdin.", rich_help_panel=INPUT
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Sitemaps and feeds: only entries dated on or after this ISO date.",
            rich_help_panel=INPUT,
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Sitemaps and feeds: at most this many articles each, newest first.",
            rich_help_panel=INPUT,
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", "-f", help="Output format.", rich_help_panel=OUTPUT),
    ] = Format.text,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write files into this directory instead of stdout.",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite existing outputs.", rich_help_panel=OUTPUT)
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No progress or summary.", rich_help_panel=OUTPUT),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="One line per source on stderr.", rich_help_panel=OUTPUT
        ),
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(min=0.1, help="Total seconds per request attempt.", rich_help_panel=FETCHING),
    ] = FETCH.timeout,
    max_bytes: Annotated[
        int,
        typer.Option(
            min=1024, help="Body cap in bytes, after decompression.", rich_help_panel=FETCHING
        ),
    ] = FETCH.max_bytes,
    concurrency: Annotated[
        int,
        typer.Option(
            min=1, help="Requests in flight, all hosts together.", rich_help_panel=FETCHING
        ),
    ] = FETCH.concurrency,
    per_host: Annotated[
        int,
        typer.Option(min=1, help="Requests in flight to one host.", rich_help_panel=FETCHING),
    ] = FETCH.per_host,
    delay: Annotated[
        float,
        typer.Option(
            min=0.0, help="Seconds between request starts to one host.", rich_help_panel=FETCHING
        ),
    ] = FETCH.delay,
    retries: Annotated[
        int,
        typer.Option(
            min=0,
            help="Retries on connect errors, timeouts, 408, 429, 5xx.",
            rich_help_panel=FETCHING,
        ),
    ] = FETCH.retries,
    ignore_robots: Annotated[
        bool,
        typer.Option(
            "--ignore-robots", help="Fetch what robots.txt disallows.", rich_help_panel=FETCHING
        ),
    ] = False,
    user_agent: Annotated[
        str, typer.Option(help="User-Agent header.", rich_help_panel=FETCHING)
    ] = DEFAULT_USER_AGENT,
    header: Annotated[
        list[str] | None,
        typer.Option(
            "--header",
            "-H",
            help="An extra request header, 'Name: value'. Repeatable.",
            rich_help_panel=FETCHING,
        ),
    ] = None,
    cookies: Annotated[
        Path | None,
        typer.Option(
            help="Send cookies from this Netscape cookies.txt file.", rich_help_panel=FETCHING
        ),
    ] = None,
    save_html: Annotated[
        Path | None,
        typer.Option(
            help="Keep each fetched page, with its URL and headers, in this directory.",
            rich_help_panel=FETCHING,
        ),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(
            help="Reuse pages fetched by earlier runs from this directory (and add to it).",
            rich_help_panel=FETCHING,
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes cleaning pages.",
            show_default="all cores",
            rich_help_panel=BATCH,
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            help=escape(
                "local: worker processes here; dask: a Dask cluster "
                "(needs Dask: pip install 'dask[distributed]')."
            ),
            rich_help_panel=BATCH,
        ),
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="--engine dask: a scheduler's address (else a local cluster starts).",
            rich_help_panel=BATCH,
        ),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            min=0.1,
            help="Seconds one page may take from its bytes to its article before it is "
            "failed (every mode; a worker past it is also killed).",
            rich_help_panel=BATCH,
        ),
    ] = batch.DEFAULT_TIME_LIMIT,
    rules_dirs: Annotated[
        list[Path] | None,
        typer.Option(
            "--rules",
            help="A directory of your own site rules (repeatable); they take precedence "
            "over ~/.config/scrape/rules and the shipped rules.",
            rich_help_panel=RULES,
        ),
    ] = None,
    no_rules: Annotated[
        bool,
        typer.Option("--no-rules", help="Use no site rules.", rich_help_panel=RULES),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Extract the article text (and metadata) of each SOURCE."""
    args = arguments or []
    _check_arguments(args, urls=urls, url=url, engine=engine, scheduler=scheduler)
    err = _stderr()
    with _usage_errors(err):
        settings = Settings(
            fetch=FetchSettings(
                timeout=timeout,
                user_agent=user_agent,
                max_bytes=max_bytes,
                headers=_headers(header or []),
                cookies_file=cookies,
                concurrency=concurrency,
                per_host=per_host,
                delay=delay,
                retries=retries,
                robots=not ignore_robots,
                save_html=save_html,
                cache=cache,
            ),
            discover=DiscoverSettings(since=since, limit=limit),
            time_limit=time_limit,
            rules=rules.load_user_rules(rules_dirs or [], enabled=not no_rules),
        )
        options = batch.RunOptions(
            fmt=fmt.value,
            output_dir=output_dir,
            force=force,
            jobs=jobs or os.cpu_count() or 1,
            engine=engine.value,
            scheduler=scheduler,
            time_limit=time_limit,
        )
        _check_run(settings, options)
        listed = [sources.url_list(u, stdin=sys.stdin.buffer) for u in urls or []]
    expanded = sources.expand(args, url=url, max_bytes=settings.max_input_bytes)
    view = _View(
        several=_several(args, urls=bool(urls)),
        count=None if urls else args,
        verbose=verbose,
        quiet=quiet,
    )
    tally = _run(itertools.chain(expanded, *listed), settings=settings, options=options, view=view)
    raise typer.Exit(tally.exit_code())


def _stderr() -> Console:
    """The console for progress, errors and the summary: names printed literally (no
    markup, no emoji codes, no highlighting)."""
    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)


def _check_arguments(
    args: list[str],
    *,
    urls: list[str] | None,
    url: str | None,
    engine: Engine,
    scheduler: str | None,
) -> None:
    if not args and not urls:
        raise typer.BadParameter("give a SOURCE or --urls FILE", param_hint="SOURCES")
    if url is not None and (len(args) != 1 or urls or Path(args[0]).is_dir()):
        raise typer.BadParameter("--url goes with a single saved page or stdin", param_hint="--url")
    if scheduler is not None and engine is not Engine.dask:
        raise typer.BadParameter("goes with --engine dask", param_hint="--scheduler")


@contextmanager
def _usage_errors(err: Console) -> Iterator[None]:
    """A ScraperError while reading the options is a usage error: one line, exit 2."""
    try:
        yield
    except ScraperError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None


def _check_run(settings: Settings, options: batch.RunOptions) -> None:
    """What must hold before any work: since parses, the cookies file reads, the engine
    can start, the output directory exists (created now) and is writable."""
    sources.parse_since(settings.discover.since)
    fetch.load_cookies(settings.fetch.cookies_file)
    batch.check_engine(options.engine)
    if options.output_dir is not None:
        output.ensure_directory(options.output_dir)


def _several(args: list[str], *, urls: bool) -> bool | None:
    """Whether the run gives several results; None when one URL may be a sitemap or feed
    (its JSON is a list only if it gives several)."""
    if urls or len(args) > 1 or any(map(sources.gives_many, args)):
        return True
    return None if any(arg.startswith(sources.URL_PREFIXES) for arg in args) else False


def _headers(values: list[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise typer.BadParameter(f"not 'Name: value': {value!r}", param_hint="--header")
        pairs.append((name.strip(), content.strip()))
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class _View:
    """What the user asked to see of a run, besides the records."""

    several: bool | None  # see _several
    count: list[str] | None  # the arguments to count for the progress bar's total
    verbose: bool
    quiet: bool


@dataclass(slots=True)
class _Tally:
    """What a run came to: counts by status, and by reason within failed and skipped."""

    counts: Counter[str] = field(default_factory=lambda: Counter(done=0, failed=0, skipped=0))
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0
    sources: int = 0
    interrupted: int | None = None  # the exit code of an interrupted run

    def add(self, outcome: batch.Outcome) -> None:
        self.sources += 1
        self.counts[outcome.status] += 1
        if outcome.status in ("failed", "skipped"):
            self.reasons[outcome.status, outcome.reason or "other"] += 1

    def exit_code(self) -> int:
        if self.interrupted is not None:
            return self.interrupted
        return EXIT_FAILED if self.counts["failed"] else EXIT_OK


def _run(
    inputs: Iterator[sources.Input],
    *,
    settings: Settings,
    options: batch.RunOptions,
    view: _View,
) -> _Tally:
    """Run the batch: records to stdout, one line per problem (and per source with -v)
    to stderr, a progress bar while a terminal shows it, then the summary."""
    err = _stderr()
    to_files = options.output_dir is not None
    # stdout is taken before the progress display starts and is never redirected by it.
    printer = _Printer(sys.stdout, fmt=options.fmt, as_list=view.several, to_files=to_files)
    outcomes = batch.run(inputs, settings=settings, options=options, stdin=sys.stdin.buffer)
    bar = _shows_progress(view, err=err, to_files=to_files)
    tally = _Tally()
    with _progress(err, enabled=bar, count=view.count) as advance:

        def report(outcome: batch.Outcome) -> None:
            tally.add(outcome)
            advance()
            _say(outcome, err=err, verbose=view.verbose)
            printer.emit(outcome)

        tally.interrupted = _consume(outcomes, report)
    tally.seconds = time.monotonic() - tally.started
    printer.close()
    _summarise(tally, view=view, err=err, table=bar)
    return tally


def _consume(outcomes: Generator[batch.Outcome, None, None], report: _Report) -> int | None:
    """Report every outcome; on Ctrl-C or SIGTERM stop the run (its workers, its fetches)
    and return the exit code for it."""
    with _Signals().installed() as signals:
        try:
            for outcome in outcomes:
                with signals.reporting():
                    report(outcome)
        except Stopped as stop:
            return stop.code
        finally:
            outcomes.close()
    return None


_Report = Callable[[batch.Outcome], None]


def _shows_progress(view: _View, *, err: Console, to_files: bool) -> bool:
    """A bar on stderr while it is a terminal, for runs of several sources; not when the
    records themselves scroll by on a terminal (as curl does)."""
    if view.quiet or view.several is False or not err.is_terminal:
        return False
    return to_files or not sys.stdout.isatty()


def _say(outcome: batch.Outcome, *, err: Console, verbose: bool) -> None:
    """One line on stderr, naming the source: every failure, skips worth a line, and
    with -v every source."""
    status = outcome.status
    if status == "failed":
        err.print(f"error: {_about(outcome)}")
    elif status == "skipped" and (verbose or outcome.reason not in _QUIET_SKIPS):
        err.print(f"skipped: {_about(outcome)}")
    elif status == "listed":
        err.print(f"listed: {outcome.source.location}: {outcome.error}")
    elif verbose:
        err.print(f"{status}: {outcome.source.location}")


def _about(outcome: batch.Outcome) -> str:
    """The outcome's message, starting with its source's name."""
    where = outcome.source.location
    message = outcome.error or outcome.status
    return message if message.startswith(where) else f"{where}: {message}"


# Skips not worth a line each (the summary counts them): resumed sources, and the
# WARC records that are no page (a crawl's images, redirects, errors).
_QUIET_SKIPS = frozenset({batch.ALREADY_DONE, "not HTML"}) | {f"HTTP {n}" for n in range(100, 600)}


def _summarise(tally: _Tally, *, view: _View, err: Console, table: bool) -> None:
    """The closing lines on stderr: for runs of several sources (a directory, a glob, a
    WARC, a list, a feed), -v, or an interrupted run; a single source prints nothing
    more than its error, if any."""
    several = view.several is True or tally.sources > 1
    if tally.interrupted is not None:
        err.print("scrape: interrupted")
    elif view.quiet or not (several or view.verbose):
        return
    if table and tally.sources > 1:
        err.print(_summary_table(tally))
    counts = tally.counts
    err.print(
        f"scrape: {counts['done']} done, {counts['failed']} failed, {counts['skipped']} skipped"
    )


def _summary_table(tally: _Tally) -> Table:
    table = Table(title="scrape", title_justify="left", show_header=False, box=None)
    table.add_column(justify="left")
    table.add_column(justify="right")
    counts = tally.counts
    table.add_row("done", str(counts["done"]))
    for status in ("failed", "skipped"):
        table.add_row(status, str(counts[status]))
        for (kind, reason), n in sorted(tally.reasons.items()):
            if kind == status:
                table.add_row(f"  {reason}", str(n))
    processed = counts["done"] + counts["failed"]
    rate = processed / tally.seconds if tally.seconds > 0 else 0.0
    table.add_row("pages/s", f"{rate:.1f}")
    table.add_row("seconds", f"{tally.seconds:.1f}")
    return table


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} pages/s" if speed else "- pages/s")


@contextmanager
def _progress(
    err: Console, *, enabled: bool, count: list[str] | None
) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr (a terminal only) with rate and ETA; the total comes from
    counting the inputs in a background thread, while the run goes on. It never
    redirects stdout or stderr: records go to the real stdout, whatever it is."""
    if not enabled:
        yield lambda: None
        return
    columns = (
        TextColumn("scrape"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    progress = Progress(
        *columns, console=err, transient=True, redirect_stdout=False, redirect_stderr=False
    )
    with progress:
        task = progress.add_task("scrape", total=None)
        if count is not None:
            args = count

            def total() -> None:
                progress.update(task, total=sources.count(args))

            threading.Thread(target=total, daemon=True, name="scrape-count").start()
        yield lambda: progress.advance(task)


class _Printer:
    """Writes results to stdout in the chosen format, as they arrive. `as_list` None:
    one JSON object if only one result comes, else a list (a URL that was a feed)."""

    def __init__(self, out: TextIO, *, fmt: str, as_list: bool | None, to_files: bool) -> None:
        self.out, self.fmt, self.as_list, self.to_files = out, fmt, as_list, to_files
        self.count = 0
        self._held: dict[str, object] | None = None  # the first record, while as_list is None

    def emit(self, outcome: batch.Outcome) -> None:
        quiet = outcome.status == "skipped" and outcome.reason in _QUIET_SKIPS
        if self.to_files or quiet or outcome.status == "listed":
            return
        if self.fmt in ("json", "jsonl"):
            self._emit_json(outcome.record())
        elif outcome.article is not None:
            render = output.render_markdown if self.fmt == "markdown" else output.render_text
            self._write(("\n" if self.count else "") + render(outcome.article) + "\n")
            self.count += 1

    def _emit_json(self, record: dict[str, object]) -> None:
        if self.fmt == "jsonl":
            self._write(output.render_json(record, indent=None) + "\n")
        elif self.as_list is None and self._held is None:
            self._held = record
            return
        elif self.as_list is None and self._held is not None:
            self.as_list = True
            held, self._held = self._held, None
            self._emit_json(held)
            self._emit_json(record)
            return
        elif self.as_list:
            body = output.render_json(record)
            self._write(("[\n" if self.count == 0 else ",\n") + body)
        else:
            self._write(output.render_json(record) + "\n")
        self.count += 1

    def close(self) -> None:
        if self._held is not None:
            self._write(output.render_json(self._held) + "\n")
        elif not self.to_files and self.fmt == "json" and self.as_list is not False:
            self._write("\n]\n" if self.count else "[]\n")

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()


rules_app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Tools for site-rule authors: list, validate, test and scaffold rules.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
RulesDirs = Annotated[
    list[Path] | None, typer.Option("--rules", help="Also your rules in this directory.")
]


def _ruleset(dirs: list[Path] | None, err: Console) -> rules.RuleSet:
    try:
        return rules.load_user_rules(dirs or [])
    except ScraperError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_FAILED) from None


@rules_app.command("list")
def rules_list(rules_dirs: RulesDirs = None) -> None:
    """List the rules in use, with their domains and files."""
    for rule in _ruleset(rules_dirs, _stderr()).rules:
        domains = ", ".join(rule.domains) or "(text signatures only)"
        typer.echo(f"{rule.name}\t{rule.path}\t{domains}")


@rules_app.command("validate")
def rules_validate(
    paths: Annotated[list[Path], typer.Argument(help="Rule files or directories of them.")],
) -> None:
    """Check rule files against the rule vocabulary: "ok: FILE", or one line per problem."""
    err = _stderr()
    files = [f for p in paths for f in (sorted(p.glob("*.toml")) if p.is_dir() else [p])]
    checks = [rules.check_rule(file) for file in files]
    for check in checks:
        if not check.problems:
            err.print(f"ok: {check.path}")
        for problem in check.problems:
            err.print(f"error: {problem}")
    failed = any(check.problems for check in checks)
    raise typer.Exit(EXIT_FAILED if failed or not files else EXIT_OK)


@rules_app.command("test")
def rules_test(
    names: Annotated[list[str] | None, typer.Argument(help="Rule names (default: all).")] = None,
    rules_dirs: RulesDirs = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Accept the current output as the expected one of the named rules' "
            "failing fixtures (after showing the diff). Needs NAME.",
        ),
    ] = False,
) -> None:
    """Run rules on their fixture pages; show the diff against the expected output."""
    err = _stderr()
    if update and not names:
        err.print("error: --update needs the NAME of each rule to update")
        raise typer.Exit(EXIT_USAGE)
    chosen = _chosen(names, rules_dirs, err)
    failed = False
    for result in (ruletools.check_fixture(r, f) for r in chosen for f in r.fixtures):
        _print_fixture_result(result, err)
        if not result.ok:
            failed |= not (update and _accept(result, err))
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


def _chosen(
    names: list[str] | None, rules_dirs: list[Path] | None, err: Console
) -> list[rules.Rule]:
    """The named rules in use (all when no name is given); exit 2 naming any unknown."""
    chosen = [r for r in _ruleset(rules_dirs, err).rules if not names or r.name in names]
    if names and len(chosen) != len(set(names)):
        unknown = sorted(set(names) - {r.name for r in chosen})
        err.print(f"error: no rule named {unknown}")
        raise typer.Exit(EXIT_USAGE)
    return chosen


@rules_app.command("check")
def rules_check(
    names: Annotated[list[str] | None, typer.Argument(help="Rule names (default: all).")] = None,
    rules_dirs: RulesDirs = None,
) -> None:
    """Does each rule earn its place? Its fixtures' F1 without and with it, and its
    selectors that match nothing on any fixture page; exit 1 if any rule adds nothing
    (or makes a fixture worse) or has such a selector."""
    err = _stderr()
    failed = False
    for rule in _chosen(names, rules_dirs, err):
        try:
            health = ruletools.rule_health(rule)
        except ScraperError as exc:
            err.print(f"ERROR {rule.name}: {exc}")
            failed = True
            continue
        _print_health(health, err)
        failed |= not health.ok
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


def _print_health(health: ruletools.RuleHealth, err: Console) -> None:
    dead = f", {len(health.dead)} dead selector(s)" if health.dead else ""
    status = "OK" if health.ok else "FAIL"
    err.print(f"{status} {health.rule}: {health.verdict}{dead}")
    for line in ruletools.health_lines(health):
        err.print(f"  {line}")


def _print_fixture_result(result: ruletools.FixtureResult, err: Console) -> None:
    status = "PASS" if result.ok else "FAIL"
    line = f"{status} {result.rule} {result.fixture.page.name}"
    err.print(f"{line}  P {result.precision:.3f} R {result.recall:.3f}")
    for problem in result.problems:
        err.print(f"  {problem}")
    if not result.ok and result.diff:
        err.print(result.diff)


def _accept(result: ruletools.FixtureResult, err: Console) -> bool:
    """Write the fixture's new expected output; False (the error shown) if it cannot."""
    try:
        path = ruletools.accept(result)
    except ScraperError as exc:
        err.print(f"  error: {exc}")
        return False
    err.print(f"  updated {path}")
    return True


@rules_app.command("new")
def rules_new(
    name: Annotated[str, typer.Argument(help="The new rule's name, e.g. example-news.")],
    page: Annotated[Path, typer.Option(help="A saved page of the site (.html, .txt).")],
    url: Annotated[str, typer.Option(help="The page's original URL.")],
    rules_dir: Annotated[Path, typer.Option(help="Where to write the rule.")] = Path("rules"),
    fixtures_dir: Annotated[Path, typer.Option(help="Where to copy the page.")] = Path(
        "fixtures/rules"
    ),
    shadow: Annotated[
        bool,
        typer.Option(
            "--shadow",
            help="Write it even if a rule in use (shipped, yours or in --rules-dir) has "
            "this name or handles the URL's site.",
        ),
    ] = False,
) -> None:
    """Scaffold a rule, its fixture and expected output (as extracted now); never overwrites."""
    err = _stderr()
    in_use = _ruleset([rules_dir] if rules_dir.is_dir() else None, err)
    try:
        new = ruletools.NewRule(
            name=name, page=page, url=url, rules_dir=rules_dir, fixtures_dir=fixtures_dir
        )
        paths = ruletools.scaffold(new, in_use=in_use, shadow=shadow)
    except RuleShadowError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except (ScraperError, OSError) as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    for path in paths:
        err.print(f"wrote {path}")


def rules_main() -> None:
    """Console-script entry point of `scrape-rules`."""
    rules_app()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # before the run started
        print("scrape: interrupted", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    except Stopped as stop:  # a second Ctrl-C or SIGTERM while the run was stopping
        print("scrape: interrupted", file=sys.stderr)
        sys.exit(stop.code)


if __name__ == "__main__":
    main()
