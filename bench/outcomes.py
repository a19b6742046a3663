"""Benchmark: the outcomes report over a large simulated cohort, on SQLite and on PostgreSQL.

Run with the project's venv from the repository root:

    .venv/bin/python bench/outcomes.py [--learners 50000] [--databases sqlite,postgresql]

For each database it creates a throw-away database (never the suite's or the
app's), migrates it, loads the seed activity and writes simulated learners with
outcomes.simulation (about 20 answers each: 50,000 learners is about a million
answers). It times every section's selector, the whole page, each section's CSV
and export_responses, first at --small learners and then at --learners, and
prints one table: seconds per section per database, and the queries each made
at both sizes (the same count at both: the report does not loop over learners).

PostgreSQL is reached with DATABASE_URL for postgresql (default
postgres://postgres@127.0.0.1:5432/cme). --keep keeps the databases, --reuse
reads kept ones without simulating again.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_SLUG = "her2-positive-mbc-frontline-and-maintenance"
DATABASE_URLS = {
    "sqlite": f"sqlite:///{Path(tempfile.gettempdir()) / 'cme-bench.sqlite3'}",
    "postgresql": os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cme"),
}


def measure(learners: int, small: int, keep: bool, reuse: bool) -> dict:
    """In a child process whose DATABASE_URL names one database: simulate, time, count; return the figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    bench_name = f"bench_outcomes_{Path(str(old_name)).stem}"
    if connection.vendor == "sqlite":
        bench_name = str(Path(tempfile.gettempdir()) / f"{bench_name}.sqlite3")
    connection.settings_dict["TEST"]["NAME"] = bench_name
    connection.creation.create_test_db(verbosity=0, autoclobber=not reuse, keepdb=reuse)
    try:
        from activities.models import Activity
        from outcomes import selectors
        from outcomes.exports import response_rows, section_tables, write_tables
        from outcomes.simulation import simulate_learners
        from quizzes.models import AttemptItem

        if not Activity.objects.filter(slug=SEED_SLUG).exists():
            call_command("loaddata", "fixtures/her2-mbc-activity.json", verbosity=0)
            call_command("loaddata", "fixtures/her2-mbc-questions.json", verbosity=0)
        activity = Activity.objects.get(slug=SEED_SLUG)
        period = selectors.Period()
        actions = {
            "funnel": lambda: selectors.funnel(activity=activity, period=period),
            "satisfaction": lambda: selectors.satisfaction(activity=activity, period=period, text_limit=50),
            "knowledge": lambda: selectors.knowledge(activity=activity, period=period),
            "item analysis": lambda: selectors.item_analysis(activity=activity, period=period),
            "commitments": lambda: selectors.commitments(activity=activity, period=period),
            "whole report (page)": lambda: selectors.outcomes_report(activity=activity, period=period, text_limit=50),
            **{
                f"csv {section}": lambda s=section: write_tables(
                    section_tables(activity=activity, period=period, section=s), io.StringIO()
                )
                for section in selectors.SECTIONS
            },
            "export_responses": lambda: sum(1 for _ in response_rows(activity=activity)),
        }

        def grow_to(target: int) -> None:
            have = activity.enrollments.count()
            chunk_seed = have
            while have < target:
                count = min(5_000, target - have)
                simulate_learners(activity=activity, learners=count, seed=chunk_seed + 1)
                have += count
                chunk_seed += count
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a real database

        def run_all() -> dict:
            figures = {}
            for label, action in actions.items():
                reset_queries()  # the query log keeps 9,000 entries; the simulation alone fills it
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    action()
                    figures[label] = (time.perf_counter() - started, len(captured.captured_queries))
            return figures

        def size() -> dict:
            return {
                "learners": activity.enrollments.count(),
                "answers": AttemptItem.objects.filter(attempt__quiz__activity=activity).count(),
            }

        result = {"vendor": connection.vendor}
        if not reuse:
            grow_to(small)
            result["small"] = {**size(), "figures": run_all()}
            started = time.perf_counter()
            grow_to(learners)
            result["simulated_seconds"] = time.perf_counter() - started
        result["large"] = {**size(), "figures": run_all()}
        return result
    finally:
        if not (keep or reuse):
            connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=1_000, help="The first size measured, for the query counts.")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Reuse kept databases as they are.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(measure(args.learners, args.small, args.keep, args.reuse)))
        return

    results = []
    for database in args.databases.split(","):
        command = [sys.executable, __file__, "--child", database, "--learners", str(args.learners),
                   "--small", str(args.small)] + ["--keep"] * args.keep + ["--reuse"] * args.reuse  # fmt: skip
        env = {**os.environ, "DATABASE_URL": DATABASE_URLS[database]}
        print(f"{database}: simulating {args.learners:,} learners and measuring…", file=sys.stderr, flush=True)
        finished = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        if finished.returncode:
            sys.exit(f"{database} failed:\n{finished.stderr}")
        results.append(json.loads(finished.stdout.strip().splitlines()[-1]))
    report(results)


def report(results: list[dict]) -> None:
    for result in results:
        large = result["large"]
        line = f"{result['vendor']}: {large['learners']:,} learners, {large['answers']:,} answers"
        if "simulated_seconds" in result:
            line += f" (simulated in {result['simulated_seconds']:.0f} s)"
        print(line)
    print()
    header = f"{'section':<24}" + "".join(f"{r['vendor'] + ' s':>14}" for r in results)
    header += "".join(f"{r['vendor'] + ' queries':>22}" for r in results)
    print(header)
    for label in results[0]["large"]["figures"]:
        row = f"{label:<24}" + "".join(f"{r['large']['figures'][label][0]:>14.2f}" for r in results)
        for r in results:
            large_queries = r["large"]["figures"][label][1]
            small = r.get("small")
            counts = f"{small['figures'][label][1]} → {large_queries}" if small else str(large_queries)
            row += f"{counts:>22}"
        print(row)
    if "small" in results[0]:
        print(f"\nqueries: at {results[0]['small']['learners']:,} learners → at "
              f"{results[0]['large']['learners']:,}")  # fmt: skip


if __name__ == "__main__":
    main()
