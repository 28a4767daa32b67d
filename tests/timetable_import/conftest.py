"""Real schools come from Debian's fet-data examples, and fet-cl makes their timetables: both must be
installed (scripts/test.sh installs them); a test that needs them fails, saying so, rather than skip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLES = Path("/usr/share/doc/fet-data/examples/FET-5-official")


@pytest.fixture(scope="session")
def fet_examples() -> Path:
    assert shutil.which("fet-cl"), "FET is not installed: run scripts/test.sh (apt-get install fet fet-data)"
    assert EXAMPLES.is_dir(), f"{EXAMPLES} is missing: run scripts/test.sh (apt-get install fet-data)"
    return EXAMPLES
