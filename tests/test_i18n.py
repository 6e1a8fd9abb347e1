"""Bokmål comes first: every string in the code and templates has a Norwegian translation."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def test_every_message_has_a_norwegian_translation(tmp_path):
    template = tmp_path / "messages.pot"
    # Babel skips folders starting with "_" unless told otherwise, and templates/_partials has strings too.
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "_l",
                    "--ignore-dirs=.* node_modules", "-o", str(template), "--no-location", "."], cwd=ROOT, check=True)
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "kunstvest/translations/nb/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = {message.id: message for message in read_po(handle) if message.id}
    def translated(message) -> bool:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        return all(forms) and not message.fuzzy

    missing = sorted(str(msgid) for msgid in wanted if msgid not in catalogue or not translated(catalogue[msgid]))
    assert missing == []
    assert "Log out" in wanted  # from templates/_partials/header.html
