"""Visit-tap benchmark: 20 phones POST one tap per request to one location, against /healthz, on PostgreSQL.

Migrates the database and seeds (idempotently) a season with an exhibition open yesterday to tomorrow and 20
volunteers assigned to it; logs each in through the login form and opens the counter page for its CSRF token; then
loads /healthz and the tap API with the same concurrency under gunicorn. Every tap has its own client id, so the
stored count must equal the number of taps accepted in 200 answers. gunicorn runs with gunicorn.conf.py's workers
unless --workers says otherwise. The figures and a `targets` list (tap POST p95 ≤ 100 ms) go to
bench/results/visit_taps.json; the exit status is 1 if the target is missed. Run with
`scripts/with-test-postgres .venv/bin/python bench/visit_taps.py [--quick]`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

from harness import (DEMO_PASSWORD, USER_AGENT, BenchError, ClientTally, LoadResult, Server, configured_workers,
                     cookie_header, database_url_from_env, development_app, flask_command, load_arguments,
                     format_ratio, login_session, merge_cookies, print_table, ratios, request, run_load,
                     running_gunicorn, target, write_results)

YEAR = 2031  # a season of its own, so the demo's seasons stay as they are
PROJECT_CODE = "kunst-rett-vest"
CLIENTS = 20
TARGET_P95_MS = 100.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = load_arguments(__doc__.splitlines()[0], clients=CLIENTS)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn sync workers (default: gunicorn.conf.py's, 2 × cores + 1)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each load")
    parser.add_argument("--quick", action="store_true", help="3 s per endpoint after 0.5 s of warm-up")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.warmup = min(args.seconds, 3.0), min(args.warmup, 0.5)
    return args


def counter_email(number: int) -> str:
    return f"bench-counter-{number:02d}@example.org"


def seed_location(database_url: str, clients: int) -> int:
    """A location (the YEAR exhibition, open around today in Oslo) with `clients` volunteers assigned; its id."""
    import sqlalchemy as sa

    app = development_app(database_url)
    from kunstvest.ateliers import counting
    from kunstvest.ateliers.models import LocationAssignment, LocationKind, VisitLocation
    from kunstvest.auth.models import Role, RoleGrant, User
    from kunstvest.auth.services import hash_password
    from kunstvest.budget.models import Project
    from kunstvest.budget.services import save_project
    from kunstvest.exhibitions.models import Exhibition, HostStatus
    from kunstvest.extensions import db
    from kunstvest.reference.models import Municipality
    from kunstvest.reference.services import ensure_season, save_county, save_municipality

    with app.app_context():
        project = db.session.scalar(sa.select(Project).where(Project.code == PROJECT_CODE)) or save_project(
            code=PROJECT_CODE, name="Kunst rett vest")
        season = ensure_season(project=project, year=YEAR)
        today = counting.today_in_oslo()
        exhibition = db.session.scalar(sa.select(Exhibition).where(Exhibition.season_id == season.id))
        if exhibition is None:
            host = db.session.scalar(sa.select(Municipality).order_by(Municipality.id).limit(1)) or save_municipality(
                number="3048", name="Svelvik", county=save_county(number="07", name="Vestfold", is_member=True),
                inhabitants=6_700)
            exhibition = Exhibition(season_id=season.id, title=f"Benchmark {YEAR}", host_municipality_id=host.id,
                                    host_status=HostStatus.CONFIRMED)
            db.session.add(exhibition)
        # Taps count only on the exhibition's days, so the days move to today on every run.
        exhibition.opens_on, exhibition.closes_on = today - timedelta(days=1), today + timedelta(days=1)
        db.session.flush()
        location = db.session.scalar(sa.select(VisitLocation).where(VisitLocation.exhibition_id == exhibition.id))
        if location is None:
            location = VisitLocation(season_id=season.id, kind=LocationKind.EXHIBITION, exhibition_id=exhibition.id,
                                     name=f"Benchmark {YEAR}", municipality_id=exhibition.host_municipality_id)
            db.session.add(location)
            db.session.flush()
        password_hash = None
        for number in range(1, clients + 1):
            user = db.session.scalar(sa.select(User).where(User.email == counter_email(number)))
            if user is None:
                password_hash = password_hash or hash_password(DEMO_PASSWORD)
                user = User(email=counter_email(number), full_name=f"Benchmark Counter {number}",
                            password_hash=password_hash, email_verified_at=datetime.now(timezone.utc),
                            role_grants=[RoleGrant(role=Role.VOLUNTEER)])
                db.session.add(user)
                db.session.flush()
            if db.session.get(LocationAssignment, (location.id, user.id)) is None:
                db.session.add(LocationAssignment(location_id=location.id, user_id=user.id))
        db.session.commit()
        location_id = location.id
        db.session.remove()
        db.engine.dispose()
    return location_id


def stored_taps(database_url: str, location_id: int) -> tuple[int, int]:
    """The number of tap rows and the visitors summed at the location, read straight from the database."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows, total = connection.execute(sa.text(
                "SELECT count(*), coalesce(sum(visitors), 0) FROM visit_taps WHERE location_id = :id"),
                {"id": location_id}).one()
    finally:
        engine.dispose()
    return rows, total


def phone_session(server: Server, email: str, counter_path: str) -> tuple[str, str]:
    """Log in through the form and open the counter page: the Cookie header and the page's CSRF token."""
    jar = dict(part.split("=", 1) for part in login_session(server, email, DEMO_PASSWORD).split("; "))
    status, headers, body = request(server, "GET", counter_path, headers={"Cookie": cookie_header(jar)})
    if status != 200:
        raise BenchError(f"GET {counter_path} as {email} answered {status}")
    merge_cookies(jar, headers)
    token = re.search(rb'data-csrf-token="([^"]+)"', body)
    if token is None:
        raise BenchError(f"GET {counter_path} has no data-csrf-token")
    return cookie_header(jar), token.group(1).decode()


def _tap_loop(server: Server, path: str, headers: dict[str, str], deadline: float, tally: ClientTally,
              accepted: list[int]) -> None:
    """POST one new tap per request on one keep-alive connection until `deadline` (reconnecting when closed)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        while time.perf_counter() < deadline:
            body = json.dumps({"taps": [{"client_id": str(uuid.uuid4()), "visitors": 1,
                                         "tapped_at": datetime.now(timezone.utc).isoformat()}]})
            began = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException):
                tally.errors += 1
                tally.statuses["exception"] += 1
                connection.close()
                time.sleep(0.01)
                continue
            tally.latencies_ms.append((time.perf_counter() - began) * 1000)
            tally.statuses[response.status] += 1
            tally.response_bytes += len(answer)
            if response.status == 200:
                accepted[0] += json.loads(answer)["accepted"]
            else:
                tally.errors += 1
    finally:
        connection.close()


def run_taps(server: Server, path: str, phones: list[tuple[str, str]], *, seconds: float,
             name: str) -> tuple[LoadResult, int]:
    """Every phone taps as fast as it is answered for `seconds`; the result and the number of taps accepted."""
    tallies = [ClientTally() for _ in phones]
    accepted = [[0] for _ in phones]
    began = time.perf_counter()
    deadline = began + seconds
    threads = [threading.Thread(target=_tap_loop, daemon=True, args=(
        server, path, {"User-Agent": USER_AGENT, "Cookie": cookie, "X-CSRFToken": token,
                       "Content-Type": "application/json", "Accept": "application/json"},
        deadline, tally, count)) for (cookie, token), tally, count in zip(phones, tallies, accepted)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    result = LoadResult(name=name, path=path, clients=len(phones), elapsed=time.perf_counter() - began)
    for tally in tallies:
        result.latencies_ms.extend(tally.latencies_ms)
        result.errors += tally.errors
        result.statuses.update(tally.statuses)
        result.response_bytes += tally.response_bytes
    return result, sum(count[0] for count in accepted)


def main(argv: list[str] | None = None) -> int:
    """Seed, serve with gunicorn, load /healthz and the tap API with the same concurrency, check and print."""
    args = parse_args(argv)
    database_url = database_url_from_env()
    started = time.monotonic()
    # The demo is not needed: the season, location and volunteers are made here.
    flask_command(database_url, "db", "upgrade")
    location_id = seed_location(database_url, args.clients)
    rows_before, total_before = stored_taps(database_url, location_id)
    counter_path, taps_path = f"/ateliers/count/{location_id}", f"/ateliers/count/{location_id}/taps"
    workers = args.workers or configured_workers()
    print(f"location {location_id}: {args.clients} volunteers, gunicorn with {workers} sync workers", flush=True)
    with running_gunicorn(database_url, workers=args.workers) as server:
        phones = [phone_session(server, counter_email(number), counter_path)
                  for number in range(1, args.clients + 1)]
        run_load(server, "/healthz", seconds=args.warmup, clients=args.clients)
        print(f"  /healthz: {args.clients} clients for {args.seconds:g} s ...", flush=True)
        health = run_load(server, "/healthz", seconds=args.seconds, clients=args.clients, name="/healthz")
        warmup, warmup_accepted = run_taps(server, taps_path, phones, seconds=args.warmup, name="warm-up")
        print(f"  tap POST: {args.clients} phones for {args.seconds:g} s ...", flush=True)
        taps, measured_accepted = run_taps(server, taps_path, phones, seconds=args.seconds, name="tap POST")
    rows_after, total_after = stored_taps(database_url, location_id)
    accepted = warmup_accepted + measured_accepted
    answered = warmup.statuses[200] + taps.statuses[200]
    stored = rows_after - rows_before
    print()
    print_table([health, taps])
    tap_ratios = ratios(taps, health)
    print("\ntap POST / healthz:  " + "  ".join(f"{key} {format_ratio(value)}" for key, value in tap_ratios.items()))
    targets = [target(f"tap POST p95, {args.clients} phones", round(taps.p95_ms, 1), TARGET_P95_MS, "ms")]
    print(f"tap POST p95 {taps.p95_ms:.1f} ms: target ≤ {TARGET_P95_MS:.0f} ms "
          f"{'met' if targets[0]['met'] else 'MISSED'}")
    is_exact = stored == answered == accepted == total_after - total_before
    print(f"tap POSTs answered 200: {answered}; taps stored at the location: {stored} "
          f"({'exact' if is_exact else 'MISMATCH'})")
    write_results("visit_taps", {
        "benchmark": "visit_taps", "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick, "clients": args.clients, "workers": workers,
        "results": {"healthz": health.as_dict(), "tap_post": taps.as_dict()},
        "ratios_tap_post_to_healthz": tap_ratios, "target_p95_ms": TARGET_P95_MS,
        "tap_posts_answered_200": answered, "taps_stored": stored, "count_exact": is_exact, "targets": targets})
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 1 if health.errors or taps.errors or not is_exact or not targets[0]["met"] else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench/visit_taps.py: {error}", file=sys.stderr)
        sys.exit(2)
