"""Foundation benchmark: /healthz against the admin budget-line list under gunicorn on PostgreSQL.

Run with `make bench`, i.e. `scripts/with-test-postgres .venv/bin/python bench/foundation.py [--quick]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timezone
from decimal import Decimal

from harness import (BenchError, LoadResult, Server, database_url_from_env, development_app, format_ratio,
                     load_arguments, login_session, migrate_and_load_demo, print_table, ratios, request, run_load,
                     running_gunicorn, target, write_results)

BENCH_YEAR = 2017
BUDGET_PATH = f"/budget/?year={BENCH_YEAR}"
HEALTH_PATH = "/healthz"
EXTRA_PROJECTS = [
    ("bench-litteraturdager", "Litteraturdager i Vestregionen"),
    ("bench-dans-i-vest", "Dans i Vest"),
    ("bench-filmverksted", "Filmverksted for unge"),
    ("bench-kulturminnedagene", "Kulturminnedagene"),
]
LINES_PER_PROJECT = 75
TRANSACTIONS_PER_LINE = (1, 4)
FUNDERS = ["Vestregionen", "Akershus fylkeskommune", "Buskerud fylkeskommune", "Norsk kulturråd",
           "Sparebankstiftelsen DNB", "Fritt Ord"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = load_arguments(__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds per endpoint (default 1)")
    parser.add_argument("--quick", action="store_true", help="3 s per endpoint after 0.5 s of warm-up")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.warmup = min(args.seconds, 3.0), min(args.warmup, 0.5)
    return args


def seed_budget_lines(database_url: str) -> dict[str, int]:
    """Add projects with budget lines and transactions for BENCH_YEAR, once; returns the counts in the database."""
    import sqlalchemy as sa

    app = development_app(database_url)
    # Imported only now: config.py reads DATABASE_URL when it is first imported.
    from kunstvest.budget.models import BudgetCategory, BudgetLine, LineKind, Project, Transaction
    from kunstvest.budget.services import record_actual, save_budget_line, save_project
    from kunstvest.extensions import db

    rng = random.Random(BENCH_YEAR)
    categories = list(BudgetCategory)
    with app.app_context():
        for code, name in EXTRA_PROJECTS:
            project = db.session.scalar(sa.select(Project).where(Project.code == code))
            if project is not None:
                continue
            project = save_project(code=code, name=name, description="Extra project for the benchmark.")
            for number in range(1, LINES_PER_PROJECT + 1):
                category = rng.choice(categories)
                amount = Decimal(rng.randrange(5_000, 500_000, 500))
                line = save_budget_line(
                    project=project, year=BENCH_YEAR, category=category, name=f"Tiltak {number:03d}",
                    budgeted_amount=amount,
                    funder=rng.choice(FUNDERS) if category.kind == LineKind.INCOME else None)
                for index in range(rng.randint(*TRANSACTIONS_PER_LINE)):
                    share = Decimal(rng.randrange(5, 40)) / 100
                    record_actual(line=line, amount=amount * share,
                                  booked_on=date(BENCH_YEAR, rng.randint(1, 12), rng.randint(1, 28)),
                                  text=f"Bilag {name} {number:03d}-{index + 1}",
                                  voucher_number=f"B{BENCH_YEAR}-{line.id}-{index + 1}",
                                  source_ref=f"bench:{code}:{number}:{index + 1}")
        db.session.commit()
        counts = {
            "projects": db.session.scalar(sa.select(sa.func.count()).select_from(Project)),
            "budget_lines": db.session.scalar(
                sa.select(sa.func.count()).select_from(BudgetLine).where(BudgetLine.year == BENCH_YEAR)),
            "transactions": db.session.scalar(
                sa.select(sa.func.count()).select_from(Transaction).join(BudgetLine)
                .where(BudgetLine.year == BENCH_YEAR)),
        }
        db.session.remove()
        db.engine.dispose()
    return counts


def check_budget_page(server: Server, cookie: str, expected_lines: int) -> int:
    """GET the budget page with the session cookie; it must answer 200 and list every line. Returns the row count."""
    status, _, body = request(server, "GET", BUDGET_PATH, headers={"Cookie": cookie})
    if status != 200:
        raise BenchError(f"GET {BUDGET_PATH} as the demo admin answered {status}, not 200")
    rows = body.count(b'<tr class="kind-')
    if rows != expected_lines:
        raise BenchError(f"GET {BUDGET_PATH} lists {rows} lines; the database has {expected_lines}.")
    return rows


def measure(server: Server, cookie: str, args: argparse.Namespace) -> list[LoadResult]:
    """Warm up, then load /healthz and the budget page one after the other."""
    endpoints = [(HEALTH_PATH, HEALTH_PATH, {}), ("budget 2017 (admin)", BUDGET_PATH, {"Cookie": cookie})]
    results = []
    for name, path, headers in endpoints:
        if args.warmup > 0:
            run_load(server, path, seconds=args.warmup, clients=args.clients, headers=headers)
        print(f"  {name}: {args.clients} clients for {args.seconds:g} s ...", flush=True)
        results.append(run_load(server, path, seconds=args.seconds, clients=args.clients, headers=headers, name=name))
    return results


def report(results: list[LoadResult], args: argparse.Namespace, counts: dict[str, int], rows: int) -> dict:
    """Print the table and the ratios; returns the figures for the JSON file."""
    health, budget = results
    budget_ratios = ratios(budget, health)
    print()
    print_table(results)
    print()
    print("budget page / healthz:  " + "  ".join(f"{name} {format_ratio(value)}"
                                                 for name, value in budget_ratios.items()))
    for result in results:
        if result.errors:
            print(f"  {result.name}: {result.errors} errors, statuses {dict(result.statuses)}")
    return {
        "benchmark": "foundation",
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "settings": {"seconds": args.seconds, "clients": args.clients, "workers": args.workers,
                     "warmup_seconds": args.warmup, "quick": args.quick},
        "data": {**counts, "rows_on_budget_page": rows, "year": BENCH_YEAR},
        "results": {"healthz": health.as_dict(), "budget": budget.as_dict()},
        "ratios_budget_to_healthz": budget_ratios,
        # Issue 14 sets no target for the budget page; its figures are shown in bench/run.py's summary.
        "targets": [target("budget page p95 (ms)", round(budget.p95_ms, 1), None, "ms"),
                    target("budget page throughput / healthz", budget_ratios["throughput"], None, "ratio")],
    }


def main(argv: list[str] | None = None) -> int:
    """Prepare the database, serve with gunicorn, log in, load both endpoints and report."""
    args = parse_args(argv)
    database_url = database_url_from_env()
    started = time.monotonic()
    print("Preparing the database: migrations, demo season, extra budget lines ...", flush=True)
    migrate_and_load_demo(database_url)
    counts = seed_budget_lines(database_url)
    print(f"  {BENCH_YEAR}: {counts['budget_lines']} budget lines, {counts['transactions']} transactions, "
          f"{counts['projects']} projects", flush=True)
    with running_gunicorn(database_url, workers=args.workers) as server:
        print(f"gunicorn {server.app_spec} ({args.workers} sync workers) on {server.base_url}", flush=True)
        cookie = login_session(server)
        rows = check_budget_page(server, cookie, counts["budget_lines"])
        print(f"Logged in as the demo admin; {BUDGET_PATH} lists {rows} lines.", flush=True)
        results = measure(server, cookie, args)
        failed = any(result.errors for result in results)
        if failed:
            print(f"gunicorn log (tail):\n{server.log_tail()}", file=sys.stderr)
    figures = report(results, args, counts, rows)
    path = write_results("foundation", figures)
    print(f"\nWritten to {path.relative_to(path.parents[2])} in {time.monotonic() - started:.0f} s.")
    if failed:
        print("Some requests failed: the figures above are not trustworthy.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench/foundation.py: {error}", file=sys.stderr)
        sys.exit(2)
