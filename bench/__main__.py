"""`python -m bench`: build the floors, seed, measure all five goals side by side, write docs/BENCHMARKS.md.

    python -m bench                      # the full run (13-17 minutes on 2 cores)
    python -m bench --quick              # tiny sizes, 1 round: checks the bench itself (the smoke test)
    python -m bench --goals 3,4          # some goals only
    python -m bench --pg none            # skip PostgreSQL

PostgreSQL: `--pg postgresql://postgres@127.0.0.1:5432` (default); the bench creates its own
database `als_bench` there and drops it afterwards. Never the `test` database.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.db import make_engine
from bench import report
from bench.common import REPO, Results, quiet_logs, runtime_for, sqlite_url, start_fake, start_fake_process
from bench.seed import seed


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny sizes and one round (smoke test)")
    p.add_argument("--goals", default="1,2,3,4,5")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--sets", type=int, default=1000)
    p.add_argument("--big-sets", type=int, default=10000)
    p.add_argument("--per-kind", type=int, default=100, help="in-process requests per kind per round")
    p.add_argument("--http-per-kind", type=int, default=40)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--per-client", type=int, default=10)
    p.add_argument("--replies", type=int, default=300)
    p.add_argument("--fanout", type=int, default=1000, help="members DMed and channels prompted")
    p.add_argument("--scale", type=float, default=60.0, help="rate-limit windows divided by this")
    p.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    p.add_argument("--out", default=str(REPO / "docs" / "BENCHMARKS.md"), help="'-' for stdout only")
    p.add_argument("--workdir", default=None)
    args = p.parse_args(argv)
    if args.quick:
        args.rounds, args.sets, args.big_sets, args.per_kind, args.http_per_kind = 1, 12, 24, 3, 2
        args.clients, args.per_client, args.replies, args.fanout, args.scale = 4, 2, 8, 12, 60.0
    return args


def _sqlite(path: Path, sets: int, dm_members: int):  # type: ignore[no-untyped-def]
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    engine = make_engine(sqlite_url(path))
    seeded = seed(engine, sets=sets, dm_members=dm_members)
    raw = engine.raw_connection()  # outside SQLAlchemy's BEGIN IMMEDIATE (bot/db.py)
    try:
        raw.driver_connection.execute("ANALYZE")  # type: ignore[union-attr]
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    finally:
        raw.close()
    return engine, seeded


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    quiet_logs()
    goals = set(args.goals.split(","))
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="als-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = Results()
    plans: dict[str, list[tuple[str, str]]] = {}
    log = lambda message: print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: E731

    log(f"seeding {args.sets} sets (SQLite) in {workdir}")
    db = workdir / "bench.db"
    engine, seeded = _sqlite(db, args.sets, args.fanout)
    pristine = workdir / "pristine.db"
    shutil.copyfile(db, pristine)
    fake = start_fake(seeded.users(), seeded.channels())
    from bench.goal1_ack import Env

    env = Env(fake=fake, engine=engine, database_url=sqlite_url(db), sets=args.sets,
              presentation_ids=seeded.open_presentation_ids)
    pg_admin = pg_url = None
    if args.pg != "none" and (goals & {"1", "2", "3"}):
        pg_admin = create_engine(args.pg.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                                 isolation_level="AUTOCOMMIT")
        with pg_admin.connect() as c:
            c.execute(text("DROP DATABASE IF EXISTS als_bench"))
            c.execute(text("CREATE DATABASE als_bench"))
        pg_url = args.pg.replace("postgresql://", "postgresql+psycopg://", 1) + "/als_bench"
    clock = None
    try:
        if "5" in goals:
            from bench.goal5_memory import start_clock

            clock = start_clock(env)
        if "1" in goals:
            from bench import goal1_ack

            log("goal 1: ack latency in-process")
            goal1_ack.run_inprocess(results, env, rounds=args.rounds, per_kind=args.per_kind)
            log("goal 1: ack latency over HTTP and 50 clients")
            goal1_ack.run_http(results, env, rounds=args.rounds, per_kind=args.http_per_kind,
                               clients=args.clients, per_client=args.per_client)
        pg_engine = None
        if pg_url:
            log(f"seeding {args.sets} sets (PostgreSQL als_bench)")
            pg_engine = make_engine(pg_url)
            seed(pg_engine, sets=args.sets, dm_members=args.fanout)
        if "2" in goals:
            from bench import goal2_recording

            log("goal 2: recording")
            # The fake in its own process: its CPU (spec checks) is Slack's, not the bot's (bench/common.py).
            slack = start_fake_process(seeded.users(), seeded.channels())
            # A fresh copy of the seeded database, as PostgreSQL's is: goal 1's traffic (replies,
            # clicks, presentations) would otherwise have moved many phases on already.
            recording = workdir / "recording.db"
            shutil.copyfile(pristine, recording)
            recording_engine = make_engine(sqlite_url(recording))
            try:
                goal2_recording.run_throughput(results, "SQLite (WAL)", slack, recording_engine, args.sets, rounds=args.rounds, n=args.replies)
                if pg_engine is not None:
                    goal2_recording.run_throughput(results, "PostgreSQL", slack, pg_engine, args.sets, rounds=args.rounds, n=args.replies)
                goal2_recording.run_threads(results, slack, sqlite_url(recording), recording_engine, args.sets, rounds=args.rounds, n=args.replies)
            finally:
                slack.stop()
                recording_engine.dispose()
        if "3" in goals:
            from bench import goal3_scheduler

            log(f"goal 3: seeding {args.big_sets} sets and ticking")
            big_engine, _big = _sqlite(workdir / "big.db", args.big_sets, args.fanout)
            runtimes = {f"SQLite, {args.sets} sets": runtime_for(fake, engine),
                        f"SQLite, {args.big_sets} sets": runtime_for(fake, big_engine)}
            if pg_engine is not None:
                runtimes[f"PostgreSQL, {args.sets} sets"] = runtime_for(fake, pg_engine)
            goal3_scheduler.time_tick(results, runtimes, rounds=args.rounds)
            for label, runtime in runtimes.items():
                if label.startswith("SQLite") and str(args.big_sets) in label or label.startswith("PostgreSQL"):
                    plans[label] = goal3_scheduler.tick_plans(runtime)
            goal3_scheduler.tick_process(results, fake.base_url, sqlite_url(workdir / "big.db"), rounds=args.rounds)
            big_engine.dispose()
        if "4" in goals:
            from bench import goal4_fanout

            log("goal 4: fan-out")
            goal4_fanout.run_fanout(results, pristine, seeded, workdir, rounds=args.rounds, scale=args.scale)
        if "1" in goals and pg_engine is not None:
            from bench import goal1_ack

            # Last of the PostgreSQL runs: its traffic (replies, presentations) would change the
            # state goal 2 records into and goal 3 ticks over.
            log("goal 1c on PostgreSQL")
            goal1_ack.run_concurrency_on(results, env, pg_url, rounds=args.rounds, clients=args.clients, per_client=args.per_client)
        if "5" in goals:
            from bench import goal5_memory

            log("goal 5: memory")
            goal5_memory.serve_memory(results, env, requests=max(10, args.clients * args.per_client * 2), clients=args.clients)
            if clock is not None and not args.quick:
                goal5_memory.finish_clock(results, *clock)
                clock = None
        if pg_engine is not None:
            pg_engine.dispose()
    finally:
        if clock is not None:
            clock[0].terminate()
            clock[0].wait(timeout=10)
        fake.stop()
        engine.dispose()
        if pg_admin is not None:
            with pg_admin.connect() as c:
                c.execute(text("DROP DATABASE IF EXISTS als_bench WITH (FORCE)"))
            pg_admin.dispose()
    from bench.checks import evaluate

    evaluate(results, args)
    command = "python -m bench " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    config = (f"{args.sets} sets x 6 members with history (10,000-set database for the tick: {args.big_sets}); "
              f"{args.rounds} rounds; {args.per_kind} in-process requests per kind per round; {args.http_per_kind} HTTP "
              f"requests per kind per round; {args.replies} replies per recording round; fan-out {args.fanout}, windows /{args.scale:g}")
    body = report.render(results, command=command.strip(), config=config, plans=plans)
    if args.out == "-":
        print(body)
    else:
        report.write(Path(args.out), body)
        log(f"wrote {args.out}")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
