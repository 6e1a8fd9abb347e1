"""Run every benchmark in bench/ and print their figures against their targets in one table (`make bench`).

Each benchmark runs on a throw-away PostgreSQL cluster of its own (scripts/with-test-postgres) and writes
bench/results/NAME.json with a `targets` list of {name, value, target, unit, met}. `--quick` is passed on to every
benchmark for a short run. The exit status is 1 if a target is missed or a benchmark fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import RESULTS_DIR, ROOT

BENCH = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"harness.py", "run.py"}
WITH_POSTGRES = ROOT / "scripts" / "with-test-postgres"


@dataclass
class Outcome:
    """What one benchmark run gave: its exit status, its targets (None without a fresh results file) and time."""

    name: str
    returncode: int
    seconds: float
    targets: list[dict] | None = field(default=None)

    @property
    def missed(self) -> list[dict]:
        return [line for line in self.targets or [] if line.get("met") is False]

    @property
    def status(self) -> str:
        if self.targets is None:
            return f"FAILED (exit {self.returncode}, no results)"
        if self.missed:
            return "MISSED"
        return "ok" if self.returncode == 0 else f"FAILED (exit {self.returncode})"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs with less data, passed to each benchmark")
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these benchmarks (e.g. visit_taps)")
    args = parser.parse_args(argv)
    unknown = set(args.names) - {script.stem for script in benchmarks()}
    if unknown:
        parser.error(f"no benchmark named {', '.join(sorted(unknown))}; there are "
                     f"{', '.join(script.stem for script in benchmarks())}")
    return args


def benchmarks() -> list[Path]:
    """Every benchmark script in bench/, by name."""
    return sorted(path for path in BENCH.glob("*.py") if path.name not in NOT_BENCHMARKS)


def run_benchmark(script: Path, *, quick: bool) -> Outcome:
    """Run one benchmark with its output on the terminal; read the results file it wrote in this run."""
    results = RESULTS_DIR / f"{script.stem}.json"
    started_at, began = time.time(), time.monotonic()
    print(f"\n=== {script.stem} ===", flush=True)
    command = [str(WITH_POSTGRES), sys.executable, str(script), *(["--quick"] if quick else [])]
    completed = subprocess.run(command, cwd=ROOT)
    outcome = Outcome(name=script.stem, returncode=completed.returncode, seconds=time.monotonic() - began)
    # A file left by an earlier run says nothing about this one.
    if results.exists() and results.stat().st_mtime >= started_at:
        outcome.targets = json.loads(results.read_text()).get("targets", [])
    return outcome


def format_value(value: float | None, unit: str) -> str:
    """A figure with its unit: «101.5 ms», «x0.031»."""
    if value is None:
        return "n/a"
    return f"x{value:.3g}" if unit == "ratio" else f"{value:g} {unit}"


def format_target(line: dict) -> str:
    """«≤ 100 ms» for times and sizes, «≥ x0.03» for ratios, «—» for a figure without a target."""
    if line.get("target") is None:
        return "—"
    return ("≥ " if line["unit"] == "ratio" else "≤ ") + format_value(line["target"], line["unit"])


def summary_rows(outcomes: list[Outcome]) -> list[tuple[str, ...]]:
    """One row per target of each benchmark; a benchmark without figures gets one row with its status."""
    rows = []
    for outcome in outcomes:
        if not outcome.targets:
            rows.append((outcome.name, "", "", "", outcome.status))
            continue
        for line in outcome.targets:
            verdict = {True: "met", False: "MISSED", None: "info"}[line.get("met")]
            if outcome.status.startswith("FAILED"):
                verdict = f"{verdict}; {outcome.status}"
            rows.append((outcome.name, line["name"], format_value(line.get("value"), line["unit"]),
                         format_target(line), verdict))
    return rows


def print_summary(outcomes: list[Outcome], *, quick: bool) -> None:
    """The table of every benchmark's figures against its targets."""
    header = ("benchmark", "figure", "value", "target", "")
    rows = summary_rows(outcomes)
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    print(f"\n=== summary{' (--quick: short runs, indicative only)' if quick else ''} ===")
    for row in [header, tuple("-" * width for width in widths), *rows]:
        print("  ".join(cell.rjust(width) if column == 2 else cell.ljust(width)
                        for column, (cell, width) in enumerate(zip(row, widths))).rstrip())


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks one after another, print the summary, and fail if any target is missed."""
    args = parse_args(argv)
    began = time.monotonic()
    scripts = [script for script in benchmarks() if not args.names or script.stem in args.names]
    outcomes = [run_benchmark(script, quick=args.quick) for script in scripts]
    print_summary(outcomes, quick=args.quick)
    failed = [outcome for outcome in outcomes if outcome.status != "ok"]
    print(f"\n{len(outcomes) - len(failed)} of {len(outcomes)} benchmarks ran without errors and met their targets "
          f"in {time.monotonic() - began:.0f} s." + (f" Not: {', '.join(o.name for o in failed)}." if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
