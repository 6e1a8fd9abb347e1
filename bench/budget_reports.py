"""Budget report benchmark: the budget-vs-actual page with 50,000 transactions against /healthz, on PostgreSQL.

Run with `make bench`, or `scripts/with-test-postgres .venv/bin/python bench/budget_reports.py [--quick]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from harness import (BenchError, database_url_from_env, load_arguments, development_app, format_ratio, login_session,
                     migrate_and_load_demo, print_table, ratios, request, run_load, running_gunicorn, target,
                     write_results)

YEAR = 2017
PROJECT_CODE = "kunst-rett-vest"
TRANSACTIONS = 50_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = load_arguments(__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=TRANSACTIONS, help="transactions in the year")
    parser.add_argument("--quick", action="store_true", help="3 s per endpoint and 10,000 transactions")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.transactions = min(args.seconds, 3.0), min(args.transactions, 10_000)
    return args


def seed_transactions(database_url: str, wanted: int) -> tuple[int, int]:
    """Top the project's year up to `wanted` transactions (small amounts that net to zero per pair)."""
    import sqlalchemy as sa

    app = development_app(database_url)
    from kunstvest.budget.models import BudgetLine, Project, Transaction
    from kunstvest.extensions import db

    with app.app_context():
        project = db.session.scalar(sa.select(Project).where(Project.code == PROJECT_CODE))
        lines = list(db.session.scalars(sa.select(BudgetLine).where(
            BudgetLine.project_id == project.id, BudgetLine.year == YEAR)))
        present = db.session.scalar(sa.select(sa.func.count()).select_from(Transaction).join(BudgetLine).where(
            BudgetLine.project_id == project.id, BudgetLine.year == YEAR))
        rows = [{"budget_line_id": lines[n % len(lines)].id, "booked_on": date(YEAR, 1, 1) + timedelta(n % 365),
                 "fiscal_year": YEAR, "amount": Decimal("125.50") if n % 2 else Decimal("-125.50"),
                 "text": "Benchmark", "voucher_number": f"bench-{n}"}
                for n in range(present, max(present, wanted))]
        for start in range(0, len(rows), 5_000):
            db.session.execute(sa.insert(Transaction), rows[start:start + 5_000])
        db.session.commit()
        total, project_id = present + len(rows), project.id
        db.session.remove()
        db.engine.dispose()
    return total, project_id


def main(argv: list[str] | None = None) -> int:
    """Prepare 50,000 transactions, serve with gunicorn, load /healthz and the report page, print the figures."""
    args = parse_args(argv)
    database_url = database_url_from_env()
    started = time.monotonic()
    migrate_and_load_demo(database_url)
    total, project_id = seed_transactions(database_url, args.transactions)
    path = f"/budget/reports/{project_id}/{YEAR}/budget-vs-actual.html"
    print(f"{PROJECT_CODE} {YEAR}: {total} transactions", flush=True)
    label = f"budget vs actual ({total // 1000}k)"
    with running_gunicorn(database_url) as server:
        cookie = login_session(server)
        status, _, body = request(server, "GET", path, headers={"Cookie": cookie})
        if status != 200 or "223".encode() not in body:
            raise BenchError(f"GET {path} answered {status} without the 2017 result")
        results = []
        for name, page, headers in (("/healthz", "/healthz", {}),
                                      (label, path, {"Cookie": cookie})):
            run_load(server, page, seconds=1, clients=args.clients, headers=headers)
            print(f"  {name}: {args.clients} clients for {args.seconds:g} s ...", flush=True)
            results.append(run_load(server, page, seconds=args.seconds, clients=args.clients, headers=headers,
                                    name=name))
    health, report_page = results
    print()
    print_table(results)
    report_ratios = ratios(report_page, health)
    print("\nbudget vs actual / healthz:  " + "  ".join(f"{key} {format_ratio(value)}"
                                                       for key, value in report_ratios.items()))
    write_results("budget_reports", {
        "benchmark": "budget_reports", "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick, "transactions": total,
        "results": {"healthz": health.as_dict(), "report": report_page.as_dict()},
        "ratios_report_to_healthz": report_ratios,
        # Issue 14 sets no target for the reports; their figures are shown in bench/run.py's summary.
        "targets": [target(f"{label} p95 (ms)", round(report_page.p95_ms, 1), None, "ms"),
                    target(f"{label} throughput / healthz", report_ratios["throughput"], None, "ratio")]})
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench/budget_reports.py: {error}", file=sys.stderr)
        sys.exit(2)
