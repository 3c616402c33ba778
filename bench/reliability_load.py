"""Item 7 of issue 7: 50 concurrent signed requests (slash commands and thread replies) against the
Procfile's `web` process (gunicorn), all acknowledged within Slack's 3 seconds, no record lost.

    python -m bench.reliability_load            # SQLite in a temp dir (one machine)
    DATABASE_URL=postgresql://... python -m bench.reliability_load   # an empty PostgreSQL database

Prints the ack latencies and the record counts; the figures go into docs/RELIABILITY.md. Timing is
measured here, never asserted in the test suite.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.db import make_engine, make_session_factory, session_scope
from bot.domain.states import PresentationStatus
from bot.models import Contribution, Presentation
from bot.schema import upgrade_to_head
from tests.scenarios.presentation_helpers import CHANNEL, MEMBERS, make_set
from tests.support import slack_requests
from tests.support.fake_slack import FakeSlack
from tests.support.processes import REPO, clean_env, free_port, procfile_command, start_shell, stop, wait_until, wait_until_serving

REQUESTS = 50
ACK_DEADLINE = 3.0


class _Seeder:
    def __init__(self, fake: FakeSlack, factory) -> None:  # type: ignore[no-untyped-def]
        self.fake, self.team_id = fake, fake.team_id
        self.runtime = type("R", (), {"session_factory": factory})()


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="als-load-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'load.db'}"
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    fake = FakeSlack().start()
    try:
        now = datetime.now(UTC)
        make_set(_Seeder(fake, factory), now - timedelta(days=3))  # type: ignore[arg-type]
        port = free_port()
        env = clean_env(PORT=str(port), SLACK_BOT_TOKEN="xoxb-load", SLACK_SIGNING_SECRET=slack_requests.SIGNING_SECRET,
                        SLACK_API_URL=fake.base_url, DATABASE_URL=database_url, LOG_LEVEL="WARNING")
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        web = start_shell(procfile_command("web"), env=env, cwd=REPO)
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/healthz", web)
            url = f"http://127.0.0.1:{port}/slack/events"
            slack_requests.slash_command("present Our roadmap slips\nEvery quarter.", user_id="U1", channel_id=CHANNEL).post(url)

            def open_root() -> str | None:
                with session_scope(factory) as session:
                    return session.scalars(select(Presentation.root_ts).where(Presentation.status == PresentationStatus.OPEN)).first()

            root = wait_until("the presentation opening", open_root)
            requests = []
            for i in range(REQUESTS):
                user = MEMBERS[1 + i % 5]
                if i % 2:
                    ts = fake.add_message(CHANNEL, user=user, text=f"question {i}?", thread_ts=root)
                    requests.append(slack_requests.event({"type": "message", "channel": CHANNEL, "channel_type": "group",
                                                          "user": user, "text": f"question {i}?", "ts": ts, "thread_ts": root,
                                                          "event_ts": ts}))
                else:
                    text = ["status", "help", "away until next monday", "back", "join"][i // 2 % 5]
                    requests.append(slack_requests.slash_command(text, user_id=user, channel_id=CHANNEL,
                                                                 response_url=fake.response_url(f"cmd-{user}")))
            results: list[tuple[float, int]] = [(0.0, 0)] * REQUESTS
            barrier = threading.Barrier(REQUESTS)

            def send(i: int) -> None:
                barrier.wait()
                started = time.perf_counter()
                try:
                    status, _ = requests[i].post(url, timeout=30)
                except OSError:  # no answer at all: counted as not acknowledged
                    status = 0
                results[i] = (time.perf_counter() - started, status)

            threads = [threading.Thread(target=send, args=(i,)) for i in range(REQUESTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

            def recorded() -> int:
                with session_scope(factory) as session:
                    return int(session.scalar(select(func.count()).select_from(Contribution)) or 0)

            replies = REQUESTS // 2
            try:
                wait_until("all replies recorded", lambda: recorded() >= replies, deadline_s=30)
            except SystemExit:
                pass
        finally:
            _, web_log = stop(web)
        (workdir / "web.log").write_text(web_log)
        problems = [line for line in web_log.splitlines() if any(w in line for w in ("CRITICAL", "ERROR", "Traceback", "TIMEOUT"))]
        latencies = sorted(t for t, _ in results)
        statuses = [s for _, s in results]
        figures = {
            "database": database_url.split(":")[0],
            "requests": REQUESTS,
            "acked_200": statuses.count(200),
            "within_3s": sum(1 for t, s in results if s == 200 and t <= ACK_DEADLINE),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000),
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000),
            "max_ms": round(latencies[-1] * 1000),
            "replies_sent": replies,
            "contributions_recorded": recorded(),
            "cpus": os.cpu_count(),
            "gunicorn": "WEB_CONCURRENCY=2 x GUNICORN_THREADS=4 (Procfile defaults)",
        }
        figures["web_log_problems"] = problems[:10]
        figures["web_log"] = str(workdir / "web.log")
        figures["not_acked"] = [requests[i].json().get("text") or requests[i].json().get("event", {}).get("type")
                                for i, (_, s) in enumerate(results) if s != 200]
        print(json.dumps(figures, indent=2))
    finally:
        fake.stop()
        engine.dispose()


if __name__ == "__main__":
    main()
