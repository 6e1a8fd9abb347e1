"""Documents benchmark: the atelier guide (104 ateliers), wall labels and price list (120 works) as PDFs.

A person downloads a stored file (target ≤ 1.5 s); WeasyPrint makes it once, after the response that changed the
content (publishing the guide, saving the placement). Both times are printed: the stored download against its target,
the making for information. The data is the real season's size, seeded into a throw-away SQLite database, and the
pages are requested in this process through Flask's test client, so the figures are the server's time alone.
Run with `make bench`, or `.venv/bin/python bench/documents.py [--quick]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, target, write_results

ATELIERS, WORKS = 104, 120  # Kunst rett vest's open ateliers and exhibition works (../shared/DOMAIN.md)
STORED_TARGET_MS = 1500


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one making and three downloads per document")
    return parser.parse_args(argv)


def seed(app) -> tuple[int, int, str]:
    """A published season: 120 accepted works in an exhibition, 104 ateliers of them; returns the ids and an admin."""
    from kunstvest.ateliers.services import publish_guide
    from kunstvest.auth.models import Role
    from kunstvest.extensions import db
    from tests import factories

    with app.app_context():
        db.create_all()
        call = factories.make_call(year=2017)
        municipalities = [factories.make_municipality() for _ in range(8)]
        applications = factories.make_accepted_applications(call=call, count=WORKS)
        open_ateliers = factories.make_open_ateliers(season=call.season)
        shared = WORKS - ATELIERS  # the first ateliers are shared by two artists
        for number in range(ATELIERS):
            members = [applications[number]] + ([applications[ATELIERS + number]] if number < shared else [])
            factories.make_atelier(open_ateliers=open_ateliers, applications=members,
                                   municipality=municipalities[number % len(municipalities)],
                                   accessibility="Ett trinn ved inngangen; parkering i gården.",
                                   description="Keramikk og maleri i et gammelt uthus ved fjorden.")
        exhibition = factories.make_exhibition(season=call.season)
        admin = factories.make_user(roles=[Role.ADMIN])
        publish_guide(open_ateliers=open_ateliers, actor=admin, anyway=True)
        db.session.commit()
        return exhibition.id, open_ateliers.year, admin.get_id()


def timed_get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or not response.data.startswith(b"%PDF"):
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from kunstvest import create_app
    from kunstvest.common.stored_pdfs import forget_stored_pdfs

    folder = Path(tempfile.mkdtemp(prefix="kunstvest-bench-documents-"))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.sqlite'}",
                     UPLOAD_DIR=str(folder / "uploads"), SERVER_NAME="bench.test")
    exhibition_id, year, admin_id = seed(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"], session["locale"] = admin_id, True, "nb"
    documents = {"guide": f"/ateliers/{year}/guide.pdf",
                 "wall labels": f"/exhibitions/admin/{exhibition_id}/wall-labels.pdf",
                 "price list": f"/exhibitions/admin/{exhibition_id}/price-list.pdf"}
    makings, downloads = (1, 3) if args.quick else (3, 10)
    figures, targets = {}, []
    print(f"{'document':<12} {'made (ms)':>10} {'stored download (ms)':>21}")
    for name, url in documents.items():
        made = []
        for _ in range(makings):
            with app.app_context():
                forget_stored_pdfs()
            made.append(timed_get(client, url))
        stored = statistics.median(timed_get(client, url) for _ in range(downloads))
        figures[name] = {"url": url, "made_ms": [round(value, 1) for value in made],
                         "stored_download_median_ms": round(stored, 1)}
        targets.append(target(f"{name} PDF, stored download", round(stored, 1), STORED_TARGET_MS, "ms"))
        targets.append(target(f"{name} PDF, made after a change", round(min(made), 1), None, "ms"))
        print(f"{name:<12} {min(made):>10.0f} {stored:>21.1f}")
    path = write_results("documents", {"benchmark": "documents", "quick": args.quick,
                                       "data": {"ateliers": ATELIERS, "works": WORKS}, "results": figures,
                                       "targets": targets})
    print(f"figures written to {path}")
    return 1 if any(line["met"] is False for line in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
