"""Run a command as a person does at a terminal: a pseudo-terminal on stdin and stderr
(its controlling terminal, so that typing Ctrl-C interrupts it), and on stdout either a
pipe (`scrape ... | jq`, `scrape ... > out`) or a second pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class _Reader:
    """Drains one file descriptor in a thread (a full pty buffer would block the child)."""

    fd: int
    chunks: list[bytes] = field(default_factory=list)
    thread: threading.Thread | None = None

    def start(self) -> _Reader:
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()
        return self

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the pty's last writer closed it
                return
            if not chunk:
                return
            self.chunks.append(chunk)

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", errors="replace")

    def finish(self) -> str:
        if self.thread is not None:
            self.thread.join(timeout=10)
        os.close(self.fd)
        return self.text()


@dataclass(frozen=True, slots=True)
class Ran:
    code: int
    stdout: str
    terminal: str  # what the terminal on stdin and stderr showed

    def lines(self) -> list[str]:
        """The terminal's lines as read: escape sequences and carriage returns gone."""
        erased = self.terminal.replace("\x1b[2K", "\n")  # a progress bar redrawn
        plain = _ESCAPES.sub("", erased).replace("\r", "\n")
        return [line for line in plain.split("\n") if line.strip()]


_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """A running command. `stdout_tty`: stdout is a second pseudo-terminal, else a pipe."""

    def __init__(
        self, argv: Sequence[str], *, cwd: Path, stdout_tty: bool, env: dict[str, str] | None
    ) -> None:
        term_main, term_side = pty.openpty()
        if stdout_tty:
            out_main, out_side = pty.openpty()
        else:
            out_main, out_side = os.pipe()
        environment = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", **(env or {})}
        for name in ("CI", "NO_COLOR", "FORCE_COLOR", "TERM_PROGRAM"):
            environment.pop(name, None)  # rich would treat the terminal otherwise
        self.process = subprocess.Popen(
            list(argv),
            stdin=term_side,
            stdout=out_side,
            stderr=term_side,
            cwd=cwd,
            env=environment,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(term_side)
        os.close(out_side)
        self._term_fd = term_main
        self._terminal = _Reader(term_main).start()
        self._stdout = _Reader(out_main).start()

    def type(self, keys: bytes) -> None:
        os.write(self._term_fd, keys)

    def signal(self, signum: signal.Signals) -> None:
        self.process.send_signal(signum)

    def wait_for_stdout(self, predicate: Callable[[str], bool], *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self._stdout.text()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"stdout never got there: {self._stdout.text()[-500:]!r}")
            time.sleep(0.02)

    def finish(self, *, timeout: float) -> Ran:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise
        return Ran(code=code, stdout=self._stdout.finish(), terminal=self._terminal.finish())


def _take_terminal() -> None:
    """In the child, after setsid: make stdin its controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    stdout_tty: bool = False,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> Ran:
    """Run a command to its end at a terminal (see the module's docstring)."""
    return Terminal(argv, cwd=cwd, stdout_tty=stdout_tty, env=env).finish(timeout=timeout)


def start(
    argv: Sequence[str], *, cwd: Path, stdout_tty: bool = False, env: dict[str, str] | None = None
) -> Terminal:
    return Terminal(argv, cwd=cwd, stdout_tty=stdout_tty, env=env)


def installed(command: str = "scrape") -> str:
    """A command installed beside this Python (the README's install, or `pip install -e .`)."""
    candidate = Path(sys.executable).parent / command
    found = str(candidate) if candidate.exists() else shutil.which(command)
    assert found, f"`{command}` is not installed: pip install . (or -e .) first"
    return found
