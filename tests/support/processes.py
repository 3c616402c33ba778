"""Helpers for tests that run the bot as separate processes (gunicorn, Socket Mode, release)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[2]

# Proxies must never see local traffic; the Socket Mode client even ignores NO_PROXY (see README).
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


T = TypeVar("T")


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without Slack/database settings or proxies, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_URL", "ALS_", "LOG_")) and k not in _PROXY_VARIABLES
    }
    env.update({"PYTHONPATH": str(REPO), "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def procfile_command(kind: str) -> str:
    """The shell command of one Procfile process type (`web`, `clock`, `release`)."""
    for line in (REPO / "Procfile").read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() == kind:
            return command.strip()
    raise AssertionError(f"Procfile has no {kind!r} process")


def start_shell(command: str, *, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """Run a Procfile command the way Heroku does (a shell), in its own process group."""
    return subprocess.Popen(
        ["bash", "-c", command], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGTERM the process group we started (gunicorn's workers too); returns (stdout, stderr)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate()


def wait_until_serving(url: str, process: subprocess.Popen[str], deadline_s: float = 30.0) -> None:
    """Poll `url` until it answers (readiness, not a timing assertion)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"process exited with {process.returncode}:\n{out}\n{err}")
        try:
            opener.open(url, timeout=5).close()
            return
        except OSError:  # refused while booting, or a read timeout on a busy machine (URLError is an OSError)
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {deadline_s} s")


def wait_until(what: str, check: Callable[[], T | None], deadline_s: float = 60.0) -> T:
    """Poll until `check()` is truthy and return its value (readiness, not a timing assertion)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} never happened within {deadline_s} s")
