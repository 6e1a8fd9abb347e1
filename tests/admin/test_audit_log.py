"""The audit log reads in words: every action the code records has a label, and details are lines, not JSON."""

import re
from pathlib import Path

import pytest

from kunstvest.admin.audit_words import ACTIONS
from kunstvest.auth.models import Role
from kunstvest.common.audit import record_audit
from kunstvest.orchestra.models import EnrolmentStatus

pytestmark = pytest.mark.usefixtures("english")
PACKAGE = Path(__file__).resolve().parents[2] / "kunstvest"


def _recorded_actions() -> set[str]:
    source = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py"))
    actions = set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', source))
    return actions | {f"orchestra.enrolment_{status.value}" for status in EnrolmentStatus}


def test_every_recorded_action_has_words():
    missing = sorted(_recorded_actions() - ACTIONS.keys())
    assert not missing, f"add these to kunstvest/admin/audit_words.py ACTIONS: {missing}"


def test_the_log_shows_words_and_detail_lines_not_codes_and_json(client, db, login):
    admin = login(Role.ADMIN)
    record_audit(actor=admin, action="budget.transaction_changed", target=admin,
                 details={"before": {"amount": "100.00"}, "after": {"amount": "120.00"}, "reason": "Typo"})
    db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Transaction corrected" in text and "budget.transaction_changed" not in text
    assert "Before Amount: 100.00" in text and "After Amount: 120.00" in text and "Reason Typo" in text
    assert "User " in text and '{"' not in page
