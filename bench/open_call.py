"""Open-call benchmark: the admin ranking page of a call with 500 scored applications against /healthz, on PostgreSQL.

500 applications, 3 jurors × 4 criteria (6,000 scores) in the deciding phase. Run with `make bench`, or
`scripts/with-test-postgres .venv/bin/python bench/open_call.py`. The image-upload figures are in bench/image_upload.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from harness import (BenchError, database_url_from_env, load_arguments, development_app, format_ratio, login_session,
                     migrate_and_load_demo, print_table, ratios, request, run_load, running_gunicorn,
                     write_results)

YEAR = 2030  # a season of its own, so the demo's calls stay as they are
PROJECT_CODE = "kunst-rett-vest"
APPLICATIONS = 500


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = load_arguments(__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=APPLICATIONS, help="applications in the call")
    return parser.parse_args(argv)


def seed_call(database_url: str, wanted: int) -> tuple[int, int]:
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
        season = ensure_season(project=project, year=YEAR)
        call = db.session.scalar(sa.select(OpenCall).where(OpenCall.season_id == season.id))
        if call is None:
            opens = datetime(YEAR, 1, 9, 8, tzinfo=timezone.utc)
            call = save_call(season=season, title=f"Benchmark {YEAR}", opens_at=opens,
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


def main(argv: list[str] | None = None) -> int:
    """Prepare the call, serve with gunicorn, load /healthz and the ranking page, print the figures."""
    args = parse_args(argv)
    database_url = database_url_from_env()
    started = time.monotonic()
    migrate_and_load_demo(database_url)
    total, call_id = seed_call(database_url, args.applications)
    path = f"/applications/admin/calls/{call_id}/ranking"
    print(f"call {call_id}: {total} applications, 3 jurors × 4 criteria", flush=True)
    with running_gunicorn(database_url) as server:
        cookie = login_session(server)
        status, _, body = request(server, "GET", path, headers={"Cookie": cookie})
        if status != 200 or body.count(b"<tr") < total:
            raise BenchError(f"GET {path} answered {status} without a row per application")
        results = []
        for name, target, headers in (("/healthz", "/healthz", {}),
                                      (f"ranking ({total})", path, {"Cookie": cookie})):
            run_load(server, target, seconds=1, clients=args.clients, headers=headers)
            print(f"  {name}: {args.clients} clients for {args.seconds:g} s ...", flush=True)
            results.append(run_load(server, target, seconds=args.seconds, clients=args.clients, headers=headers,
                                    name=name))
    health, ranking_page = results
    print()
    print_table(results)
    ranking_ratios = ratios(ranking_page, health)
    print("\nranking / healthz:  " + "  ".join(f"{key} {format_ratio(value)}"
                                               for key, value in ranking_ratios.items()))
    write_results("open_call", {
        "benchmark": "open_call", "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "applications": total, "results": {"healthz": health.as_dict(), "ranking": ranking_page.as_dict()},
        "ratios_ranking_to_healthz": ranking_ratios})
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench/open_call.py: {error}", file=sys.stderr)
        sys.exit(2)
