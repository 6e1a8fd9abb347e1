"""Browser-test harness: Debian's Chromium through pytest-playwright, and an axe-core check on every page.

Every test in tests/browser is marked `browser`; run them with `pytest tests/browser` (or `-m browser`).
"""

from pathlib import Path

import pytest

from tests.browser.axe import axe_check as _axe_check

HERE = Path(__file__).resolve().parent
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")


def _chromium_path() -> str:
    # /usr/lib/chromium/chromium is the real binary; /usr/bin/chromium is a shell wrapper that prints a warning.
    return next((path for path in CHROMIUM_CANDIDATES if Path(path).exists()), CHROMIUM_CANDIDATES[-1])


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": _chromium_path(),
        "args": ["--disable-gpu", "--disable-quic", "--no-sandbox", "--disable-background-networking",
                 "--no-first-run", "--disable-component-update", "--disable-sync"],
        "headless": True,
    }


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def axe_check():
    """`axe_check(page)`: fail the test if axe-core finds a serious or critical violation on the current page."""
    return _axe_check
