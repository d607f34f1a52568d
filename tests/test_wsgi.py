"""The WSGI module gunicorn loads: the application, with what it loaded frozen."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROBE = """
import gc, json, sys
import judicial_verify.wsgi as wsgi
print(json.dumps({
    "callable": callable(wsgi.application),
    "frozen": gc.get_freeze_count(),
    "views_loaded": "judicial_verify.api.views.entries_submit" in sys.modules,
}))
"""


def test_loading_it_imports_the_views_and_freezes_what_is_loaded() -> None:
    # In its own process: freezing this one's objects would change the test run.
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    probe = json.loads(out.stdout.splitlines()[-1])
    assert probe["callable"]
    assert probe["views_loaded"]  # the URLconf was loaded before the freeze, not after
    assert probe["frozen"] > 50_000  # modules, settings and views, not a handful of objects
