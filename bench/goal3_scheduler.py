"""Goal 3: one tick with nothing due over 1,000 and 10,000 sets; the plans of its queries; and
`python -m bot tick` as a process against merely importing the libraries it loads."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, event

from bot.runtime import Runtime
from bot.scheduler.tick import run_tick

from bench.common import Results, bench_env, interleaved, ms
from bench.seed import QUIET


def time_tick(results: Results, runtimes: dict[str, Runtime], *, rounds: int, at: datetime = QUIET, repeats: int = 5) -> None:
    def contender(name: str) -> Callable[[int], None]:
        def run(_round: int) -> None:
            best = []
            for _ in range(repeats):
                started = time.perf_counter()
                summary = run_tick(runtimes[name], at)
                best.append(time.perf_counter() - started)
                if summary.counts or summary.failures:
                    results.note("3-tick", f"{name}: tick was not idle: {summary.line()}")
            best.sort()
            results.add("3-tick", "tick, nothing due (ms)", name, ms(best[len(best) // 2]))

        return run

    interleaved(rounds, {name: contender(name) for name in runtimes})


def capture_statements(engine: Engine, action: Callable[[], object]) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "EXPLAIN" not in statement.upper():
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    unique: dict[str, tuple[str, object]] = {}
    for statement, parameters in seen:
        unique.setdefault(statement, (statement, parameters))
    return list(unique.values())


def explain(engine: Engine, statements: list[tuple[str, object]]) -> list[tuple[str, str]]:
    plans = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()  # type: ignore[arg-type]
                plan = "\n".join(f"{'  ' * 0}{row[-1]}" for row in rows)
            else:
                rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()  # type: ignore[arg-type]
                plan = "\n".join(row[0] for row in rows)
            plans.append((" ".join(statement.split()), plan))
        connection.rollback()
    return plans


def tick_plans(runtime: Runtime, at: datetime = QUIET) -> list[tuple[str, str]]:
    statements = capture_statements(runtime.engine, lambda: run_tick(runtime, at))
    return explain(runtime.engine, statements)


_MODULES_SCRIPT = """
import sys, sysconfig
from bot.__main__ import main
code = main(["tick", "--at", sys.argv[1]])
purelib = sysconfig.get_paths()["purelib"]
names = sorted(name for name, module in list(sys.modules.items())
               if getattr(module, "__file__", None) and module.__file__.startswith(purelib)
               and not name.split(".")[0].startswith("_"))
print(" ".join(names))
"""


# A small launcher measures the child: a child forked straight from this (large) bench process
# would report the bench's own resident set as its max RSS.
_LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = process.communicate()
import resource
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.write(f"{time.perf_counter() - started} {usage.ru_maxrss} {process.returncode}\\n")
sys.stdout.write(out.decode())
sys.stderr.write(err.decode())
"""


def _run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, max RSS MB, stdout) of a child process."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, *argv], env=env, capture_output=True, check=False)
    first, _, out = done.stdout.decode().partition("\n")
    wall, maxrss_kb, code = first.split()
    if int(code) != 0:
        raise RuntimeError(f"{argv} failed: {done.stderr.decode()[-2000:]}")
    return float(wall), int(maxrss_kb) / 1024.0, out


def tick_process(results: Results, fake_url: str, database_url: str, *, rounds: int) -> str:
    env = bench_env(fake_url, database_url)
    at = QUIET.isoformat()
    _t, _m, out = _run_measured([sys.executable, "-c", _MODULES_SCRIPT, at], env)
    modules = out.strip().splitlines()[-1].split()
    # Every third-party module the tick process ends up with (sqlalchemy.orm, alembic.runtime...),
    # not just the top-level packages, whose __init__ loads far less.
    imports = ("import importlib\nfor name in " + repr(modules) +
               ":\n    try:\n        importlib.import_module(name)\n    except Exception:\n        pass")
    libraries = sorted({m.split(".")[0] for m in modules})

    def tick(_round: int) -> None:
        wall, rss, _ = _run_measured([sys.executable, "-m", "bot", "tick", "--at", at], env)
        results.add("3-process", "wall ms", "python -m bot tick", ms(wall))
        results.add("3-process", "max RSS MB", "python -m bot tick", rss)

    def baseline(_round: int) -> None:
        wall, rss, _ = _run_measured([sys.executable, "-c", imports], env)
        results.add("3-process", "wall ms", "import its libraries", ms(wall))
        results.add("3-process", "max RSS MB", "import its libraries", rss)

    interleaved(rounds, {"tick": tick, "baseline": baseline})
    results.note("3-process", f"baseline: a process that imports the {len(modules)} third-party modules the tick process "
                 f"loads (from {', '.join(libraries)}) and exits")
    return imports
