"""The import directions of the architecture card, kept true by walking bot/ with ast.

domain: standard library only. services: never Slack SDKs, never the Slack layer, never the
scheduler. Only the app factory imports listeners; only the scheduler runner imports APScheduler.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((BOT / folder).rglob("*.py"))


def test_domain_imports_only_the_standard_library() -> None:
    for path in modules("domain"):
        for name in imports_of(path):
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or name.startswith("bot.domain") or top == "__future__", f"{path.name} imports {name}"


def test_services_never_touch_slack_or_the_scheduler() -> None:
    for path in modules("services"):
        for name in imports_of(path):
            assert not name.startswith(("slack_bolt", "slack_sdk", "bot.slack", "bot.scheduler", "apscheduler")), f"{path.name} imports {name}"


def test_only_the_app_factory_imports_listeners() -> None:
    for path in BOT.rglob("*.py"):
        if path.parent.name == "listeners" or path == BOT / "slack" / "app.py":
            continue
        for name in imports_of(path):
            assert not name.startswith("bot.slack.listeners"), f"{path.relative_to(BOT)} imports {name}"


def test_only_the_scheduler_runner_imports_apscheduler() -> None:
    for path in BOT.rglob("*.py"):
        if path == BOT / "scheduler" / "runner.py":
            continue
        assert not any(n.startswith("apscheduler") for n in imports_of(path)), f"{path.relative_to(BOT)} imports APScheduler"


def test_only_one_module_reads_the_clock() -> None:
    for path in BOT.rglob("*.py"):
        if path == BOT / "clock.py":
            continue
        source = path.read_text()
        assert "datetime.now(" not in source and "datetime.utcnow(" not in source, f"{path.relative_to(BOT)} reads the clock"
