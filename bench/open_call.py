"""Open-call benchmark: the admin ranking page alone at 500 and 2,000 applications, and its throughput against /healthz.

Each call is in the deciding phase with its applications scored by 3 jurors on 4 criteria. The page is measured
(a) alone: the median of sequential requests, one at a time, at `--applications` (500) and `--large-applications`
(2,000); (b) under load: `--clients` concurrent clients on /healthz and then on the page at 500, as a throughput
ratio. The figures and a `targets` list go to bench/results/open_call.json; the script exits 1 when a target is
missed. Run with `make bench`, or `scripts/with-test-postgres .venv/bin/python bench/open_call.py [--quick]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from harness import (BenchError, Server, database_url_from_env, development_app, format_ratio, load_arguments,
                     login_session, migrate_and_load_demo, print_table, ratios, request, run_load,
                     running_gunicorn, target, write_results)

PROJECT_CODE = "kunst-rett-vest"
APPLICATIONS, APPLICATIONS_YEAR = 500, 2030  # seasons of their own, so the demo's calls stay as they are
LARGE_APPLICATIONS, LARGE_APPLICATIONS_YEAR = 2000, 2032
TARGET_ALONE_MS = 100.0
TARGET_LARGE_ALONE_MS = 300.0
TARGET_THROUGHPUT_RATIO = 0.03
WARMUP_REQUESTS = 4  # every worker has compiled the templates and filled its pool before the clock runs


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options; --quick shortens every measurement for a look, not for the record."""
    parser = load_arguments(__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=APPLICATIONS, help="applications in the main call")
    parser.add_argument("--large-applications", type=int, default=LARGE_APPLICATIONS,
                        help="applications in the second call, measured alone (0 skips it)")
    parser.add_argument("--requests", type=int, default=20, help="sequential requests for each 'alone' median")
    parser.add_argument("--quick", action="store_true",
                        help="3 s per endpoint under load, 10 requests alone (5 for the large call)")
    args = parser.parse_args(argv)
    if args.applications < 1 or args.large_applications < 0 or args.requests < 1:
        parser.error("--applications and --requests must be positive, --large-applications at least 0")
    if args.quick:
        args.seconds, args.requests = min(args.seconds, 3.0), min(args.requests, 10)
    return args


def seed_call(database_url: str, wanted: int, year: int) -> tuple[int, int]:
    """A call in the deciding phase with `wanted` applications, each scored by three jurors on four criteria."""
    import sqlalchemy as sa

    app = development_app(database_url)
    from kunstvest.applications.models import Application, CallPhase, OpenCall
    from kunstvest.applications.services import CriterionSpec, assign_juror, save_call
    from kunstvest.auth.models import Role
    from kunstvest.budget.models import Project
    from kunstvest.extensions import db
    from kunstvest.reference.services import ensure_season
    from tests import factories

    with app.app_context():
        project = db.session.scalar(sa.select(Project).where(Project.code == PROJECT_CODE))
        season = ensure_season(project=project, year=year)
        call = db.session.scalar(sa.select(OpenCall).where(OpenCall.season_id == season.id))
        if call is None:
            opens = datetime(year, 1, 9, 8, tzinfo=timezone.utc)
            call = save_call(season=season, title=f"Benchmark {year}", opens_at=opens,
                             closes_at=opens + timedelta(days=50), capacity=wanted * 2 // 3,
                             criteria=[CriterionSpec("Artistic quality", Decimal("2")), CriterionSpec("Craft"),
                                       CriterionSpec("Originality"), CriterionSpec("Fit")])
            for _ in range(3):
                assign_juror(call=call, juror=factories.make_user(roles=[Role.JURY]), actor=None)
            call.phase = CallPhase.DECIDING
        present = db.session.scalar(sa.select(sa.func.count(Application.id)).where(Application.call_id == call.id))
        if wanted > present:
            factories.make_scored_applications(call=call, count=wanted - present)
        db.session.commit()
        total, call_id = max(present, wanted), call.id
        db.session.remove()
        db.engine.dispose()
    return total, call_id


def ranking_path(call_id: int) -> str:
    return f"/applications/admin/calls/{call_id}/ranking"


def check_page(server: Server, path: str, cookie: str, total: int) -> None:
    """The page answers 200 with a row for every application."""
    status, _, body = request(server, "GET", path, headers={"Cookie": cookie}, timeout=30.0)
    if status != 200 or body.count(b"<tr") < total:
        raise BenchError(f"GET {path} answered {status} without a row per application")


def alone(server: Server, path: str, cookie: str, count: int) -> dict:
    """`count` requests one after the other (no other load): median, min and max in ms."""
    for _ in range(WARMUP_REQUESTS):
        request(server, "GET", path, headers={"Cookie": cookie}, timeout=30.0)
    latencies = []
    for _ in range(count):
        began = time.perf_counter()
        status, _, _ = request(server, "GET", path, headers={"Cookie": cookie}, timeout=30.0)
        latencies.append((time.perf_counter() - began) * 1000)
        if status != 200:
            raise BenchError(f"GET {path} answered {status} while measured alone")
    return {"path": path, "requests": count, "median_ms": round(statistics.median(latencies), 2),
            "min_ms": round(min(latencies), 2), "max_ms": round(max(latencies), 2)}


def main(argv: list[str] | None = None) -> int:
    """Prepare the calls, serve with gunicorn, measure the page alone and under load, write the figures."""
    args = parse_args(argv)
    database_url = database_url_from_env()
    started = time.monotonic()
    migrate_and_load_demo(database_url)
    calls = [seed_call(database_url, args.applications, APPLICATIONS_YEAR)]
    if args.large_applications:
        calls.append(seed_call(database_url, args.large_applications, LARGE_APPLICATIONS_YEAR))
    for total, call_id in calls:
        print(f"call {call_id}: {total} applications, 3 jurors × 4 criteria", flush=True)
    (total, call_id), path = calls[0], ranking_path(calls[0][1])
    with running_gunicorn(database_url) as server:
        cookie = login_session(server)
        alone_figures = []
        for size, (count, size_call_id) in enumerate(calls):
            size_path = ranking_path(size_call_id)
            check_page(server, size_path, cookie, count)
            requests = args.requests if size == 0 else max(3, args.requests // 2)
            print(f"  ranking ({count}) alone: {requests} sequential requests ...", flush=True)
            alone_figures.append({"applications": count, **alone(server, size_path, cookie, requests)})
        results = []
        for name, load_path, headers in (("/healthz", "/healthz", {}),
                                         (f"ranking ({total})", path, {"Cookie": cookie})):
            run_load(server, load_path, seconds=1, clients=args.clients, headers=headers)
            print(f"  {name}: {args.clients} clients for {args.seconds:g} s ...", flush=True)
            results.append(run_load(server, load_path, seconds=args.seconds, clients=args.clients,
                                    headers=headers, name=name))
    health, ranking_page = results
    print()
    print_table(results)
    ranking_ratios = ratios(ranking_page, health)
    print("\nranking / healthz:  " + "  ".join(f"{key} {format_ratio(value)}"
                                               for key, value in ranking_ratios.items()))
    targets = [target(f"ranking alone, {figures['applications']} applications (median ms)", figures["median_ms"],
                      TARGET_ALONE_MS if size == 0 else TARGET_LARGE_ALONE_MS, "ms")
               for size, figures in enumerate(alone_figures)]
    targets.append(target(f"ranking throughput / healthz, {total} applications", ranking_ratios["throughput"],
                          TARGET_THROUGHPUT_RATIO, "ratio"))
    print()
    for line in targets:
        comparison = "≤" if line["unit"] == "ms" else "≥"
        print(f"{'met   ' if line['met'] else 'MISSED'}  {line['name']}: {line['value']} "
              f"(target {comparison} {line['target']:g})")
    write_results("open_call", {
        "benchmark": "open_call", "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick, "applications": total, "alone": alone_figures,
        "results": {"healthz": health.as_dict(), "ranking": ranking_page.as_dict()},
        "ratios_ranking_to_healthz": ranking_ratios, "targets": targets})
    print(f"Done in {time.monotonic() - started:.0f} s.")
    missed = any(not line["met"] for line in targets)
    return 1 if missed or any(result.errors for result in results) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench/open_call.py: {error}", file=sys.stderr)
        sys.exit(2)
