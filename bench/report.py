"""Writes the figures into docs/BENCHMARKS.md between the bench markers (prose around them is kept)."""

from __future__ import annotations

import platform
import os
import re
from pathlib import Path

from bench.common import Results

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
TITLES = {
    "1-inprocess": "Goal 1a: ack latency in-process (`app.dispatch`, signed requests), ms",
    "1-http": "Goal 1b: ack latency over HTTP (gunicorn), one client, ms",
    "1-concurrency": "Goal 1c: 50 concurrent clients over HTTP (gunicorn), 2 cores",
    "1-concurrency-pg": "Goal 1c on PostgreSQL: the same 50 clients, both apps on the PostgreSQL database",
    "2-throughput": "Goal 2a: thread replies recorded per second (sequential, process_before_response=True)",
    "2-threads": "Goal 2b: 4 writer threads on SQLite (WAL): BEGIN IMMEDIATE vs deferred",
    "3-tick": "Goal 3a: one `run_tick` in-process with nothing due (median of 5 ticks per round), ms",
    "3-process": "Goal 3b: `python -m bot tick` as a process vs importing its libraries",
    "4-fanout": "Goal 4: fan-out against the rate-limited fake Slack",
    "5-memory": "Goal 5: resident memory",
}


def table(results: Results, goal: str, fmt: str = "{:.1f}") -> str:
    columns = results.columns(goal)
    lines = ["| | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for row in results.rows(goal):
        cells = []
        for column in columns:
            series = results.get(goal, row, column)
            cells.append(series.text(fmt) if series.values else "")
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        mem = next(line.split(":", 1)[1].strip() for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}), {mem} RAM, {platform.platform()}, Python {platform.python_version()}"


def render(results: Results, *, command: str, config: str, plans: dict[str, list[tuple[str, str]]]) -> str:
    out = [BEGIN, "", f"Machine: {machine()}", "", f"Command: `{command}`", "", f"Configuration: {config}", "",
           "Each cell: median of the rounds (min-max); contenders interleaved, order rotated each round.", ""]
    out += ["### Goals at a glance", "", "| goal | check | met | figures |", "|---|---|---|---|"]
    for goal, what, met, detail in results.checks:
        out.append(f"| {goal} | {what} | {'yes' if met else '**no**'} | {detail} |")
    out.append("")
    for goal, title in TITLES.items():
        if not results.rows(goal):
            continue
        out += [f"### {title}", "", table(results, goal, "{:.2f}" if goal.startswith("4") else "{:.1f}"), ""]
        for note in results.notes.get(goal, []):
            out.append(f"- {note}")
        out.append("")
    for label, rows in plans.items():
        out += [f"### Query plans of one tick: {label}", ""]
        for statement, plan in rows:
            out += ["```sql", statement[:1500], "```", "```", plan, "```", ""]
    out.append(END)
    return "\n".join(out)


def write(path: Path, body: str) -> None:
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: body, text, flags=re.S)
    path.write_text(text)
