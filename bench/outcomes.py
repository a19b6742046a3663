"""Benchmark: the outcomes report over a large simulated cohort of the seed activity.

Run with the project's venv from the repository root, against PostgreSQL for figures that mean anything:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cme .venv/bin/python bench/outcomes.py [--learners 50000]

It creates a throw-away test database (test_<name>), migrates it, loads the seed
activity and writes --learners simulated learners (tests/outcomes/realistic.py:
about 20 answers each, so 50,000 learners is about a million answers), then times
each section's selector, the CSV of each section and export_responses, and counts
their queries. --keep keeps the database for another run (--reuse skips the
simulation and reads what is there).
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SEED_SLUG = "her2-positive-mbc-frontline-and-maintenance"


def timed(label: str, action) -> None:
    reset_queries()  # the query log keeps 9,000 entries; the simulation alone fills it
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        action()
        elapsed = time.perf_counter() - started
    print(f"{label:<28} {elapsed:8.2f} s  {len(captured.captured_queries):4d} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="Keep the test database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Reuse a kept database as it is.")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # Never the test suite's database: a benchmark may run beside it.
    bench_name = f"bench_outcomes_{Path(str(old_name)).stem}"
    if connection.vendor == "sqlite":
        bench_name = str(Path(tempfile.gettempdir()) / f"{bench_name}.sqlite3")
    connection.settings_dict["TEST"]["NAME"] = bench_name
    connection.creation.create_test_db(verbosity=0, autoclobber=not args.reuse, keepdb=args.reuse)
    try:
        from activities.models import Activity
        from outcomes import selectors
        from outcomes.exports import response_rows, section_tables, write_tables
        from quizzes.models import AttemptItem
        from tests.outcomes.realistic import simulate

        if not Activity.objects.filter(slug=SEED_SLUG).exists():
            call_command("loaddata", "fixtures/her2-mbc-activity.json", verbosity=0)
            call_command("loaddata", "fixtures/her2-mbc-questions.json", verbosity=0)
        activity = Activity.objects.get(slug=SEED_SLUG)
        if not args.reuse:
            started = time.perf_counter()
            for chunk_start in range(0, args.learners, 5_000):
                simulate(activity, learners=min(5_000, args.learners - chunk_start), seed=chunk_start + 1)
            print(f"simulated in {time.perf_counter() - started:.0f} s")
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a real database
        answers = AttemptItem.objects.filter(attempt__quiz__activity=activity).count()
        print(f"{connection.vendor}: {answers:,} answers; learners: {activity.enrollments.count():,}\n")

        period = selectors.Period()
        timed("funnel", lambda: selectors.funnel(activity=activity, period=period))
        timed("satisfaction", lambda: selectors.satisfaction(activity=activity, period=period, text_limit=50))
        timed("knowledge", lambda: selectors.knowledge(activity=activity, period=period))
        timed("item analysis", lambda: selectors.item_analysis(activity=activity, period=period))
        timed("whole report (page)", lambda: selectors.outcomes_report(activity=activity, period=period, text_limit=50))
        for section in selectors.SECTIONS:
            timed(f"csv {section}", lambda s=section: write_tables(
                section_tables(activity=activity, period=period, section=s), io.StringIO()))  # fmt: skip
        timed("export_responses", lambda: sum(1 for _ in response_rows(activity=activity)))
    finally:
        if args.keep or args.reuse:
            print(f"\nkept {connection.settings_dict['NAME']}; run again with --reuse")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
