"""The axe check itself: it must see a violation, or a clean journey would prove nothing."""

import pytest
from playwright.sync_api import Page

from tests.browser.axe import axe_check, axe_violations


def test_axe_check_fails_on_a_critical_violation(page: Page):
    page.set_content('<!doctype html><html lang="en"><head><title>t</title></head>'
                     '<body><main><h1>Hi</h1><img src="data:,"></main></body></html>')
    assert "image-alt" in {v["id"] for v in axe_violations(page)}
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        axe_check(page)
