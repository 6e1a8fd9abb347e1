"""axe-core in the browser tests: `visit(page, url)` navigates and checks; `axe_check(page)` checks the current page.

axe is injected with `page.evaluate(source)`: the app's CSP (`default-src 'self'`) blocks `add_script_tag`.
"""

from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

RUN_AXE = """async () => {
    const results = await axe.run(document, {resultTypes: ['violations']});
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        targets: v.nodes.map(n => n.target.join(' ')),
    }));
}"""


@cache
def axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `make assets` (npm ci) first")
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Every axe violation on the page as it is now, whatever its impact."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN_AXE)


def format_violations(violations: list[dict], url: str) -> str:
    lines = [f"axe found {len(violations)} serious or critical violation(s) on {url}:"]
    for v in violations:
        targets = ", ".join(v["targets"][:3]) + (f" (+{len(v['targets']) - 3} more)" if len(v["targets"]) > 3 else "")
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}\n    at: {targets}\n    see: {v['helpUrl']}")
    return "\n".join(lines)


def axe_check(page) -> list[dict]:
    """Fail the test if the current page has a serious or critical axe violation; return the milder ones."""
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if blocking:
        pytest.fail(format_violations(blocking, page.url), pytrace=False)
    return violations


def visit(page, url: str):
    """Open `url` and check the page with axe; returns the response."""
    response = page.goto(url)
    assert response is not None and response.ok, f"GET {url} answered {response and response.status}"
    axe_check(page)
    return response


def log_in_at(page, base_url: str, email: str, password: str) -> None:
    """Log in through the login page (checked with axe) and wait for the page it leads to."""
    visit(page, base_url + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
